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

# The batch has 800 rows. On CI's shared two cores a row takes ~0.1-0.2 s (an invitation,
# its notification and its e-mail), so the default run uses 150 rows to keep `make faults` around
# 7 minutes; CHORUS_FAULT_BATCH=800 make faults runs the size (same code path, ~16 minutes;
# resumption is set by the lease and the sweeps, not by the size).
BATCH_SIZE = int(os.environ.get("CHORUS_FAULT_BATCH", "150"))


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
