"""The click index attribution reads the buyer's clicks through: (organization, visitor hash,
time), so each order's lookup is a probe per visitor hash, not a scan of the organization's
clicks in the window (bench/conversions.py measures it; the planner picks sequential scans on
test-sized tables, so the plan itself is not asserted here)."""

import pytest
from django.db import connection, models

from analytics.models import Click

COLUMNS = ["organization_id", "visitor_hash", "created_at"]


@pytest.mark.django_db
def test_the_database_has_the_click_index_by_organization_visitor_and_time() -> None:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, Click._meta.db_table)
    index = found.get("click_org_visitor_time")
    assert index is not None, "migration analytics 0016 builds it"
    assert index["index"]
    assert not index["unique"]
    assert index["columns"] == COLUMNS
    # A B-tree (Django names a default one "idx"): a probe by equality then range, not BRIN.
    assert index["type"] == models.Index.suffix


def test_the_model_declares_it_so_the_tenant_index_checks_cover_it() -> None:
    declared = {i.name: list(i.fields) for i in Click._meta.indexes}
    assert declared.get("click_org_visitor_time") == ["organization", "visitor_hash", "created_at"]
