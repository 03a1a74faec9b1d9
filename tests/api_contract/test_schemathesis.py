"""The schema tells the truth: schemathesis generates requests from the OpenAPI schema for every
operation and runs all its checks on the answers (no server error, every status documented, the
body matching its schema, content types, headers, what the schema forbids refused, what it
allows accepted, …).

It talks to the Django WSGI app in-process (``schemathesis.openapi`` with the app attached, as
``from_wsgi`` does), authenticated with an admin organization API key, on seeded data
(tests/api_contract/seed.py): path ids are drawn from the seeded objects as well as generated,
so requests reach real objects and not only 404s. One test per operation; deterministic
(derandomized, fixed seed) with a few examples each, so it stays a test, not a fuzzing campaign.

Why not ``schemathesis.pytest.from_fixture``: its ``parametrize()`` rewrites ``Function._nodeid``,
which pytest 9 no longer has (AttributeError); the operations are parametrized here instead.
"""

import json
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import RejectedPositiveData, positive_data_acceptance

from config.wsgi import application
from tests.api_contract.seed import Seeded, seed_agency
from tests.cross_tenant.world import savepoint

EXAMPLES_PER_OPERATION = 4
SEED = 20261130

# The resource segment of an operation's path → the seeded ids of that resource.
RESOURCES = {
    "brands": "brand",
    "members": "member",
    "invitations": "invitation",
    "campaigns": "campaign",
    "shortlists": "shortlist",
    "invite-batches": "invite-batch",
    "applications": "application",
    "participations": "participation",
    "campaign-invitations": "campaign-invitation",
    "submissions": "submission",
    "conversions": "conversion",
    "stores": "store",
    "post-metrics": "post-metrics",
}


def _load_schema() -> Any:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    document = json.loads(OpenApiJsonRenderer().render(raw))
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True},
            "checks": {"enabled": True},
        }
    )
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.app = application  # requests go to the WSGI app in-process, as from_wsgi sets it
    return loaded


SCHEMA = _load_schema()
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Seeded once for the module inside a transaction; each test runs in a savepoint of it."""
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction: Django's own test client disconnects the same signal handler.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            yield seed_agency()
        finally:
            TestCase._rollback_atomics(atomics)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def _path_ids(operation: Any, seeded: Seeded) -> Any:
    """Half the time, the id of a seeded object of that resource instead of a made-up one."""
    segments = operation.path.strip("/").split("/")
    ids = seeded.ids.get(RESOURCES.get(segments[2] if len(segments) > 2 else "", ""), [])

    def swap(case: Any) -> Any:
        return st.sampled_from([None, *ids]).map(lambda value: _with_id(case, value))

    return swap if ids and "{public_id}" in operation.path else None


def _with_id(case: Any, value: str | None) -> Any:
    if value is not None and case.path_parameters is not None:
        case.path_parameters = {**case.path_parameters, "public_id": value}
    return case


def positive_data_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's ``positive_data_acceptance``, with one principled allowance.

    A schema-valid request may still be refused for its *meaning*, which no schema can state:
    an id that names nothing of yours (``not_found`` on the field), a rule across fields
    (``non_field_errors``: "exactly one of …"), or a business rule with a code of its own
    (``dates_out_of_order``, ``fee_above_budget``…). A plain ``invalid`` on a named field,
    though, is a format rule the schema failed to state: that still fails.
    """
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code != 400:
            raise
        body = json.loads(response.content)
        if body.get("code") != "invalid" or set(body.get("fields") or {}) <= {"non_field_errors"}:
            return None
        raise


def test_every_operation_is_exercised() -> None:
    assert len(OPERATIONS) >= 55, sorted(OPERATIONS)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_the_api_answers_as_its_schema_says(label: str, seeded: Seeded, db: None) -> None:
    operation = OPERATIONS[label]
    strategy = operation.as_strategy()
    swap = _path_ids(operation, seeded)
    if swap is not None:
        strategy = strategy.flatmap(swap)
    headers = {"Authorization": f"Bearer {seeded.api_key}"}

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        with savepoint():
            try:
                case.call_and_validate(
                    headers=headers,
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[positive_data_accepted],
                )
            finally:
                transaction.set_rollback(True)

    run()
