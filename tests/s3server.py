"""A real S3-compatible server for tests: moto in server mode, spoken to over HTTP by boto3,
django-storages and plain HTTP clients (presigned POSTs and GETs), as in production.

moto (5.2) stores whatever a browser POSTs: it checks neither the POST policy's signature, nor
its expiry, nor its conditions (``content-length-range``, the key, the Content-Type). Real S3
does, and our upload limits rest on it, so :class:`PostPolicyCheck` sits in front of moto and
refuses such a POST with the status and error code S3 answers (the rules of "Creating a POST
policy", AWS S3 docs: SigV4 signature of the base64 policy, expiration, each condition, every
form field covered by a condition, the file's size within ``content-length-range``).
"""

import base64
import hashlib
import hmac
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.formparser import parse_form_data
from werkzeug.serving import make_server

REGION = "us-east-1"
ACCESS_KEY = "test"
SECRET_KEY = "test"


@dataclass(frozen=True)
class S3Bucket:
    endpoint_url: str
    name: str
    client: Any  # a boto3 S3 client

    def storage_settings(self) -> dict[str, Any]:
        """The ``STORAGES["default"]`` entry that points django-storages at this bucket."""
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.name,
                "endpoint_url": self.endpoint_url,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "addressing_style": "path",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_expire": 300,
                "signature_version": "s3v4",
            },
        }

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return [item["Key"] for item in listed.get("Contents", [])]


class PolicyRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _sigv4_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def check_post_policy(bucket: str, form: dict[str, str], file_size: int) -> None:
    """Refuse (:class:`PolicyRefused`) a browser-based POST that S3 would refuse."""
    fields = {name.lower(): value for name, value in form.items()}
    policy_b64 = fields.get("policy", "")
    if fields.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
        raise PolicyRefused(400, "InvalidRequest", "Only SigV4 POST policies are accepted.")
    try:
        access_key, date, region, service, _ = fields["x-amz-credential"].split("/")
        policy = json.loads(base64.b64decode(policy_b64))
    except (KeyError, ValueError):
        raise PolicyRefused(400, "InvalidPolicyDocument", "Bad policy or credential.") from None
    expected = hmac.new(
        _sigv4_key(SECRET_KEY, date, region, service), policy_b64.encode(), hashlib.sha256
    ).hexdigest()
    if access_key != ACCESS_KEY or not hmac.compare_digest(
        expected, fields.get("x-amz-signature", "")
    ):
        raise PolicyRefused(403, "SignatureDoesNotMatch", "The signature does not match.")
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    if expiration < datetime.now(UTC):
        raise PolicyRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {**fields, "bucket": bucket}
    covered = {"bucket"}
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            ((name, value),) = condition.items()
            condition = ["eq", f"${name}", value]
        operator, *args = condition
        if operator == "content-length-range":
            low, high = int(args[0]), int(args[1])
            if file_size > high:
                raise PolicyRefused(400, "EntityTooLarge", "Your proposed upload is too large.")
            if file_size < low:
                raise PolicyRefused(400, "EntityTooSmall", "Your proposed upload is too small.")
            continue
        name = str(args[0]).lstrip("$").lower()
        covered.add(name)
        actual = values.get(name)
        if operator == "eq":
            ok = actual == args[1]
        else:
            ok = operator == "starts-with" and actual is not None and actual.startswith(args[1])
        if not ok:
            raise PolicyRefused(
                403,
                "AccessDenied",
                f"Invalid according to Policy: Policy Condition failed: {condition}",
            )
    exempt = {"policy", "x-amz-signature", "file"}
    for name in fields:
        if name not in covered and name not in exempt and not name.startswith("x-ignore-"):
            raise PolicyRefused(
                403,
                "AccessDenied",
                f"Invalid according to Policy: Extra input fields: {name}",
            )


class PostPolicyCheck:
    """WSGI middleware in front of moto: browser-based POST uploads must pass their policy."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "").strip("/")
        is_form = environ.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        if environ["REQUEST_METHOD"] != "POST" or not is_form or not path or "/" in path:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        parsed_environ = {**environ, "wsgi.input": io.BytesIO(body)}
        _, form, uploaded = parse_form_data(parsed_environ)
        file = uploaded.get("file")
        try:
            if file is None:
                raise PolicyRefused(400, "InvalidArgument", "POST requires exactly one file.")
            check_post_policy(path, dict(form.items()), len(file.read()))
        except PolicyRefused as refused:
            xml = (
                f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{refused.code}</Code>"
                f"<Message>{refused.message}</Message></Error>"
            ).encode()
            start_response(
                f"{refused.status} Refused",
                [("Content-Type", "application/xml"), ("Content-Length", str(len(xml)))],
            )
            return [xml]
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


class _PolicyCheckingMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = PostPolicyCheck(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


def run_s3_server() -> Iterator[str]:
    """Start moto's server (with S3's POST policy checks) on a free port; yield its endpoint
    URL; stop it."""
    server = _PolicyCheckingMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def new_bucket(endpoint_url: str) -> S3Bucket:
    """A fresh, empty bucket (one per test: nothing leaks between tests)."""
    client = boto3.client(
        "s3",
        config=Config(signature_version="s3v4"),
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    name = f"chorus-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    return S3Bucket(endpoint_url=endpoint_url, name=name, client=client)
