"""A real S3-compatible server for tests: moto in server mode, spoken to over HTTP by boto3,
django-storages and plain HTTP clients (presigned POSTs and GETs), as in production.

Note: moto (5.2) does not check POST policies (expiry, ``content-length-range``, field
conditions): it stores whatever is posted. Tests of those limits therefore read the signed
policy itself and check our own ``confirm_upload``, which refuses what S3 would have.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

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
            },
        }

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return [item["Key"] for item in listed.get("Contents", [])]


def run_s3_server() -> Iterator[str]:
    """Start moto's server on a free port; yield its endpoint URL; stop it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
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
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    name = f"chorus-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    return S3Bucket(endpoint_url=endpoint_url, name=name, client=client)
