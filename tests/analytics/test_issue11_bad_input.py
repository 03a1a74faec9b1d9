"""Issue 11's "bad input and faults", attacked end to end: odd platform figures and refused
tokens during a metrics pull, odd orders and refunds on the conversion API, garbage tracking
codes, and garbage query strings on the performance pages and endpoints. Whatever comes in,
the answer is never a 500, nothing is half-written, nothing is lost and nothing counts twice.

The pulls run the real clients over HTTP against the platform simulator (as test_pulls.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount as AllauthAccount
from allauth.socialaccount.models import SocialToken
from django.utils import timezone

from analytics.models import (
    Click,
    Conversion,
    ConversionRefund,
    PostMetrics,
    PostMetricSnapshot,
    StoreConnection,
)
from analytics.pulls import creator_account
from analytics.services import clicks_flush
from creators.tokens import decrypt_secret
from organizations.roles import Role
from platforms.registry import clear_client_cache
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import platform_base_urls, running_simulator
from submissions.models import LivePost
from tests.analytics.conversion_scene import scene_build
from tests.analytics.test_pulls import metrics_of, pull_all, tracked
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


# -- metrics pulls -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, settings: Any) -> Iterator[SimulatorControl]:
    settings.PLATFORM_SIMULATOR_URL = simulator_url
    settings.PLATFORM_BASE_URLS = platform_base_urls(simulator_url)
    settings.PLATFORM_CREDENTIALS = {}
    settings.PLATFORM_OAUTH_TOKEN_URLS = {
        "tiktok": f"{simulator_url}/tiktok/v2/oauth/token/",
        "instagram": f"{simulator_url}/instagram/refresh_access_token",
        "youtube": f"{simulator_url}/youtube/token",
    }
    settings.METRICS_PULL_RETRY_FIRST_SECONDS = 300
    clear_client_cache()
    control = SimulatorControl(simulator_url)
    control.reset()
    yield control
    control.reset()
    control.close()
    clear_client_cache()


_uids = iter(range(1_000_000))


def _stored_token(post: LivePost, *, token: str, refresh: str) -> SocialToken:
    """The creator's connected TikTok account (allauth), its token valid by our clock."""
    account = creator_account(post.creator_id, "tiktok")
    assert account is not None
    connection = AllauthAccount.objects.create(
        user=account.creator.user, provider="tiktok", uid=f"uid-{account.handle}-{next(_uids)}"
    )
    return SocialToken.objects.create(
        account=connection,
        token=token,
        token_secret=refresh,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )


def _handle(post: LivePost) -> str:
    account = creator_account(post.creator_id, "tiktok")  # the account the pull reads with
    assert account is not None
    return account.handle


def test_a_count_past_bigint_fails_its_post_only_and_the_batch_is_stored(simulator):
    """Before: the figure reached the bigint column and the whole batch's write failed, every
    post of it left as it was, with no failure recorded, to fail again at the next pull."""
    posts = tracked(simulator, "tiktok", 3)
    simulator.update_post("tiktok", posts[1].api_post_id, final_views=10**30)

    assert pull_all() == 2

    good = [metrics_of(p) for p in (posts[0], posts[2])]
    odd = metrics_of(posts[1])
    assert {r.status for r in good} == {PostMetrics.Status.OK}
    assert all(r.views and r.views < 2**63 for r in good)
    assert odd.status == PostMetrics.Status.RETRYING
    assert "out of range" in odd.status_reason
    assert odd.consecutive_failures == 1
    assert odd.views is None
    assert PostMetricSnapshot.objects.count() == 2
    assert not PostMetrics.objects.filter(leased_until__isnull=False).exists()


def test_a_refused_token_is_refreshed_and_the_posts_asked_again_in_the_same_pull(simulator):
    posts = tracked(simulator, "tiktok", 2)
    handle = _handle(posts[0])
    row = _stored_token(posts[0], token=f"act.sim.{handle}", refresh=f"rft.sim.{handle}")
    simulator.fail("auth", platform="tiktok")  # the platform refuses it once, early

    assert pull_all() == 2

    assert {metrics_of(p).status for p in posts} == {PostMetrics.Status.OK}
    row.refresh_from_db()
    assert decrypt_secret(row.token).startswith(f"act.sim.{handle}~")  # refreshed, saved
    assert PostMetricSnapshot.objects.count() == 2


