"""Fault tests start real processes (Redis, Celery worker and beat) and kill them. They are slow
(minutes), marked ``fault``, and run by ``make faults`` (CI runs it after ``make test``)."""

import os
from pathlib import Path

import pytest
from django.db import transaction

from campaigns.models import Campaign
from creators.models import CreatorProfile
from tests.conftest import Tenant
from tests.discovery.conftest import recruiting_campaign
from tests.factories.creators import SocialAccountFactory

# The batch: 800 rows, also in CI. Invite batches are processed in chunks by two
# deliveries (discovery.services), so the whole `make faults` took 6.6-9.4 min at 800 rows on the
# shared 2-core machine (7.8 min at 150 rows under heavier load): the size costs ~2 minutes.
# CHORUS_FAULT_BATCH=150 make faults runs a smaller batch through the same code path. The
# metrics fault tests (test_metrics_faults.py) use it too: tracked posts, and clicks per burst.
BATCH_SIZE = int(os.environ.get("CHORUS_FAULT_BATCH", "800"))


@pytest.fixture
def fault_tmp(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def big_campaign(tenant_a: Tenant) -> Campaign:
    return recruiting_campaign(tenant_a, max_creators=BATCH_SIZE + 50)


@pytest.fixture
def creators() -> list[CreatorProfile]:
    with transaction.atomic():  # one commit, not one per row: setting up 800 takes seconds
        return [SocialAccountFactory().creator for _ in range(BATCH_SIZE)]
