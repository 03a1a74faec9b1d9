"""Redis (broker and cache, no persistence) restarted during a batch and while requests arrive:
the worker keeps running, every committed request answers 2xx, every batch finishes, nothing is
done twice, and logged-in users stay logged in."""

import time
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from campaigns.models import Campaign
from core.models import OutboxTask
from creators.models import CreatorProfile
from discovery.models import InviteBatch, InviteBatchRow
from discovery.services import invite_batch_create_for_creators
from organizations.models import Invitation
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.discovery.conftest import recruiting_campaign
from tests.faults.harness import install_sweep_schedules, report, stack, wait_until

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 8
FINISH_LIMIT = 600.0


def test_a_redis_restart_loses_no_work_and_no_logins(
    fault_tmp: Any,
    settings: Any,
    tenant_a: Tenant,
    big_campaign: Campaign,
    creators: list[CreatorProfile],
    api_client_for: Any,
) -> None:
    install_sweep_schedules()
    side_campaigns = [recruiting_campaign(tenant_a, name=f"Side {i}") for i in range(4)]
    handles = [c.social_accounts.get().handle for c in creators[:5]]
    with stack(fault_tmp) as s:
        # This process's cache (sessions are read through it) is the Redis that restarts.
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": s.redis_url,
                "KEY_PREFIX": "chorus-fault",
            }
        }
        browser = Client(raise_request_exception=False)
        browser.force_login(tenant_a.owner)
        assert browser.get("/o/acme/").status_code == 200  # the session is now in the cache
        api: APIClient = api_client_for(tenant_a)
        api.raise_request_exception = False

        worker = s.worker().start()
        beat = s.beat().start()
        batch = invite_batch_create_for_creators(
            access=tenant_a.access(), campaign=big_campaign, creators=creators
        )
        wait_until(
            lambda: InviteBatch.objects.get(pk=batch.pk).processed >= len(creators) // 4,
            180,
            "the batch never started",
        )

        s.kill_redis()  # SIGKILL: no persistence, every queued message and cached key is gone
        down_at = time.monotonic()
        statuses: Counter[int] = Counter()
        created: list[str] = []
        for i, campaign in enumerate(side_campaigns):
            response = api.post(
                "/api/v1/invite-batches/",
                {
                    "campaign": campaign.public_id,
                    "platform": "tiktok",
                    "handles": "\n".join(handles),
                },
                format="json",
            )
            statuses[response.status_code] += 1
            if response.status_code == 202:
                created.append(response.json()["id"])
            page = browser.post(
                "/o/acme/members/", {"email": f"new{i}@example.com", "role": "viewer"}
            )
            statuses[page.status_code] += 1
        while time.monotonic() - down_at < OUTAGE_SECONDS:
            time.sleep(0.2)
        s.start_redis()  # the same port, empty
        back_at = time.monotonic()

        try:
            assert dict(statuses) == {202: 4, 200: 4}, statuses  # every committed request: 2xx
            assert Invitation.objects.filter(email__startswith="new").count() == 4
            # Logged in still: the session is read from the database when the cache lost it.
            response = browser.get("/o/acme/")
            assert response.status_code == 200
            assert response.wsgi_request.user == tenant_a.owner

            def all_done() -> bool:
                return not InviteBatch.objects.exclude(status="done").exists()

            batches_done = wait_until(all_done, FINISH_LIMIT, "a batch did not finish")
            wait_until(
                lambda: not OutboxTask.objects.filter(completed_at__isnull=True).exists(),
                FINISH_LIMIT,
                "work was left in the outbox",
            )
            outbox_done = time.monotonic() - back_at
        except AssertionError:
            print(s.logs())
            raise
        worker_survived = worker.starts == 1 and worker.alive()
        beat_survived = beat.alive()
        report(
            "Redis restart (no persistence)",
            rows=len(creators),
            outage_s=back_at - down_at,
            batches_done_after_restart_s=batches_done,
            all_work_done_after_restart_s=outbox_done,
            worker_survived=worker_survived,
            beat_survived=beat_survived,
        )
        assert worker_survived, "the worker's main process exited on the broker restart"
        assert beat_survived, "beat exited on the broker restart"

        assert len(created) == 4
        for public_id in created:
            side = InviteBatch.objects.get(public_id=public_id)
            assert (side.status, side.invited) == ("done", len(handles))
            assert InviteBatchRow.objects.filter(batch=side).count() == side.total
        # Nothing doubled: one invitation per (campaign, creator), one e-mail per message.
        assert CampaignInvitation.objects.filter(campaign=big_campaign).count() == len(creators)
        sent = Counter(line for line in s.mail_log.read_text().splitlines())
        assert {line: n for line, n in sent.items() if n > 1} == {}
        expected = len(creators) + len(side_campaigns) * len(handles) + 4
        assert sum(sent.values()) == expected