def test_a_token_refused_after_a_refresh_marks_reconnect_and_figures_resume_after_it(simulator):
    (post,) = tracked(simulator, "tiktok", 1)
    handle = _handle(post)
    _stored_token(post, token=f"act.sim.{handle}", refresh="rft.revoked")
    simulator.fail("auth", platform="tiktok")

    assert pull_all() == 0

    row = metrics_of(post)
    assert row.status == PostMetrics.Status.RECONNECT
    assert row.next_pull_at is not None  # still pulled (slowly): a reconnect cures it alone
    assert row.consecutive_failures == 1
    assert not PostMetricSnapshot.objects.exists()

    # The creator connects again: a new token; the next due pull gets the figures.
    _stored_token(post, token=f"act.sim.{handle}", refresh=f"rft.sim.{handle}")
    assert pull_all(now=row.next_pull_at + datetime.timedelta(seconds=1)) == 1
    row.refresh_from_db()
    assert row.status == PostMetrics.Status.OK
    assert row.consecutive_failures == 0


def test_the_api_shows_a_post_waiting_for_a_reconnect(simulator, tenant_a, api_client_for):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    (post,) = tracked(simulator, "tiktok", 1, campaign=campaign)
    _stored_token(post, token=f"act.sim.{_handle(post)}", refresh="rft.revoked")
    simulator.fail("auth", platform="tiktok")
    pull_all()

    api = api_client_for(tenant_a, Role.VIEWER)
    listed = api.get("/api/v1/post-metrics/", {"status": "reconnect"})

    assert listed.status_code == 200
    assert [r["live_post"] for r in listed.json()["results"]] == [post.public_id]


# -- conversion API ------------------------------------------------------------------------------

ORDER = {
    "order_id": "ord-2001",
    "occurred_at": "2026-11-30T15:00:00Z",
    "currency": "USD",
    "revenue_cents": 4_990,
    "promo_codes": ["alice10"],
}


@pytest.fixture
def scene(tenant_a):
    return scene_build(tenant_a)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"revenue_cents": 12.5}, id="fraction"),
        pytest.param({"revenue_cents": "1,234"}, id="thousands separator"),
        pytest.param({"revenue_cents": "12K"}, id="abbreviated"),
        pytest.param({"revenue_cents": -1}, id="negative"),
        pytest.param({"revenue_cents": 2**63}, id="past bigint"),
        pytest.param({"revenue_cents": 10**400}, id="absurd"),
        pytest.param({"revenue_cents": 1e30}, id="float exponent"),
        pytest.param({"revenue_cents": None}, id="null"),
        pytest.param({"revenue_cents": True}, id="boolean"),
        pytest.param({"revenue_cents": [1]}, id="list"),
        pytest.param({"currency": "usd "}, id="currency padded"),
        pytest.param({"currency": "US"}, id="currency short"),
        pytest.param({"currency": None}, id="currency null"),
        pytest.param({"currency": "€"}, id="currency symbol"),
        pytest.param({"order_id": "x" * 65}, id="order id too long"),
        pytest.param({"order_id": "ордер-1"}, id="order id cyrillic"),
        pytest.param({"order_id": "ord\x001"}, id="order id NUL"),
        pytest.param({"occurred_at": "2026-13-45T99:00:00Z"}, id="impossible date"),
        pytest.param({"occurred_at": 1_700_000_000}, id="epoch number"),
        pytest.param({"promo_codes": "alice10"}, id="codes not a list"),
        pytest.param({"promo_codes": ["x" * 65]}, id="code too long"),
        pytest.param({"promo_codes": ["a\x00b"]}, id="code NUL"),
        pytest.param({"promo_codes": [f"c{i}" for i in range(21)]}, id="too many codes"),
        pytest.param({"tracking_code": "t" * 17}, id="tracking code too long"),
        pytest.param({"customer_ref": "c" * 255}, id="customer ref too long"),
        pytest.param({"browser_ip": "9" * 65}, id="address too long"),
    ],
)
def test_an_odd_order_answers_400_naming_the_field_and_records_nothing(
    scene, api_client_for, change
):
    api = api_client_for(scene.tenant, Role.ADMIN)

    answer = api.post("/api/v1/conversions/", {**ORDER, **change}, format="json")

    assert answer.status_code == 400, answer.content
    assert answer.json()["code"]
    assert set(change) <= set(answer.json()["fields"]), answer.json()
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    "missing", ["order_id", "occurred_at", "currency", "revenue_cents"], ids=str
)
def test_an_order_missing_a_field_answers_400_naming_it(scene, api_client_for, missing):
    api = api_client_for(scene.tenant, Role.ADMIN)
    body = {k: v for k, v in ORDER.items() if k != missing}

    answer = api.post("/api/v1/conversions/", body, format="json")

    assert answer.status_code == 400
    assert missing in answer.json()["fields"]
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b'"order"', b"{", b'{"revenue_cents": NaN}', b"\xff\xfe"],
    ids=["empty", "null", "list", "string", "truncated", "NaN", "not utf-8"],
)
def test_a_body_that_is_no_order_answers_400_json(scene, api_client_for, raw):
    api = api_client_for(scene.tenant, Role.ADMIN)

    answer = api.post("/api/v1/conversions/", raw, content_type="application/json")

    assert answer.status_code == 400, answer.content
    assert answer.json()["code"]
    assert not Conversion.objects.exists()


