"""The batch goes through the real queue: enqueued on commit, run by a Celery worker."""

import pytest

from core.queues import Queue
from discovery.models import InviteBatch
from discovery.services import invite_batch_create_from_handles
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.core.celery_worker import celery_worker, wait_for
from tests.discovery.conftest import recruiting_campaign, verified_tiktok


@pytest.mark.django_db(transaction=True)
def test_worker_processes_a_batch_enqueued_on_commit(tenant_a: Tenant) -> None:
    campaign = recruiting_campaign(tenant_a)
    verified_tiktok("Maya", "maya.makes")
    verified_tiktok("Noor", "noor.cooks")
    with celery_worker(queues=[Queue.DEFAULT.value]):
        batch = invite_batch_create_from_handles(
            access=tenant_a.access(),
            campaign=campaign,
            platform="tiktok",
            text="@maya.makes, https://www.tiktok.com/@noor.cooks, nobody.here",
        )

        def finished() -> bool:
            return InviteBatch.objects.get(pk=batch.pk).is_finished

        assert wait_for(finished, timeout=20)
    batch.refresh_from_db()
    assert (batch.status, batch.invited, batch.failed_count) == ("done", 2, 1)
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 2
