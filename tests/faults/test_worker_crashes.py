"""A worker killed in the middle of an 800-row invite batch (the issue's size; CHORUS_FAULT_BATCH,
see conftest): the batch finishes within two minutes of the restart with exactly one invitation
and one e-mail per creator. The one exception is an e-mail whose sending process the kill hit
inside its SMTP conversation (after the claim, before the sent mark; core.outbox): it is not
sent again and is flagged "outcome unknown" for an operator — at most one per killed process,
counted and printed."""

import os
import signal
import time
from datetime import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from core.models import OutboxTask
from creators.models import CreatorProfile
from discovery.models import InviteBatch
from discovery.services import invite_batch_create_for_creators
from notifications.models import Notification
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.faults.harness import Stack, install_sweep_schedules, report, stack, wait_until

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

RESUME_LIMIT = 120.0  # seconds from the restart until rows are sent again ("within two minutes")
FINISH_LIMIT = 600.0  # the rest of the batch and its e-mails, at this machine's pace
CONCURRENCY = 2  # the worker's pool processes (the harness's default)


def _progress(batch: InviteBatch) -> int:
    return InviteBatch.objects.values_list("processed", flat=True).get(pk=batch.pk)


def _finished(batch: InviteBatch) -> bool:
    return InviteBatch.objects.get(pk=batch.pk).is_finished


def _assert_exactly_once(
    s: Stack,
    batch: InviteBatch,
    creators: list[CreatorProfile],
    *,
    killed: int,
    killed_at: datetime,
) -> int:
    """One invitation per creator, and one e-mail per creator — except for an e-mail whose
    sending process the kill hit inside its SMTP conversation (between the claim committed before
    SMTP and the sent mark after it, core.outbox): nobody can know whether the server took it, so
    it is not sent again and is flagged "outcome unknown" (admin: resend). Such an e-mail must
    have been claimed before the kill, and there are at most as many as processes killed.
    Returns how many were flagged."""
    batch.refresh_from_db()
    assert (batch.status, batch.invited, batch.failed_count) == ("done", len(creators), 0)
    invited = list(
        CampaignInvitation.objects.filter(campaign_id=batch.campaign_id).values_list(
            "creator_id", flat=True
        )
    )
    assert sorted(invited) == sorted(c.pk for c in creators)  # one each, nobody twice
    sent = s.emails_by_recipient()
    notices = list(
        Notification.objects.filter(
            recipient__in=[c.user_id for c in creators], email_wanted=True
        ).select_related("recipient")
    )
    assert len(notices) == len(creators)  # one notification per creator
    unknown = [n for n in notices if n.email_state == "unknown"]
    assert {n.email_state for n in notices} <= {"sent", "unknown"}
    # Every e-mail the kill did not interrupt: sent exactly once.
    wrong = {
        n.recipient.email: sent[n.recipient.email]
        for n in notices
        if n.email_state == "sent" and sent[n.recipient.email] != 1
    }
    assert wrong == {}, f"{len(wrong)} e-mails not sent exactly once: {list(wrong.items())[:5]}"
    # The interrupted ones: claimed by a killed process, at most once (0 or 1 in the log).
    assert all(n.email_claimed_at is not None and n.email_claimed_at <= killed_at for n in unknown)
    assert all(sent[n.recipient.email] <= 1 for n in unknown)
    assert len(unknown) <= killed
    return len(unknown)


def _start_batch(tenant: Tenant, campaign: Campaign, creators: list[CreatorProfile]) -> InviteBatch:
    return invite_batch_create_for_creators(
        access=tenant.access(), campaign=campaign, creators=creators
    )


def _all_mail_sent() -> bool:
    return not OutboxTask.objects.filter(completed_at__isnull=True).exists()


def test_a_killed_pool_process_is_replaced_and_the_batch_finishes(
    fault_tmp, tenant_a: Tenant, big_campaign: Campaign, creators: list[CreatorProfile]
) -> None:
    install_sweep_schedules()
    with stack(fault_tmp) as s:
        worker = s.worker().start()
        s.beat().start()
        batch = _start_batch(tenant_a, big_campaign, creators)
        wait_until(lambda: _progress(batch) >= len(creators) // 4, 180, "the batch never started")
        pool = worker.children()
        assert pool, "the worker has no pool processes"
        for pid in pool:  # SIGKILL the pool processes; the worker's main process lives on
            os.kill(pid, signal.SIGKILL)
        killed_wall, killed_at, at_row = timezone.now(), time.monotonic(), _progress(batch)
        try:
            resumed = wait_until(
                lambda: _progress(batch) > at_row + 1, RESUME_LIMIT, "the batch did not resume"
            )
            wait_until(lambda: _finished(batch), FINISH_LIMIT, "the batch did not finish")
            batch_done = time.monotonic() - killed_at
            wait_until(_all_mail_sent, FINISH_LIMIT, "e-mails were left unsent")
        except AssertionError:
            print(s.logs())
            raise
        assert worker.alive()
        mail_done = time.monotonic() - killed_at
        unknown = _assert_exactly_once(s, batch, creators, killed=len(pool), killed_at=killed_wall)
        report(
            "pool process SIGKILL",
            rows=len(creators),
            killed_at_row=at_row,
            resumed_after_s=resumed,
            batch_done_after_s=batch_done,
            mail_done_after_s=mail_done,
            emails_outcome_unknown=unknown,
        )


def test_a_killed_worker_restarted_finishes_the_batch(
    fault_tmp, tenant_a: Tenant, big_campaign: Campaign, creators: list[CreatorProfile]
) -> None:
    install_sweep_schedules()
    with stack(fault_tmp) as s:
        worker = s.worker().start()
        s.beat().start()
        batch = _start_batch(tenant_a, big_campaign, creators)
        wait_until(lambda: _progress(batch) >= len(creators) // 4, 180, "the batch never started")
        worker.kill()  # the whole worker: main process and pool, SIGKILL
        killed_wall, at_row = timezone.now(), _progress(batch)
        time.sleep(2)
        worker.start()  # what the supervisor (make run) or compose's restart policy does
        restarted_at = time.monotonic()
        try:
            resumed = wait_until(
                lambda: _progress(batch) > at_row + 1, RESUME_LIMIT, "the batch did not resume"
            )
            wait_until(lambda: _finished(batch), FINISH_LIMIT, "the batch did not finish")
            batch_done = time.monotonic() - restarted_at
            wait_until(_all_mail_sent, FINISH_LIMIT, "e-mails were left unsent")
        except AssertionError:
            print(s.logs())
            raise
        mail_done = time.monotonic() - restarted_at
        unknown = _assert_exactly_once(
            s, batch, creators, killed=CONCURRENCY, killed_at=killed_wall
        )
        report(
            "whole worker SIGKILL + restart",
            rows=len(creators),
            killed_at_row=at_row,
            resumed_after_restart_s=resumed,
            batch_done_after_restart_s=batch_done,
            mail_done_after_restart_s=mail_done,
            emails_outcome_unknown=unknown,
        )
