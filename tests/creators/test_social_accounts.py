"""Social accounts through the real platform clients, over HTTP, against the simulator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ChorusError, NotFound
from creators import tasks
from creators.models import CreatorProfile, SocialAccount
from creators.oauth import account_from_sociallogin
from creators.services import (
    social_account_add,
    social_account_refresh,
    social_account_refresh_now,
    social_account_remove,
    social_account_verify_by_bio,
    social_account_verify_oauth,
)
from platforms.simulator.client import SimulatorControl
from tests.factories.creators import SocialAccountFactory

pytestmark = pytest.mark.django_db


def test_adding_an_account_stores_platform_stats_and_a_pending_code(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    simulator.set_account(
        "tiktok", "casey.cooks", follower_count=12_345, average_views=8_000, engagement_rate_bp=512
    )

    account = social_account_add(creator=creator, platform="tiktok", handle_or_url="@Casey.Cooks")

    assert account.handle == "casey.cooks"
    assert account.profile_url == "https://www.tiktok.com/@casey.cooks"
    assert account.follower_count == 12_345
    assert account.average_views == 8_000
    assert abs(account.engagement_rate_bp - 512) <= 2  # computed by the client from posts
    assert account.last_refreshed_at is not None
    assert account.external_id
    assert not account.is_verified
    assert account.verification_code.startswith("CHORUS-")
    assert len(account.verification_code) == len("CHORUS-7KQ2")
    creator.refresh_from_db()
    assert creator.total_followers == 0  # unverified accounts do not count
    assert creator.has_verified_account is False


def test_an_account_can_be_added_by_profile_url(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    account = social_account_add(
        creator=creator,
        platform="instagram",
        handle_or_url="https://www.instagram.com/Casey_Makes/",
    )
    assert (account.platform, account.handle) == ("instagram", "casey_makes")


def test_youtube_accounts_work_too(simulator: SimulatorControl, creator: CreatorProfile) -> None:
    simulator.set_account("youtube", "caseytube", follower_count=40_000)
    account = social_account_add(
        creator=creator, platform="youtube", handle_or_url="https://www.youtube.com/@CaseyTube"
    )
    assert account.follower_count == 40_000


def test_a_malformed_handle_says_what_to_fix_without_calling_the_platform(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    with pytest.raises(ChorusError) as caught:
        social_account_add(creator=creator, platform="tiktok", handle_or_url="not a handle!")
    assert caught.value.code == "invalid_handle"
    assert "TikTok handle" in caught.value.fields["handle"][0]
    assert simulator.calls("tiktok") == 0
    assert not SocialAccount.objects.exists()


def test_an_unknown_platform_is_refused(creator: CreatorProfile) -> None:
    with pytest.raises(ChorusError) as caught:
        social_account_add(creator=creator, platform="myspace", handle_or_url="tom")
    assert "platform" in caught.value.fields


def test_an_account_the_platform_does_not_know_is_refused_clearly(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    simulator.set_account("tiktok", "ghost.casey", exists=False)
    with pytest.raises(ChorusError) as caught:
        social_account_add(creator=creator, platform="tiktok", handle_or_url="@ghost.casey")
    assert caught.value.code == "account_not_found"
    assert "could not find a public TikTok account @ghost.casey" in caught.value.message
    assert not SocialAccount.objects.exists()


def test_a_rate_limited_platform_says_when_to_try_again(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    simulator.fail("rate_limit", platform="tiktok", retry_after=30)
    with pytest.raises(ChorusError) as caught:
        social_account_add(creator=creator, platform="tiktok", handle_or_url="casey")
    assert caught.value.code == "rate_limited"
    assert "try again in 30 s" in caught.value.message
    assert caught.value.status_code == 429
    assert not SocialAccount.objects.exists()


def test_a_platform_outage_is_reported_without_a_half_written_row(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    simulator.fail("server_error", platform="tiktok", count=10)
    with pytest.raises(ChorusError) as caught:
        social_account_add(creator=creator, platform="tiktok", handle_or_url="casey")
    assert caught.value.code == "platform_unavailable"
    assert "could not reach TikTok" in caught.value.message
    assert not SocialAccount.objects.exists()


def test_adding_the_same_account_twice_is_refused(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    social_account_add(creator=creator, platform="tiktok", handle_or_url="casey")
    with pytest.raises(ChorusError) as caught:
        social_account_add(
            creator=creator, platform="tiktok", handle_or_url="https://tiktok.com/@CASEY"
        )
    assert caught.value.code == "duplicate"
    assert caught.value.message == "You already added TikTok @casey."


def test_a_handle_verified_by_another_creator_cannot_be_added(
    simulator: SimulatorControl, creator: CreatorProfile, other_creator: CreatorProfile
) -> None:
    SocialAccountFactory(creator=other_creator, platform="tiktok", handle="robin", verified=True)
    with pytest.raises(ChorusError) as caught:
        social_account_add(creator=creator, platform="tiktok", handle_or_url="@robin")
    assert caught.value.code == "handle_taken"
    assert "already verified by another creator" in caught.value.message
    assert simulator.calls("tiktok") == 0


def test_an_unverified_claim_by_someone_else_does_not_block_adding(
    simulator: SimulatorControl, creator: CreatorProfile, other_creator: CreatorProfile
) -> None:
    SocialAccountFactory(creator=other_creator, platform="tiktok", handle="casey", verified=False)
    account = social_account_add(creator=creator, platform="tiktok", handle_or_url="casey")
    assert account.creator == creator


def test_verifying_by_bio_succeeds_when_the_code_is_in_the_bio(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    account = social_account_add(creator=creator, platform="tiktok", handle_or_url="casey")
    simulator.set_account(
        "tiktok",
        "casey",
        bio=f"Coffee & trails · {account.verification_code.lower()}",
        follower_count=20_000,
    )

    verified = social_account_verify_by_bio(creator=creator, account=account)

    assert verified.is_verified
    assert verified.verification_method == "bio_code"
    assert verified.follower_count == 20_000  # stats refreshed by the same call
    creator.refresh_from_db()
    assert creator.has_verified_account is True
    assert creator.total_followers == 20_000
    assert creator.best_engagement_bp == verified.engagement_rate_bp


def test_verifying_by_bio_fails_clearly_when_the_code_is_missing(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    account = social_account_add(creator=creator, platform="instagram", handle_or_url="casey")
    simulator.set_account("instagram", "casey", bio="no code here")

    with pytest.raises(ChorusError) as caught:
        social_account_verify_by_bio(creator=creator, account=account)

    assert caught.value.code == "code_not_in_bio"
    assert account.verification_code in caught.value.message
    account.refresh_from_db()
    assert not account.is_verified


def test_verifying_when_the_platform_is_rate_limited_says_when_to_retry(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    account = social_account_add(creator=creator, platform="youtube", handle_or_url="caseytube")
    simulator.fail("rate_limit", platform="youtube", retry_after=45)
    with pytest.raises(ChorusError) as caught:
        social_account_verify_by_bio(creator=creator, account=account)
    assert "try again in 45 s" in caught.value.message


def test_a_handle_can_be_verified_by_one_creator_only(
    simulator: SimulatorControl, creator: CreatorProfile, other_creator: CreatorProfile
) -> None:
    mine = social_account_add(creator=creator, platform="tiktok", handle_or_url="shared")
    theirs = social_account_add(creator=other_creator, platform="tiktok", handle_or_url="shared")
    simulator.set_account(
        "tiktok", "shared", bio=f"{mine.verification_code} {theirs.verification_code}"
    )
    social_account_verify_by_bio(creator=other_creator, account=theirs)

    with pytest.raises(ChorusError) as caught:
        social_account_verify_by_bio(creator=creator, account=mine)

    assert caught.value.code == "handle_taken"
    mine.refresh_from_db()
    assert not mine.is_verified
    assert SocialAccount.objects.filter(handle="shared", verified_at__isnull=False).count() == 1


def test_the_database_refuses_a_second_verified_owner_of_a_handle(
    creator: CreatorProfile, other_creator: CreatorProfile
) -> None:
    from django.db import IntegrityError, transaction

    SocialAccountFactory(creator=creator, platform="instagram", handle="dup", verified=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialAccountFactory(
            creator=other_creator, platform="instagram", handle="dup", verified=True
        )


def test_a_creator_cannot_verify_or_remove_another_creators_account(
    creator: CreatorProfile, other_creator: CreatorProfile
) -> None:
    theirs = SocialAccountFactory(creator=other_creator, verified=False)
    with pytest.raises(NotFound):
        social_account_verify_by_bio(creator=creator, account=theirs)
    with pytest.raises(NotFound):
        social_account_remove(creator=creator, account=theirs)
    with pytest.raises(NotFound):
        social_account_refresh_now(creator=creator, account=theirs)
    assert SocialAccount.objects.filter(pk=theirs.pk, verified_at__isnull=True).exists()


def test_refresh_updates_stats_and_search_columns(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    account = SocialAccountFactory(
        creator=creator, platform="tiktok", handle="casey", follower_count=1_000
    )
    simulator.set_account("tiktok", "casey", follower_count=55_000, engagement_rate_bp=700)

    result = social_account_refresh(account_id=account.pk)

    assert result.error == ""
    account.refresh_from_db()
    assert account.follower_count == 55_000
    creator.refresh_from_db()
    assert creator.total_followers == 55_000
    assert creator.best_engagement_bp == account.engagement_rate_bp


def test_a_rate_limited_refresh_is_recorded_and_asks_for_a_retry(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    account = SocialAccountFactory(
        creator=creator, platform="tiktok", handle="casey", follower_count=1_000
    )
    simulator.fail("rate_limit", platform="tiktok", retry_after=90)

    result = social_account_refresh(account_id=account.pk)

    assert result.retry_after_seconds == 90
    account.refresh_from_db()
    assert account.follower_count == 1_000
    assert "try again in 90 s" in account.last_refresh_error


def test_refreshing_a_deleted_account_is_a_no_op(db: None) -> None:
    assert social_account_refresh(account_id=987654).account is None


def test_the_refresh_button_is_refused_right_after_a_refresh(creator: CreatorProfile) -> None:
    account = SocialAccountFactory(creator=creator, last_refreshed_at=timezone.now())
    with pytest.raises(ChorusError) as caught:
        social_account_refresh_now(creator=creator, account=account)
    assert caught.value.code == "too_soon"


def test_the_sweep_enqueues_only_stale_verified_accounts(
    creator: CreatorProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = timezone.now() - timedelta(days=2)
    stale = SocialAccountFactory(creator=creator, last_refreshed_at=old)
    SocialAccountFactory(creator=creator, last_refreshed_at=timezone.now())
    SocialAccountFactory(creator=creator, last_refreshed_at=old, verified=False)
    queued: list[list[int]] = []
    monkeypatch.setattr(
        tasks.refresh_social_account, "apply_async", lambda args, **kw: queued.append(args)
    )

    assert tasks.refresh_stale_social_accounts() == 1
    assert queued == [[stale.pk]]


def test_the_refresh_task_loads_by_id_and_updates(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    account = SocialAccountFactory(creator=creator, platform="youtube", handle="caseytube")
    simulator.set_account("youtube", "caseytube", follower_count=33_000)
    tasks.refresh_social_account.apply(args=[account.pk]).get()
    account.refresh_from_db()
    assert account.follower_count == 33_000


def test_removing_an_account_updates_search_columns(creator: CreatorProfile) -> None:
    keep = SocialAccountFactory(creator=creator, follower_count=5_000)
    drop = SocialAccountFactory(creator=creator, platform="instagram", follower_count=9_000)
    creator.refresh_from_db()
    assert creator.total_followers == 14_000

    social_account_remove(creator=creator, account=drop)

    creator.refresh_from_db()
    assert creator.total_followers == keep.follower_count


def test_oauth_connection_verifies_the_account(
    simulator: SimulatorControl, creator: CreatorProfile
) -> None:
    pending = social_account_add(creator=creator, platform="tiktok", handle_or_url="casey")
    account = social_account_verify_oauth(
        creator=creator, platform="tiktok", handle="Casey", external_id="open-id-1"
    )
    assert account.pk == pending.pk
    assert account.verification_method == "oauth"
    assert account.external_id == "open-id-1"
    creator.refresh_from_db()
    assert creator.has_verified_account


def test_oauth_extra_data_names_the_account() -> None:
    class FakeAccount:
        provider = "instagram"
        uid = "178414"
        extra_data = {"username": "Casey.Makes", "id": "178414"}

    class FakeLogin:
        account = FakeAccount()

    assert account_from_sociallogin(FakeLogin()) == ("instagram", "Casey.Makes", "178414")
    FakeAccount.provider = "google"
    FakeAccount.extra_data = {"email": "casey@example.com"}
    assert account_from_sociallogin(FakeLogin()) is None  # no channel named: bio code instead


# TikTok's production path: profiles through the Display API with the creator's own token.
_REAL_TIKTOK_KEYS = {"tiktok": {"client_key": "app-key", "client_secret": "app-secret"}}


def test_refreshing_a_tiktok_account_reads_it_with_the_creators_own_token(
    simulator: SimulatorControl, creator: CreatorProfile, settings: object, simulator_url: str
) -> None:
    # Real app keys: the Research API is off, so only the creator's token can read the profile.
    settings.PLATFORM_CREDENTIALS = _REAL_TIKTOK_KEYS  # type: ignore[attr-defined]
    settings.PLATFORM_SIMULATOR_URL = simulator_url  # type: ignore[attr-defined]
    simulator.set_account("tiktok", "casey", follower_count=12_345)
    account = SocialAccountFactory(creator=creator, platform="tiktok", handle="casey")

    result = social_account_refresh(account_id=account.pk)

    assert result.error == ""
    account.refresh_from_db()
    assert account.follower_count == 12_345


def test_adding_a_tiktok_account_without_its_owners_permission_says_to_connect_it(
    simulator: SimulatorControl, creator: CreatorProfile, settings: object
) -> None:
    settings.PLATFORM_CREDENTIALS = _REAL_TIKTOK_KEYS  # type: ignore[attr-defined]
    simulator.set_account("tiktok", "casey", follower_count=12_345)
    with pytest.raises(ChorusError) as caught:
        social_account_add(creator=creator, platform="tiktok", handle_or_url="casey")
    assert caught.value.code == "connect_account"
    assert "Connect with TikTok" in caught.value.message
    assert caught.value.status_code == 400
    assert not SocialAccount.objects.exists()