def test_unicode_in_free_text_fields_is_recorded_not_a_500(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)
    body = {
        **ORDER,
        "promo_codes": ["ÉTÉ-ß", "🎁" * 16, "alice10"],
        "customer_ref": "zoë+🛍@exämple.com",
        "browser_ip": "not an address ✓",
        "tracking_code": "ünï",
    }

    answer = api.post("/api/v1/conversions/", body, format="json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["creator"] == scene.alice.creator.public_id  # the real code still wins
    assert "zoë" not in answer.content.decode()  # only its keyed hash is kept


def test_a_whole_number_written_as_a_float_is_read_as_cents(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)

    answer = api.post("/api/v1/conversions/", {**ORDER, "revenue_cents": 4990.0}, format="json")

    assert answer.status_code == 201
    assert Conversion.objects.get().revenue_cents == 4_990


def test_the_same_order_id_with_another_amount_keeps_the_first_and_says_so(scene, api_client_for):
    """Documented: an order id is recorded once; sending it again, whatever changed, answers
    200 with the order as first recorded (a lower amount afterwards is a refund)."""
    api = api_client_for(scene.tenant, Role.ADMIN)
    first = api.post("/api/v1/conversions/", ORDER, format="json")

    again = api.post(
        "/api/v1/conversions/",
        {**ORDER, "revenue_cents": 99_999, "currency": "EUR", "promo_codes": ["bob10"]},
        format="json",
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    stored = Conversion.objects.get()
    assert (stored.revenue_cents, stored.currency) == (4_990, "USD")
    assert stored.participation_id == scene.alice.pk


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"amount_cents": -5}, id="negative"),
        pytest.param({"amount_cents": 2**63}, id="past bigint"),
        pytest.param({"amount_cents": "5.5"}, id="fraction as text"),
        pytest.param({"amount_cents": None}, id="null"),
        pytest.param({"refund_id": ""}, id="blank refund id"),
        pytest.param({"refund_id": "r" * 65}, id="refund id too long"),
        pytest.param({"order_id": None}, id="null order id"),
        pytest.param({"occurred_at": "yesterday"}, id="time in words"),
    ],
)
def test_an_odd_refund_answers_400_and_records_nothing(scene, api_client_for, change):
    api = api_client_for(scene.tenant, Role.ADMIN)
    assert api.post("/api/v1/conversions/", ORDER, format="json").status_code == 201
    refund = {
        "order_id": ORDER["order_id"],
        "refund_id": "ref-1",
        "amount_cents": 100,
        "occurred_at": "2026-11-30T16:00:00Z",
    }

    answer = api.post("/api/v1/conversions/refunds/", {**refund, **change}, format="json")

    assert answer.status_code == 400, answer.content
    assert set(change) <= set(answer.json()["fields"])
    assert not ConversionRefund.objects.exists()
    assert Conversion.objects.get().refunded_cents == 0


def test_a_refund_larger_than_the_order_is_capped_and_a_repeat_counts_once(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)
    api.post("/api/v1/conversions/", ORDER, format="json")
    refund = {
        "order_id": ORDER["order_id"],
        "refund_id": "ref-big",
        "amount_cents": 1_000_000,
        "occurred_at": "2026-11-30T16:00:00Z",
    }

    answers = [api.post("/api/v1/conversions/refunds/", refund, format="json") for _ in range(2)]

    assert [a.status_code for a in answers] == [201, 200]
    assert Conversion.objects.get().refunded_cents == ORDER["revenue_cents"]
    assert ConversionRefund.objects.count() == 1


