"""Demo data: shortlists and a finished batch for Northstar, idempotently."""

import pytest

from campaigns.demo import seed_campaigns_demo
from creators.demo import seed_creators_demo
from discovery.demo import seed_discovery_demo
from discovery.models import InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from recruitment.demo import seed_recruitment_demo
from web.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_shortlists_and_batch_are_built_once() -> None:
    seed_demo()
    seed_creators_demo()
    seed_campaigns_demo()
    seed_recruitment_demo()

    first = seed_discovery_demo()
    assert first["entries"] > 0
    assert first["batches"] == 1
    assert seed_discovery_demo() == {"entries": 0, "batches": 0}

    assert set(Shortlist.objects.values_list("name", flat=True)) == {
        "Glow — beauty picks",
        "Peak — trail crew",
    }
    assert ShortlistEntry.objects.count() == first["entries"]
    batch = InviteBatch.objects.get()
    assert batch.status == "done"
    assert batch.processed == batch.invited + batch.failed_count == batch.total
    assert batch.failed_count == 2
    assert InviteBatchRow.objects.filter(batch=batch, outcome="failed").count() == 2
