"""Invitation batches: created whole or not at all, processed row by row, idempotently."""

import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from campaigns.models import Campaign
from core.errors import ChorusError
from core.models import OutboxTask
from discovery import services
from discovery.models import InviteBatch, InviteBatchRow
from discovery.services import (
    InviteBatchBusy,
    invite_batch_create_for_creators,
    invite_batch_create_from_csv,
    invite_batch_create_from_handles,
    invite_batch_create_from_shortlist,
    invite_batch_process,
    shortlist_add_creators,
    shortlist_create,
)
from notifications.models import Notification
from organizations.models import Membership
from organizations.roles import Role
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.discovery.conftest import recruiting_campaign, verified_tiktok
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import CampaignInvitationFactory, ParticipationFactory


def rows(batch: InviteBatch) -> list[tuple[int, str, str]]:
    return [
        (r.line_number, r.outcome, r.reason)
        for r in InviteBatchRow.objects.filter(batch=batch).order_by("line_number")
    ]


def failed_reasons(batch: InviteBatch) -> dict[str, str]:
    return {
        r.raw_input: r.reason for r in InviteBatchRow.objects.filter(batch=batch, outcome="failed")
    }


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return recruiting_campaign(tenant_a)


PASTED = """@maya.makes, https://www.tiktok.com/@leo.low
sam.unverified
nobody.here
!!!
@Maya.Makes"""


