"""The Python rollup (SQLite, the embedded default) gives, row for row, what the PostgreSQL
rebuild gives over the same random raw rows: snapshots with gaps and recounts, clicks, orders,
refunds and bonuses."""

from __future__ import annotations

import random

import pytest

from analytics import rollups
from analytics.rollups_portable import rollup_rebuild_portable
from tests.analytics.test_rollup_consistency import _all_rollups, _apply, _events, _world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("seed", [4, 5])
def test_the_portable_rebuild_equals_the_sql_rebuild(seed: int) -> None:
    rng = random.Random(seed)
    for kind, e in _events(rng, _world()):
        _apply(kind, e)

    assert rollups.rollup_rebuild().ran
    sql = _all_rollups()
    posts, creators, campaigns, brands = rollup_rebuild_portable()
    portable = _all_rollups()

    assert [len(t) for t in sql] == [posts, creators, campaigns, brands]
    assert all(sql), "the world produced rows at every level"
    assert portable == sql
