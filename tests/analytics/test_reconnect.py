"""A creator whose platform token was refused: one notification per account, a notice on the
portal (theirs only), the brand's dashboard count, and figures resuming on reconnect.

Pulls run for real (platform clients over HTTP against the simulator, which refuses tokens on
demand); the reconnect goes through the service the OAuth hook calls."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import PostMetrics
from analytics.pulls import pull_batch, pulls_dispatch
from analytics.reconnect import KIND, account_for
from config.celery import app as celery_app
from creators.models import SocialAccount
from creators.services import social_account_verify_oauth
from notifications.models import Notification
from organizations.models import Membership
from organizations.roles import Role
from platforms.registry import clear_client_cache
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import platform_base_urls, running_simulator
from submissions.models import LivePost
from tests.analytics.test_pulls import pull_all, tracked
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, settings: Any) -> Iterator[SimulatorControl]:
    """The real platform clients aimed at a fresh simulator (as in test_pulls)."""
    settings.PLATFORM_SIMULATOR_URL = simulator_url
    settings.PLATFORM_BASE_URLS = platform_base_urls(simulator_url)
    settings.PLATFORM_CREDENTIALS = {}
    settings.METRICS_PULL_RETRY_FIRST_SECONDS = 300
    clear_client_cache()
    control = SimulatorControl(simulator_url)
    control.reset()
    yield control
    control.reset()
    control.close()
    clear_client_cache()


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """E-mails enqueued on commit land in ``mailoutbox`` (as in tests/notifications)."""
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


def _account(post: LivePost) -> SocialAccount:
    """The account the pulls read the post with (and the notice names)."""
    account = account_for(post.creator_id, post.platform)
    assert account is not None
    return account


def _refused(posts: list[LivePost]) -> None:
    """Mark the posts as a refused pull leaves them (for page tests that need no pull)."""
    PostMetrics.objects.filter(live_post__in=posts).update(
        status=PostMetrics.Status.RECONNECT,
        next_pull_at=timezone.now() + datetime.timedelta(hours=1),
    )


def _paused_pull(simulator: Any, posts: int, *, refusals: int = 1) -> list[LivePost]:
    """``posts`` of one creator, pulled once with the creator's token refused (a batch is one
    call: ``refusals`` calls are refused)."""
    made = tracked(simulator, "tiktok", posts)
    simulator.fail("auth", platform="tiktok", count=refusals)
    pull_all()
    return made


# The notification -------------------------------------------------------------------------


def test_the_creator_is_notified_once_per_account_despite_many_posts_and_pulls(
    simulator, settings, django_capture_on_commit_callbacks, mailoutbox, eager_celery
):
    settings.METRICS_PULL_BATCH_SIZES = {"tiktok": 1}  # three batches, three refusals
    with django_capture_on_commit_callbacks(execute=True):
        posts = _paused_pull(simulator, 3, refusals=100)
    rows = PostMetrics.objects.filter(live_post__in=posts)
    assert {r.status for r in rows} == {PostMetrics.Status.RECONNECT}
    later = max(r.next_pull_at for r in rows) + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        pull_all(now=later)  # refused again: no second notice
        pull_all(now=later + datetime.timedelta(days=1))

    account = _account(posts[0])
    sent = Notification.objects.filter(kind=KIND)
    assert sent.count() == 1
    notice = sent.get()
    assert notice.recipient_id == account.creator.user_id
    assert notice.organization is None  # the creator's own account, across organizations
    assert notice.title == f"Reconnect your TikTok account (@{account.handle})"
    assert notice.url == reverse("creators:home")
    assert notice.email_wanted
    assert [m.subject for m in mailoutbox] == [notice.title]  # e-mailed through the outbox
    assert account.reconnect_notified_at is not None


def test_two_accounts_of_two_creators_each_get_their_notice(simulator):
    first = tracked(simulator, "tiktok", 2)
    second = tracked(simulator, "instagram", 1)
    simulator.fail("auth", count=100)

    pull_all()

    recipients = sorted(Notification.objects.filter(kind=KIND).values_list("recipient_id"))
    expected = sorted((_account(p[0]).creator.user_id,) for p in (first, second))
    assert recipients == expected


# After the reconnect ----------------------------------------------------------------------


def test_a_reconnect_makes_the_posts_due_now_and_figures_resume(simulator, client_for):
    posts = _paused_pull(simulator, 2)
    account = _account(posts[0])
    creator = account.creator
    home = client_for(creator.user).get(reverse("creators:home")).content.decode()
    assert 'data-testid="reconnect-notice"' in home
    # Another creator's reconnect leaves these posts waiting.
    stranger = _account(tracked(simulator, "tiktok", 1)[0])
    social_account_verify_oauth(creator=stranger.creator, platform="tiktok", handle=stranger.handle)
    assert {r.status for r in PostMetrics.objects.filter(live_post__in=posts)} == {
        PostMetrics.Status.RECONNECT
    }

    before = timezone.now()
    social_account_verify_oauth(creator=creator, platform="tiktok", handle=account.handle)
    after = timezone.now()

    rows = list(PostMetrics.objects.filter(live_post__in=posts))
    assert {r.status for r in rows} == {PostMetrics.Status.RETRYING}
    assert all(before <= r.next_pull_at <= after for r in rows)  # no back-off left to wait
    assert {r.consecutive_failures for r in rows} == {0}
    account.refresh_from_db()
    assert account.reconnect_notified_at is None
    home = client_for(creator.user).get(reverse("creators:home")).content.decode()
    assert 'data-testid="reconnect-notice"' not in home

    pull_all()  # the token works again: figures at once
    assert {r.status for r in PostMetrics.objects.filter(live_post__in=posts)} == {
        PostMetrics.Status.OK
    }


def test_after_a_reconnect_a_new_refusal_is_notified_again(simulator):
    posts = _paused_pull(simulator, 1)
    account = _account(posts[0])
    social_account_verify_oauth(creator=account.creator, platform="tiktok", handle=account.handle)
    simulator.fail("auth", platform="tiktok", count=100)

    pull_all()

    assert PostMetrics.objects.get(live_post=posts[0]).status == PostMetrics.Status.RECONNECT
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_a_pull_in_flight_during_the_reconnect_writes_nothing(simulator):
    posts = _paused_pull(simulator, 1)
    account = _account(posts[0])
    row = PostMetrics.objects.get(live_post=posts[0])
    # The dispatcher claimed the post (due again) and queued its pull with the old token...
    (batch,) = pulls_dispatch(now=row.next_pull_at + datetime.timedelta(seconds=1))
    simulator.fail("auth", platform="tiktok", count=1)
    social_account_verify_oauth(creator=account.creator, platform="tiktok", handle=account.handle)

    # ...which then runs: its claim was voided by the reconnect, so it does nothing.
    assert pull_batch(batch.metrics_ids, lease=batch.lease) == 0
    row.refresh_from_db()
    assert row.status == PostMetrics.Status.RETRYING
    assert row.next_pull_at is not None
    assert row.next_pull_at <= timezone.now()
    assert Notification.objects.filter(kind=KIND).count() == 1


# The creator's notice ---------------------------------------------------------------------


def test_the_notice_shows_to_that_creator_only_on_home_and_stats(simulator, client_for):
    posts = tracked(simulator, "tiktok", 3)
    tracked(simulator, "tiktok", 1)  # another creator, nothing refused
    from analytics.pulls import posts_track

    posts_track()
    _refused(posts[:2])  # two of three paused
    account = _account(posts[0])
    other = ParticipationFactory().creator

    mine = client_for(account.creator.user)
    for url in (reverse("creators:home"), reverse("web:creator_stats")):
        html = mine.get(url).content.decode()
        assert html.count('data-testid="reconnect-notice"') == 1, url
        assert (
            f"Reconnect your TikTok account (@{account.handle}): figures for 2 approved posts "
            "are paused"
        ) in html
        assert f'href="{reverse("creators:accounts")}" role="button"' in html
        theirs = client_for(other.user).get(url).content.decode()
        assert "reconnect-notice" not in theirs, url


def test_the_notice_counts_posts_across_organizations(simulator, client_for):
    posts = tracked(simulator, "tiktok", 1)
    creator = posts[0].creator
    elsewhere = ParticipationFactory(creator=creator)  # another organization's campaign
    tracked(simulator, "tiktok", 1, participation=elsewhere)
    from analytics.pulls import posts_track

    posts_track()
    PostMetrics.objects.filter(live_post__creator=creator).update(
        status=PostMetrics.Status.RECONNECT
    )

    html = client_for(creator.user).get(reverse("creators:home")).content.decode()

    assert "figures for 2 approved posts are paused" in html


# The brand's dashboard --------------------------------------------------------------------


def test_the_campaign_dashboard_counts_paused_posts_with_creator_names(
    simulator, tenant_a: Tenant, tenant_b: Tenant, client_for
):
    from analytics.pulls import posts_track

    campaign = CampaignFactory(brand=tenant_a.brand)
    sam = ParticipationFactory(campaign=campaign, creator__display_name="Sam Paused")
    fay = ParticipationFactory(campaign=campaign, creator__display_name="Fay Paused")
    ok = ParticipationFactory(campaign=campaign, creator__display_name="Olu Fine")
    paused = tracked(simulator, "tiktok", 2, participation=sam)
    paused += tracked(simulator, "instagram", 1, participation=fay)
    tracked(simulator, "tiktok", 1, participation=ok)
    elsewhere = tracked(simulator, "tiktok", 1, campaign=CampaignFactory(brand=tenant_b.brand))
    posts_track()
    _refused(paused + elsewhere)

    url = reverse("web:campaign_dashboard", args=[tenant_a.org.slug, campaign.public_id])
    html = client_for(tenant_a.owner).get(url).content.decode()

    assert "3 posts paused: creator must reconnect." in html
    assert "Creators: Fay Paused, Sam Paused" in html
    assert "Olu Fine" not in html.split('data-testid="paused-posts"')[1].split("</div>")[0]
    limited = tenant_a.add_member(Role.VIEWER)
    Membership.objects.filter(user=limited).update(brand=tenant_a.brand)
    assert "3 posts paused" in client_for(limited).get(url).content.decode()

    # Organization B's member, on B's campaign: one post, and nothing of A's.
    b_campaign = elsewhere[0].campaign
    b_url = reverse("web:campaign_dashboard", args=[tenant_b.org.slug, b_campaign.public_id])
    b_html = client_for(tenant_b.owner).get(b_url).content.decode()
    assert "1 post paused: creator must reconnect." in b_html
    assert "Sam Paused" not in b_html