@pytest.mark.parametrize(
    "query",
    [
        {"campaign": "x" * 500},
        {"campaign": ""},
        {"occurred_after": "not a time"},
        {"occurred_before": "2026-02-30T00:00:00Z"},
        {"ordering": "secret_field"},
        {"ordering": "-" * 50},
        {"page": "0"},
        {"page": "last"},
        {"page": "9" * 30},
        {"page_size": "100000"},
        {"source": "carrier pigeon"},
        {"order_id": "o" * 65},
        {"order_id": "ord\x00"},
        {"campaign": "cmp_\x00"},
        {"method": "\x00"},
    ],
    ids=lambda q: ",".join(f"{k}={str(v)[:12]}" for k, v in q.items()),
)
def test_garbage_filters_on_the_conversion_list_are_a_400_or_ignored_never_a_500(
    scene, api_client_for, query
):
    api = api_client_for(scene.tenant, Role.ADMIN)
    api.post("/api/v1/conversions/", ORDER, format="json")

    answer = api.get("/api/v1/conversions/", query)

    assert answer.status_code in (200, 400, 404), answer.content
    assert answer["Content-Type"].startswith("application/json")


# -- performance pages and endpoints ------------------------------------------------------------


GARBAGE_QUERIES = [
    {"ordering": "password"},
    {"ordering": "-views,__proto__"},
    {"page": "-1"},
    {"page": "1e9"},
    {"page": "9" * 40},
    {"page_size": "0"},
    {"page_size": "nan"},
    {"from": "2026-02-30", "to": "yesterday"},
    {"day": "\x00"},
    {"campaign": "cmp_" + "z" * 300},
    {"campaign": "cmp_\x00"},
    {"status": "nope"},
    {"platform": "myspace"},
]
QUERY_IDS = [",".join(f"{k}={str(v)[:10]!r}" for k, v in q.items()) for q in GARBAGE_QUERIES]


@pytest.fixture
def performance(tenant_a):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    participation = ParticipationFactory(campaign=campaign)
    post = LivePostFactory(submission=SubmissionFactory(slot=participation.slots.first()))
    PostMetrics.objects.create(
        organization=tenant_a.org,
        live_post=post,
        campaign=campaign,
        participation=participation,
        platform=post.platform,
        views=10,
        status=PostMetrics.Status.OK,
    )
    return campaign


@pytest.mark.parametrize("query", GARBAGE_QUERIES, ids=QUERY_IDS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/post-metrics/",
        "/api/v1/campaign-performance/",
        "/api/v1/campaign-performance/{campaign}/",
        "/api/v1/stores/",
    ],
)
def test_garbage_query_strings_on_the_performance_api_are_a_400_or_ignored(
    performance, tenant_a, api_client_for, path, query
):
    api = api_client_for(tenant_a, Role.ADMIN)

    answer = api.get(path.format(campaign=performance.public_id), query)

    assert answer.status_code in (200, 400, 404), answer.content[:300]
    assert answer["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("query", GARBAGE_QUERIES, ids=QUERY_IDS)
@pytest.mark.parametrize(
    "path",
    [
        "/o/{org}/performance/",
        "/o/{org}/campaigns/{campaign}/performance/",
        "/o/{org}/campaigns/{campaign}/performance.csv",
        "/o/{org}/stores/",
    ],
)
def test_garbage_query_strings_on_the_performance_pages_are_ignored(
    performance, tenant_a, client_for, path, query
):
    page = client_for(tenant_a.owner).get(
        path.format(org=tenant_a.org.slug, campaign=performance.public_id), query
    )

    assert page.status_code == 200, page.content[:300]


def test_garbage_query_strings_on_the_creators_stats_are_ignored(client_for):
    participation = ParticipationFactory()
    creator = client_for(participation.creator.user)

    for query in GARBAGE_QUERIES:
        assert creator.get("/creator/stats/", query).status_code == 200, query


# -- tracking links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "a" * 10_000,
        "%00",
        "nul%00code",
        "%E2%80%AE",  # right-to-left override
        "%F0%9F%8E%81",  # an emoji
        "%FF%FE",  # not UTF-8
        "..",
        "' OR '1'='1",
        "{code}",
        "*",
        "%0d%0aSet-Cookie:x=1",
    ],
    ids=lambda c: c[:20],
)
@pytest.mark.parametrize("method", ["get", "head"])
def test_a_garbage_tracking_code_is_a_friendly_404_and_counts_nothing(
    client, live_link, code, method
):
    answer = getattr(client, method)(f"/r/{code}")

    assert answer.status_code == 404
    assert "x" not in answer.cookies  # no header injected through the code
    assert "Location" not in answer
    assert clicks_flush() == 0
    assert not Click.objects.exists()


