"""The victim's ids in request bodies and query strings answer exactly as ids that do not exist.

The URL harness (test_harness.py) puts the victim's ids in paths. Here they go everywhere else an
API request names an object: every body field and every query parameter that the OpenAPI schema
documents as an id (its description says ``(<prefix>_…)``, as ``core.api.refs.RefField`` and the
filters write it). For each one, the attacker sends the same request twice — once with the
victim's id, once with an id that names nothing — and both answers must be identical (status
and body, ids masked): one resolver (``core.api.refs.resolve_ref``) answers
``400 {code: "not_found", fields: {<field>: …}}`` for both, and a filter matches nothing for both.
Nothing may change in the database either way.

Organization operations are attacked by organization A (its API key and a member's session) with
organization B's ids; the creator API by another creator with the victim creator's ids (their
social account, an invite-only campaign). Creators themselves (``cre_…``) are global, so a
creator id is no secret: those fields are skipped by rule (GLOBAL_PREFIXES).
"""

import json
import re
import traceback
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from tests.cross_tenant import snapshot
from tests.cross_tenant.registry import Owner
from tests.cross_tenant.test_harness import world  # noqa: F401  (the module-scoped fixture)
from tests.cross_tenant.world import World, import_builders, savepoint

REF = re.compile(r"\(([a-z]{3})_…\)")
GLOBAL_PREFIXES = {"cre": "creators are global users: any organization may name any creator"}
MISSING_SUFFIX = "_zzzzzzzzzzzzzzzzzzzz"
# The rest of a body that a rule across fields needs before the reference is looked at.
CONTEXT_FIELDS = {
    ("/api/v1/invite-batches/", "campaign"): {"handles": "someone", "platform": "tiktok"},
    ("/api/v1/stores/", "brand"): {
        "shop_domain": "attacker-new-store.myshopify.com",
        "secret": "shpss_attacker_0123456789abcdef",
    },
}
CREATOR_API = "/api/v1/creator/"


def _document() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


DOCUMENT = _document()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


@dataclass(frozen=True)
class RefCase:
    method: str
    path: str
    where: str  # "body" or "query"
    field: str
    prefix: str
    many: bool  # a list of ids
    body_schema: str  # the request component, for building the rest of the body

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.where}:{self.field}"


def ref_cases() -> list[RefCase]:
    cases = []
    for path, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            for param in op.get("parameters") or []:
                found = REF.search(param.get("description") or "")
                if param.get("in") == "query" and found:
                    cases.append(
                        RefCase(method.upper(), path, "query", param["name"], found[1], False, "")
                    )
            content = (op.get("requestBody") or {}).get("content", {})
            for media in ("application/json", "multipart/form-data"):
                if media not in content:
                    continue
                ref = content[media]["schema"].get("$ref", "")
                body = _resolve(content[media]["schema"])
                for name, prop in (body.get("properties") or {}).items():
                    found = REF.search(prop.get("description") or "")
                    if found:
                        many = prop.get("type") == "array"
                        cases.append(
                            RefCase(method.upper(), path, "body", name, found[1], many, ref)
                        )
    return sorted(cases, key=str)


CASES = ref_cases()


def test_the_schema_marks_the_references_we_know_of() -> None:
    """Every body field and filter that names an object is found (so none is left unattacked)."""
    found = {str(c) for c in CASES}
    for expected in (
        "POST /api/v1/campaigns/ body:brand",
        "PATCH /api/v1/campaigns/{public_id}/ body:brand",
        "POST /api/v1/invitations/ body:brand",
        "POST /api/v1/shortlists/ body:brand",
        "POST /api/v1/invite-batches/ body:campaign",
        "POST /api/v1/invite-batches/ body:shortlist",
        "POST /api/v1/invite-batches/upload/ body:campaign",
        "POST /api/v1/campaign-invitations/ body:campaign",
        "POST /api/v1/applications/bulk-decide/ body:ids",
        "POST /api/v1/creator/applications/ body:campaign",
        "POST /api/v1/creator/applications/ body:social_account",
        "POST /api/v1/creator/invitations/{public_id}/respond/ body:social_account",
        "GET /api/v1/campaigns/ query:brand",
        "GET /api/v1/applications/ query:campaign",
        "GET /api/v1/participations/ query:campaign",
        "GET /api/v1/campaign-invitations/ query:campaign",
        "GET /api/v1/invite-batches/ query:campaign",
        "GET /api/v1/creator/applications/ query:campaign",
        "POST /api/v1/submissions/bulk-decision/ body:ids",
        "GET /api/v1/submissions/ query:campaign",
        "GET /api/v1/submissions/ query:brand",
        "GET /api/v1/content-library/ query:campaign",
        "GET /api/v1/content-library/ query:brand",
        "GET /api/v1/creator/slots/ query:campaign",
        "GET /api/v1/creator/slots/ query:participation",
        # Issue 11: metrics, conversions, stores.
        "GET /api/v1/post-metrics/ query:campaign",
        "GET /api/v1/conversions/ query:campaign",
        "POST /api/v1/stores/ body:brand",
    ):
        assert expected in found, f"{expected} is not documented as an id (… id (<prefix>_…))"


# -- values ----------------------------------------------------------------------------------------


BASELINES: dict[str, snapshot.Snapshot] = {}