@pytest.fixture
def pasted_batch(
    tenant_a: Tenant, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> InviteBatch:
    verified_tiktok("Maya", "maya.makes")
    verified_tiktok("Leo", "leo.low", followers=400)  # below the campaign's 1,000 minimum
    verified_tiktok("Sam", "sam.unverified", verified=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = invite_batch_create_from_handles(
            access=tenant_a.access(), campaign=campaign, platform="tiktok", text=PASTED
        )
    assert len(callbacks) == 1  # the task is enqueued once the rows are committed
    return batch


def test_pasted_handles_become_rows_and_bad_ones_fail_at_once(pasted_batch: InviteBatch) -> None:
    batch = pasted_batch
    assert (batch.status, batch.total, batch.processed, batch.failed_count) == ("queued", 6, 2, 2)
    stored = InviteBatchRow.objects.filter(batch=batch).order_by("line_number")
    assert [(r.platform, r.handle) for r in stored][:4] == [
        ("tiktok", "maya.makes"),
        ("tiktok", "leo.low"),
        ("tiktok", "sam.unverified"),
        ("tiktok", "nobody.here"),
    ]
    reasons = failed_reasons(batch)
    assert "not a valid TikTok handle" in reasons["!!!"]
    assert reasons["@Maya.Makes"] == "Duplicate of entry 1 (@maya.makes)."


def test_processing_invites_the_good_ones_and_says_why_not_for_the_rest(
    pasted_batch: InviteBatch, campaign: Campaign
) -> None:
    batch = invite_batch_process(batch_id=pasted_batch.pk)
    assert batch is not None
    assert (batch.status, batch.processed, batch.invited, batch.failed_count) == ("done", 6, 1, 5)
    assert batch.started_at is not None
    assert batch.finished_at is not None
    reasons = failed_reasons(batch)
    assert "Leo does not qualify for this campaign" in reasons["https://www.tiktok.com/@leo.low"]
    assert "1,000–100,000" in reasons["https://www.tiktok.com/@leo.low"]  # noqa: RUF001
    assert (
        reasons["sam.unverified"] == "No creator on Chorus has verified @sam.unverified on TikTok."
    )
    assert reasons["nobody.here"] == "No creator on Chorus has verified @nobody.here on TikTok."
    invited = CampaignInvitation.objects.filter(campaign=campaign)
    assert [i.creator.display_name for i in invited] == ["Maya"]
    maya_row = InviteBatchRow.objects.get(batch=batch, line_number=1)
    assert maya_row.outcome == "invited"
    assert maya_row.creator is not None


def test_processing_twice_changes_nothing(pasted_batch: InviteBatch, campaign: Campaign) -> None:
    invite_batch_process(batch_id=pasted_batch.pk)
    before = rows(pasted_batch)
    again = invite_batch_process(batch_id=pasted_batch.pk)
    assert again is not None
    assert rows(pasted_batch) == before
    assert (again.processed, again.invited, again.failed_count) == (6, 1, 5)
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 1


def test_a_crash_inside_a_chunk_leaves_it_untouched_and_a_rerun_finishes_it(
    tenant_a: Tenant, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    creators = [verified_tiktok(name, f"{name.lower()}.tt") for name in ("Ava", "Bo", "Cy")]
    batch = invite_batch_create_for_creators(
        access=tenant_a.access(), campaign=campaign, creators=creators
    )
    real_send = services.invitation_send_in_transaction

    def crash_after_sending_bo(**kwargs: Any) -> Any:
        invitation = real_send(**kwargs)
        if kwargs["creator"].display_name == "Bo":
            raise RuntimeError("worker lost")  # sent, but the chunk never committed
        return invitation

    monkeypatch.setattr(services, "invitation_send_in_transaction", crash_after_sending_bo)
    with pytest.raises(RuntimeError):
        invite_batch_process(batch_id=batch.pk)
    batch.refresh_from_db()
    # The invitations, their notifications and the rows' outcomes commit together, or not at all.
    assert (batch.status, batch.processed, batch.invited) == ("running", 0, 0)
    assert not CampaignInvitation.objects.filter(campaign=campaign).exists()
    assert not Notification.objects.filter(kind="invitation_received").exists()

    monkeypatch.setattr(services, "invitation_send_in_transaction", real_send)
    batch = invite_batch_process(batch_id=batch.pk)
    assert batch is not None
    assert (batch.status, batch.processed, batch.invited, batch.failed_count) == ("done", 3, 3, 0)
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 3
    assert Notification.objects.filter(kind="invitation_received").count() == 3


class _Holder:
    """Another delivery (a thread with its own database connection) holding some rows' locks."""

    def __init__(self, row_ids: list[int]) -> None:
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, args=(row_ids,))
        self.thread.start()
        assert self.locked.wait(10)

    def _hold(self, row_ids: list[int]) -> None:
        try:
            with transaction.atomic():
                list(InviteBatchRow.objects.select_for_update().filter(pk__in=row_ids))
                self.locked.set()
                self.release.wait(10)
                raise _Died  # its process dies: the transaction never commits
        except _Died:
            pass
        finally:
            connection.close()  # what PostgreSQL sees when a worker is SIGKILLed

    def die(self) -> None:
        self.release.set()
        self.thread.join(10)


class _Died(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_deliveries_share_a_batch_by_row_locks_and_a_dead_holders_rows_are_free_at_once(
    tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    campaign = recruiting_campaign(tenant_a)
    creators = [verified_tiktok(f"T{n}", f"t{n}.tt") for n in range(5)]
    batch = invite_batch_create_for_creators(
        access=tenant_a.access(), campaign=campaign, creators=creators
    )
    first_two = list(
        InviteBatchRow.objects.filter(batch=batch)
        .order_by("line_number")
        .values_list("pk", flat=True)[:2]
    )
    holder = _Holder(first_two)  # another delivery is sending the first chunk
    # This delivery takes the chunks nobody holds, then asks to come back (not "done"): the
    # holder may die before it commits.
    with pytest.raises(InviteBatchBusy) as busy:
        invite_batch_process(batch_id=batch.pk)
    assert busy.value.retry_in == services.BUSY_RETRY
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.invited) == ("running", 3, 3)
    assert set(InviteBatchRow.objects.filter(outcome="").values_list("pk", flat=True)) == set(
        first_two
    )

    holder.die()  # killed before committing: its locks go with its connection, nothing waits
    done = invite_batch_process(batch_id=batch.pk)
    assert done is not None
    assert (done.status, done.processed, done.invited, done.lease_expires_at) == (
        "done",
        5,
        5,
        None,
    )
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 5


def test_a_big_batch_is_published_for_parallel_deliveries(
    tenant_a: Tenant, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 2)
    creators = [verified_tiktok(f"T{n}", f"t{n}.tt") for n in range(3)]
    small = invite_batch_create_for_creators(
        access=tenant_a.access(), campaign=campaign, creators=creators[:2]
    )
    big = invite_batch_create_for_creators(
        access=tenant_a.access(), campaign=campaign, creators=creators
    )
    keys = set(OutboxTask.objects.values_list("dedupe_key", flat=True))
    assert keys == {
        f"invite_batch:{small.pk}",
        f"invite_batch:{big.pk}",
        f"invite_batch:{big.pk}:2",
    }


def test_the_sweep_resumes_a_batch_whose_heartbeat_lapsed(
    tenant_a: Tenant, campaign: Campaign
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    maya = verified_tiktok("Maya", "maya.makes")
    batch = invite_batch_create_for_creators(
        access=tenant_a.access(), campaign=campaign, creators=[maya]
    )
    now = timezone.now()
    InviteBatch.objects.filter(pk=batch.pk).update(
        status="running", lease_expires_at=now + timedelta(seconds=5)
    )
    assert services.invite_batches_resume_stalled(now=now) == 0  # a chunk committed just now
    OutboxTask.objects.update(next_attempt_at=now + timedelta(minutes=1))
    assert services.invite_batches_resume_stalled(now=now + services.LEASE) == 1
    row = OutboxTask.objects.get(dedupe_key=f"invite_batch:{batch.pk}")
    assert row.next_attempt_at <= timezone.now()  # due at once


def test_progress_counters_move_with_every_chunk(
    tenant_a: Tenant, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    creators = [verified_tiktok(f"P{n}", f"p{n}.tt") for n in range(4)]
    CampaignInvitationFactory(campaign=campaign, creator=creators[2])  # already invited
    batch = invite_batch_create_for_creators(
        access=tenant_a.access(), campaign=campaign, creators=creators
    )
    seen: list[tuple[str, int, int, int]] = []
    real_send = services.invitation_send_in_transaction

    def watching(**kwargs: Any) -> Any:
        b = InviteBatch.objects.get(pk=batch.pk)
        seen.append((b.status, b.processed, b.invited, b.failed_count))
        return real_send(**kwargs)

    monkeypatch.setattr(services, "invitation_send_in_transaction", watching)
    done = invite_batch_process(batch_id=batch.pk)
    assert seen == [
        ("running", 0, 0, 0),
        ("running", 1, 1, 0),
        ("running", 2, 2, 0),
        ("running", 3, 2, 1),
    ]
    assert done is not None
    assert (done.status, done.processed, done.invited, done.failed_count, done.percent) == (
        "done",
        4,
        3,
        1,
        100,
    )
    assert "P2 has a pending invitation" in failed_reasons(done)["P2"]


def test_participants_and_full_campaigns_are_reported_per_row(
    tenant_a: Tenant, campaign: Campaign
) -> None:
    campaign.max_creators = 1
    campaign.save(update_fields=["max_creators"])
    joined = verified_tiktok("Joined", "joined.tt")
    ParticipationFactory(campaign=campaign, creator=joined, social_account=None)
    late = verified_tiktok("Late", "late.tt")
    batch = invite_batch_create_for_creators(
        access=tenant_a.access(), campaign=campaign, creators=[joined, late]
    )
    done = invite_batch_process(batch_id=batch.pk)
    assert done is not None
    reasons = failed_reasons(done)
    assert reasons["Joined"] == "Joined is already taking part in Glow Launch."
    assert "maximum of 1 creators" in reasons["Late"]


def test_shortlist_batch_invites_everyone_on_it(tenant_a: Tenant, campaign: Campaign) -> None:
    access = tenant_a.access()
    shortlist = shortlist_create(access=access, name="Spring picks")
    picks = [verified_tiktok(n, f"{n.lower()}.tt") for n in ("Kim", "Lou")]
    shortlist_add_creators(access=access, shortlist=shortlist, creators=picks)
    batch = invite_batch_create_from_shortlist(
        access=access, campaign=campaign, shortlist=shortlist, message="Come along!"
    )
    assert (batch.source, batch.total, batch.shortlist_id) == ("shortlist", 2, shortlist.pk)
    invite_batch_process(batch_id=batch.pk)
    invitations = CampaignInvitation.objects.filter(campaign=campaign).order_by(
        "creator__display_name"
    )
    assert [(i.creator.display_name, i.message) for i in invitations] == [
        ("Kim", "Come along!"),
        ("Lou", "Come along!"),
    ]


def test_empty_shortlist_is_refused(tenant_a: Tenant, campaign: Campaign) -> None:
    shortlist = shortlist_create(access=tenant_a.access(), name="Empty")
    with pytest.raises(ChorusError) as exc:
        invite_batch_create_from_shortlist(
            access=tenant_a.access(), campaign=campaign, shortlist=shortlist
        )
    assert exc.value.code == "empty_shortlist"
    assert not InviteBatch.objects.exists()


def test_csv_rows_use_their_own_platform_and_message(tenant_a: Tenant, campaign: Campaign) -> None:
    campaign_ig = recruiting_campaign(
        tenant_a,
        name="Mixed",
        deliverables=[("tiktok", "video", 1, 10_000), ("instagram", "reel", 1, 10_000)],
    )
    verified_tiktok("Maya", "maya.makes")
    ig = verified_tiktok("Iggy", "iggy.tt")
    SocialAccountFactory(creator=ig, platform="instagram", handle="iggy.gram")
    data = (
        b"Handle,Platform,Message\r\n"
        b"@maya.makes,TikTok,Loved your latest video\r\n"
        b"https://www.instagram.com/iggy.gram/,instagram,\r\n"
        b"ghost,snapchat,\r\n"
        b"\r\n"
    )
    upload = SimpleUploadedFile("creators.csv", data, content_type="text/csv")
    batch = invite_batch_create_from_csv(
        access=tenant_a.access(), campaign=campaign_ig, upload=upload, message="Default hello"
    )
    assert (batch.source, batch.file_name, batch.total) == ("csv", "creators.csv", 3)
    assert [(r.line_number, r.platform, r.handle) for r in batch.rows.order_by("line_number")] == [
        (2, "tiktok", "maya.makes"),
        (3, "instagram", "iggy.gram"),
        (4, "", ""),
    ]
    assert "Unknown platform 'snapchat'" in failed_reasons(batch)["ghost"]
    invite_batch_process(batch_id=batch.pk)
    messages = {
        i.creator.display_name: i.message
        for i in CampaignInvitation.objects.filter(campaign=campaign_ig)
    }
    assert messages == {"Maya": "Loved your latest video", "Iggy": "Default hello"}


def _nothing_written() -> bool:
    return not InviteBatch.objects.exists() and not InviteBatchRow.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"name,email\nmaya,maya@example.com\n",
            "The CSV needs a 'handle' column; found: name, email",
        ),
        ("handle\nmaya.makes\ncaf\u00e9.lover\n".encode("latin-1"), "not UTF-8: line 3"),
        (b"", "The file is empty"),
        (b"\xef\xbb\xbf  \r\n", "The file is empty"),
        (b"handle\n", "header but no rows"),
        (b"handle,platfrom\nmaya,tiktok\n", "Unknown column 'platfrom'"),
        (b"handle,handle\nmaya,maya\n", "appears twice"),
        (
            ("handle\n" + "".join(f"creator{n}\n" for n in range(10_000))).encode(),
            "10,000 rows: at most 1,000 per upload",
        ),
        (b"handle\nmaya\x00\n", "NUL byte"),
    ],
    ids=[
        "wrong-columns",
        "latin-1",
        "empty",
        "blank-with-bom",
        "header-only",
        "typo-column",
        "repeated-column",
        "10000-rows",
        "nul-byte",
    ],
)
def test_bad_csv_is_refused_with_a_clear_error_and_nothing_written(
    tenant_a: Tenant, campaign: Campaign, data: bytes, message: str
) -> None:
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    with pytest.raises(ChorusError) as exc:
        invite_batch_create_from_csv(
            access=tenant_a.access(), campaign=campaign, upload=upload, platform="tiktok"
        )
    assert exc.value.code == "invalid_csv"
    assert message in exc.value.message
    assert exc.value.fields == {"file": [exc.value.message]}
    assert _nothing_written()


def test_csv_without_platform_column_needs_a_platform(tenant_a: Tenant, campaign: Campaign) -> None:
    upload = SimpleUploadedFile("list.csv", b"handle\nmaya.makes\n")
    batch = invite_batch_create_from_csv(access=tenant_a.access(), campaign=campaign, upload=upload)
    assert batch.status == "done"  # every row failed at once: nothing left to send
    assert "No platform" in failed_reasons(batch)["maya.makes"]


def test_more_than_1000_pasted_handles_are_refused(tenant_a: Tenant, campaign: Campaign) -> None:
    text = "\n".join(f"creator{n}" for n in range(1001))
    with pytest.raises(ChorusError) as exc:
        invite_batch_create_from_handles(
            access=tenant_a.access(), campaign=campaign, platform="tiktok", text=text
        )
    assert exc.value.message.startswith("1,001 handles: at most 1,000")
    assert _nothing_written()


@pytest.mark.parametrize(
    ("text", "platform", "words"),
    [("", "tiktok", "Paste at least one handle"), ("maya", "myspace", "Choose the platform")],
)
def test_pasted_handles_need_text_and_a_platform(
    tenant_a: Tenant, campaign: Campaign, text: str, platform: str, words: str
) -> None:
    with pytest.raises(ChorusError) as exc:
        invite_batch_create_from_handles(
            access=tenant_a.access(), campaign=campaign, platform=platform, text=text
        )
    assert words in exc.value.message
    assert _nothing_written()


def test_batches_only_for_recruiting_campaigns(tenant_a: Tenant) -> None:
    draft = recruiting_campaign(tenant_a, status=Campaign.Status.DRAFT)
    with pytest.raises(ChorusError) as exc:
        invite_batch_create_from_handles(
            access=tenant_a.access(), campaign=draft, platform="tiktok", text="maya"
        )
    assert exc.value.code == "campaign_not_recruiting"
    assert "is not recruiting creators (it is draft)" in exc.value.message
    assert _nothing_written()


def test_reviewer_cannot_start_a_batch(tenant_a: Tenant, campaign: Campaign) -> None:
    reviewer = tenant_a.add_member(Role.REVIEWER)
    with pytest.raises(ChorusError) as exc:
        invite_batch_create_from_handles(
            access=tenant_a.access(Role.REVIEWER, user=reviewer),
            campaign=campaign,
            platform="tiktok",
            text="maya",
        )
    assert exc.value.status_code == 403
    assert _nothing_written()


def test_other_tenants_campaign_is_not_found(tenant_b: Tenant, campaign: Campaign) -> None:
    with pytest.raises(ChorusError) as exc:
        invite_batch_create_from_handles(
            access=tenant_b.access(), campaign=campaign, platform="tiktok", text="maya"
        )
    assert exc.value.status_code == 404
    assert _nothing_written()


def test_batch_fails_whole_when_its_author_left(tenant_a: Tenant, campaign: Campaign) -> None:
    manager = tenant_a.add_member(Role.MANAGER)
    verified_tiktok("Maya", "maya.makes")
    batch = invite_batch_create_from_handles(
        access=tenant_a.access(Role.MANAGER, user=manager),
        campaign=campaign,
        platform="tiktok",
        text="maya.makes\nleo",
    )
    Membership.objects.filter(organization=tenant_a.org, user=manager).delete()
    done = invite_batch_process(batch_id=batch.pk)
    assert done is not None
    assert (done.status, done.processed, done.invited, done.failed_count) == ("failed", 2, 0, 2)
    assert done.error == "The person who started this batch is no longer a member."
    assert not CampaignInvitation.objects.exists()


def test_batch_started_by_api_key_runs_as_that_key(tenant_a: Tenant, campaign: Campaign) -> None:
    from organizations.access import access_for_api_key
    from organizations.services import api_key_create

    key, _ = api_key_create(access=tenant_a.access(), name="agency sync", role=Role.MANAGER)
    verified_tiktok("Maya", "maya.makes")
    batch = invite_batch_create_from_handles(
        access=access_for_api_key(key), campaign=campaign, platform="tiktok", text="@maya.makes"
    )
    assert batch.created_by_api_key_id == key.pk
    done = invite_batch_process(batch_id=batch.pk)
    assert done is not None
    assert done.invited == 1