@pytest.fixture
def live_link() -> Any:
    """A live link exists, so a garbage code is not simply "no links at all"."""
    return ParticipationFactory()


@pytest.mark.parametrize(
    "path", ["/api/v1/conversions/", "/api/v1/conversions/refunds/", "/api/v1/stores/"]
)
def test_an_oversized_body_answers_a_4xx_json_and_records_nothing(scene, api_client_for, path):
    api = api_client_for(scene.tenant, Role.ADMIN)
    huge = b'{"order_id": "ord-big", "promo_codes": ["' + b"a" * 3_000_000 + b'"]}'

    answer = api.post(path, huge, content_type="application/json")

    assert 400 <= answer.status_code < 500, answer.status_code
    assert answer.json()["code"]
    assert not Conversion.objects.exists()


# -- stores ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"shop_domain": "evil.example.com"}, id="not shopify"),
        pytest.param({"shop_domain": "x.myshopify.com.evil.com"}, id="shopify as a prefix"),
        pytest.param({"shop_domain": "ünï.myshopify.com"}, id="unicode"),
        pytest.param({"shop_domain": "a" * 300 + ".myshopify.com"}, id="too long"),
        pytest.param({"shop_domain": "shop\x00.myshopify.com"}, id="NUL"),
        pytest.param({"shop_domain": None}, id="null domain"),
        pytest.param({"secret": "short"}, id="short secret"),
        pytest.param({"secret": "s" * 201}, id="long secret"),
        pytest.param({"brand": None}, id="null brand"),
        pytest.param({"brand": "brd_" + "x" * 100}, id="long brand id"),
    ],
)
def test_an_odd_store_connection_answers_400_naming_the_field(tenant_a, api_client_for, change):
    api = api_client_for(tenant_a, Role.ADMIN)
    body = {
        "brand": tenant_a.brand.public_id,
        "shop_domain": "odd-input.myshopify.com",
        "secret": "shpss_0123456789abcdef",
        **change,
    }

    answer = api.post("/api/v1/stores/", body, format="json")

    assert answer.status_code == 400, answer.content
    assert set(change) <= set(answer.json()["fields"]), answer.json()
    assert not StoreConnection.objects.exists()


@pytest.mark.parametrize(
    "odd_id", ["x" * 5_000, "cmp_ünïcode", "%00", "cmp_" + "z" * 20 + "%0a"], ids=str
)
def test_an_odd_id_in_a_path_answers_404_never_a_500(
    scene, tenant_a, api_client_for, client_for, odd_id
):
    api = api_client_for(tenant_a, Role.ADMIN)
    browser = client_for(tenant_a.owner)
    slug = tenant_a.org.slug
    for path in (
        f"/api/v1/post-metrics/{odd_id}/",
        f"/api/v1/campaign-performance/{odd_id}/",
        f"/api/v1/conversions/{odd_id}/",
        f"/api/v1/stores/{odd_id}/",
    ):
        answer = api.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "not_found"
    assert api.post(f"/api/v1/stores/{odd_id}/rotate-secret/", {}).status_code == 404
    assert api.delete(f"/api/v1/stores/{odd_id}/").status_code == 404
    for path in (
        f"/o/{slug}/campaigns/{odd_id}/performance/",
        f"/o/{slug}/campaigns/{odd_id}/performance.csv",
    ):
        assert browser.get(path).status_code == 404, path
    for path in (f"/o/{slug}/stores/{odd_id}/delete/", f"/o/{slug}/stores/{odd_id}/test-order/"):
        assert browser.post(path).status_code == 404, path
    assert StoreConnection.objects.count() == 1  # the scene's, untouched