@pytest.fixture(scope="module")
def own_values(world: World, django_db_blocker: Any) -> dict[str, str]:  # noqa: F811
    """The attacker's own objects, built by the same builders (so a body's other ids are valid
    and only the attacked field names someone else's object)."""
    attacker = Owner(tenant=world.attacker_tenant, creator=world.attacker_creator)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    with django_db_blocker.unblock():
        for name, builder in sorted(import_builders().items()):
            cached = dict(attacker.cache)
            try:
                with savepoint():
                    values[name] = str(builder(attacker))
            except Exception:  # a builder made for the victim only: its value is not needed
                attacker.cache = cached  # forget objects its rolled-back savepoint removed
                errors[name] = traceback.format_exc(limit=3)
    assert "api:campaign" in values, errors
    # What the database holds now, with the attacker's objects: the baseline for "nothing changed".
    BASELINES["after own objects"] = snapshot.take()
    return values


def _by_prefix(values: dict[str, str], *, creator_side: bool) -> dict[str, str]:
    """One id per prefix; on the creator side, the creator-specific builders win."""
    chosen: dict[str, str] = {}
    for name, value in sorted(values.items()):
        prefix = value.split("_", 1)[0]
        if len(prefix) == 3 and (prefix not in chosen or (creator_side and "creator" in name)):
            chosen[prefix] = value
    if creator_side and "creator:campaign_id" in values:
        chosen["cmp"] = values["creator:campaign_id"]  # invite-only: not in the marketplace
    return chosen


def _example(schema: dict[str, Any], name: str, own: dict[str, str]) -> Any:
    schema = _resolve(schema)
    found = REF.search(schema.get("description") or "")
    if found:
        value = own.get(found[1], f"{found[1]}{MISSING_SUFFIX}")
        return [value] if schema.get("type") == "array" else value
    if "enum" in schema:
        return next(v for v in schema["enum"] if v not in ("", None))
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            return _example(schema[key][0], name, own)
    kind = schema.get("type")
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "boolean":
        return True
    if kind == "array":
        return [_example(schema.get("items", {}), name, own)]
    if schema.get("format") == "email":
        return "someone@example.com"
    if schema.get("format") == "binary":
        return None
    return "x"


def _body(case: RefCase, own: dict[str, str]) -> dict[str, Any]:
    component = _resolve({"$ref": case.body_schema})
    required = set(component.get("required") or ())
    body = {}
    for name, prop in (component.get("properties") or {}).items():
        if name in required or name == case.field:
            value = _example(prop, name, own)
            if value is not None:
                body[name] = value
    return {**body, **CONTEXT_FIELDS.get((case.path, case.field), {})}


def _send(client: Client, case: RefCase, path: str, body: dict[str, Any], ref: str) -> Any:
    if case.where == "query":
        return client.get(path, {case.field: ref})
    body = {**body, case.field: [ref] if case.many else ref}
    if case.path.endswith("/upload/"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        body["file"] = SimpleUploadedFile("list.csv", b"handle\n@someone\n", "text/csv")
        return client.post(path, body)
    call = getattr(client, case.method.lower())
    return call(path, body, content_type="application/json")


def _masked(response: Any, *ids: str) -> tuple[int, str]:
    text = response.content.decode(errors="replace")
    for value in ids:
        text = text.replace(value, "<ID>")
    return response.status_code, text


ATTACKS = [
    (case, attacker)
    for case in CASES
    if case.prefix not in GLOBAL_PREFIXES
    for attacker in (("creator",) if case.path.startswith(CREATOR_API) else ("api_key", "member"))
]


@pytest.mark.parametrize(("case", "attacker"), ATTACKS, ids=[f"{c}-{a}" for c, a in ATTACKS])
def test_a_foreign_id_answers_as_a_missing_one(
    case: RefCase,
    attacker: str,
    world: World,  # noqa: F811
    own_values: dict[str, str],
    db: None,
) -> None:
    creator_side = case.path.startswith(CREATOR_API)
    victims = _by_prefix(world.values, creator_side=creator_side)
    own = _by_prefix(own_values, creator_side=creator_side)
    victim_id = victims.get(case.prefix)
    assert victim_id, f"no victim object with the prefix {case.prefix}_ (register a builder)"
    missing_id = f"{case.prefix}{MISSING_SUFFIX}"
    path = case.path
    if "{public_id}" in path:
        own_id = own_values.get(_own_builder_for(path))
        assert own_id, f"no object of the attacker's own for {path}"
        path = path.replace("{public_id}", own_id)
    body = _body(case, own) if case.where == "body" else {}
    client = world.clients[attacker]
    answers = []
    for ref in (victim_id, missing_id):
        with savepoint():
            counters = snapshot.write_counters()
            response = _send(client, case, path, body, ref)
            changes = snapshot.changes_since(BASELINES["after own objects"], counters)
            transaction.set_rollback(True)
        answers.append(_masked(response, victim_id, missing_id))
        assert not changes or ref == missing_id or response.status_code < 300, changes
    (foreign_status, foreign_body), (missing_status, missing_body) = answers
    assert (foreign_status, foreign_body) == (missing_status, missing_body), (
        f"{case} as {attacker}: the victim's id answered {foreign_status} {foreign_body[:300]}, "
        f"a missing id {missing_status} {missing_body[:300]}"
    )
    if case.where == "body":
        # The resolver was reached: the answer names the field (or, for a list decided one by
        # one, says the id was not found) — not some earlier refusal that hides the check.
        assert case.field in missing_body or "not_found" in missing_body, missing_body[:300]


def _own_builder_for(path: str) -> str:
    if path.startswith(CREATOR_API):
        return "api:creator-" + path.split("/")[4].rstrip("s")
    return "api:" + path.split("/")[3].rstrip("s")
