"""The fast tracking link: cached destinations, buffered clicks written in batches, bots and
floods filtered, nothing lost or counted twice when a worker dies, Redis down still redirects."""

import time
from urllib.parse import urlsplit

import pytest
from django_celery_beat.models import PeriodicTask

from analytics import click_buffer, services
from analytics.models import Click
from analytics.services import clicks_flush
from campaigns.models import Campaign
from organizations.access import OrgAccess
from organizations.roles import Role
from tests.factories.recruitment import ParticipationFactory

ADDRESS = "203.0.113.7"


@pytest.fixture
def participation(db):
    p = ParticipationFactory()
    p.campaign.brand.website = "https://www.glow.example/"
    p.campaign.brand.save(update_fields=["website"])
    p.campaign.landing_url = "https://glow.example/serum"
    p.campaign.save(update_fields=["landing_url"])
    return p


def _path(participation) -> str:
    return urlsplit(participation.tracking_url).path


def _landing(response) -> str:
    assert response.status_code == 302, response.status_code
    target = urlsplit(response["Location"])
    return f"{target.netloc}{target.path}"


def _buffered() -> list:
    conn = click_buffer.client()
    assert conn is not None
    return conn.xrange(click_buffer.stream_key())


def _owner(campaign: Campaign) -> OrgAccess:
    return OrgAccess(organization=campaign.organization, role=Role.OWNER)


# -- the request path ----------------------------------------------------------------------------


def test_a_warm_redirect_makes_no_database_query(client, participation, django_assert_num_queries):
    assert _landing(client.get(_path(participation), REMOTE_ADDR="203.0.113.1")) == (
        "glow.example/serum"
    )  # the first visit fills the cache

    with django_assert_num_queries(0):
        response = client.get(_path(participation), REMOTE_ADDR="203.0.113.2")

    assert _landing(response) == "glow.example/serum"
    assert len(_buffered()) == 2  # both counted, in the buffer
    assert clicks_flush() == 2
    assert Click.objects.filter(participation=participation).count() == 2


def test_an_unknown_code_is_cached_too_and_a_new_participation_with_it_is_found(
    client, participation, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert client.get("/r/NEWCODE1").status_code == 404
    with django_assert_num_queries(0):  # a scan of made-up codes does not reach the database
        assert client.get("/r/NEWCODE1").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        ParticipationFactory(campaign=participation.campaign, tracking_code="NEWCODE1")

    assert _landing(client.get("/r/NEWCODE1")) == "glow.example/serum"


def test_the_buffer_holds_no_address(client, participation):
    client.get(_path(participation), REMOTE_ADDR=ADDRESS, HTTP_REFERER="https://t.co/x")
    conn = click_buffer.client()
    assert conn is not None
    everything = " ".join(
        [str(entry) for entry in _buffered()] + list(conn.scan_iter(f"{click_buffer.prefix()}:*"))
    )
    assert ADDRESS not in everything
    clicks_flush()
    click = Click.objects.get()
    assert ADDRESS not in str(click.__dict__)
    assert click.referrer_host == "t.co"


# -- bots, prefetch, floods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"HTTP_USER_AGENT": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
        {"HTTP_USER_AGENT": "WhatsApp/2.23.20.0"},
        {"HTTP_USER_AGENT": "TelegramBot (like TwitterBot)"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": "python-requests/2.32"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_PURPOSE": "preview"},
    ],
)
def test_bots_and_prefetches_are_redirected_but_not_counted(client, participation, headers):
    assert _landing(client.get(_path(participation), **headers)) == "glow.example/serum"
    assert _buffered() == []
    clicks_flush()
    assert not Click.objects.exists()


def test_a_head_request_is_redirected_but_not_counted(client, participation):
    assert _landing(client.head(_path(participation))) == "glow.example/serum"
    clicks_flush()
    assert not Click.objects.exists()


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 musical_ly_32.5.0 BytedanceWebview/d8a21c6",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Mobile Safari/537.36 Instagram 339.0.0.31.102 Android",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 [Pinterest/iOS]",
    ],
)
def test_in_app_browsers_of_social_apps_are_people(client, participation, agent):
    client.get(_path(participation), HTTP_USER_AGENT=agent)
    clicks_flush()
    assert Click.objects.count() == 1


def test_a_flood_from_one_address_counts_once_per_window(client, participation, settings):
    settings.TRACKING_DEDUP_WINDOW_SECONDS = 1
    for _ in range(30):
        assert _landing(client.get(_path(participation), REMOTE_ADDR=ADDRESS))
    client.get(_path(participation), REMOTE_ADDR="198.51.100.9")  # someone else
    clicks_flush()
    assert Click.objects.count() == 2

    time.sleep(1.2)  # the window is over: the same address counts again
    client.get(_path(participation), REMOTE_ADDR=ADDRESS)
    clicks_flush()
    assert Click.objects.count() == 3


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_visitor(
    client, participation, settings
):
    settings.TRACKING_TRUSTED_PROXIES = 1
    balancer = "10.0.0.2"
    for forwarded in ("203.0.113.5", "203.0.113.6", "1.1.1.1, 203.0.113.6", "203.0.113.6"):
        client.get(_path(participation), REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR=forwarded)
    clicks_flush()
    # .5 and .6 once each: a client-written entry in front of the proxy's is ignored.
    assert Click.objects.count() == 2


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client, participation):
    for forwarded in ("203.0.113.5", "203.0.113.6"):
        client.get(_path(participation), REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=forwarded)
    clicks_flush()
    assert Click.objects.count() == 1


def test_the_window_is_per_link(client, participation):
    other = ParticipationFactory(campaign=participation.campaign)
    client.get(_path(participation), REMOTE_ADDR=ADDRESS)
    client.get(_path(other), REMOTE_ADDR=ADDRESS)
    clicks_flush()
    assert Click.objects.filter(participation=participation).count() == 1
    assert Click.objects.filter(participation=other).count() == 1


# -- the batch writer ----------------------------------------------------------------------------


def _click_from(client, participation, n: int) -> None:
    for i in range(n):
        assert client.get(_path(participation), REMOTE_ADDR=f"198.51.100.{i + 1}").status_code == (
            302
        )


def test_a_batch_written_twice_counts_each_click_once(client, participation):
    _click_from(client, participation, 3)
    entries = _buffered()
    assert clicks_flush() == 3

    services._buffer_write(entries)  # the same batch again, as a retry would

    assert Click.objects.count() == 3
    assert len({c.click_id for c in Click.objects.all()}) == 3
    assert _buffered() == []  # trimmed after the commit


def test_a_worker_killed_between_write_and_trim_loses_nothing_and_counts_once(
    client, participation, monkeypatch
):
    _click_from(client, participation, 5)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    with monkeypatch.context() as m:
        m.setattr(services, "_buffer_trim", killed)
        with pytest.raises(SystemExit):
            clicks_flush(consumer="worker-1")
    assert Click.objects.count() == 5  # written, not yet trimmed
    assert len(_buffered()) == 5

    # Another worker does not take a batch that may still be in hand...
    assert clicks_flush(consumer="worker-2") == 0
    # ...but once it has been idle past the lease it does: rewritten, then trimmed.
    assert clicks_flush(consumer="worker-2", reclaim_after_ms=0) == 5

    assert Click.objects.count() == 5
    assert _buffered() == []


def test_a_batch_claimed_but_never_written_is_taken_over(client, participation, monkeypatch):
    _click_from(client, participation, 4)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    with monkeypatch.context() as m:
        m.setattr(services, "_buffer_write", killed)
        with pytest.raises(SystemExit):
            clicks_flush(consumer="worker-1")
    assert not Click.objects.exists()

    assert clicks_flush(consumer="worker-2", reclaim_after_ms=0) == 4
    assert Click.objects.count() == 4
    assert _buffered() == []


def test_the_same_worker_retries_its_own_failed_batch_first(client, participation, monkeypatch):
    _click_from(client, participation, 2)
    with monkeypatch.context() as m:
        m.setattr(services, "_buffer_trim", lambda *a: (_ for _ in ()).throw(OSError("gone")))
        with pytest.raises(OSError):
            clicks_flush(consumer="worker-1")
    assert clicks_flush(consumer="worker-1") == 2
    assert Click.objects.count() == 2
    assert _buffered() == []


def test_clicks_of_a_participation_deleted_before_the_flush_are_skipped(client, participation):
    other = ParticipationFactory(campaign=participation.campaign)
    client.get(_path(participation))
    client.get(_path(other))
    other.delete()
    assert clicks_flush() == 2
    assert list(Click.objects.values_list("participation", flat=True)) == [participation.pk]
    assert _buffered() == []


def test_a_long_buffer_asks_a_worker_for_a_flush_at_once(
    client, participation, settings, monkeypatch
):
    from analytics import tasks

    settings.TRACKING_FLUSH_WHEN_BUFFERED = 3
    requested: list[dict] = []
    monkeypatch.setattr(tasks.flush_clicks, "apply_async", lambda **kw: requested.append(kw))
    _click_from(client, participation, 2)
    assert requested == []
    # .1 and .2 again are repeats; .3 makes three buffered: a flush is asked for, once (the
    # request holds for a few seconds, so .4 and .5 do not ask again).
    _click_from(client, participation, 5)
    assert len(requested) == 1
    assert clicks_flush() == 5
    assert Click.objects.count() == 5


def test_beat_runs_the_writer_every_few_seconds(db):
    import importlib

    from django.apps import apps

    from analytics import tasks

    # Run the schedule's migration again: a transactional test elsewhere may have flushed the
    # row the migration made.
    schedule = importlib.import_module("analytics.migrations.0003_flush_clicks_schedule")
    PeriodicTask.objects.filter(name=schedule.NAME).delete()
    schedule.forwards(apps, None)

    task = PeriodicTask.objects.get(task="analytics.tasks.flush_clicks")
    assert task.enabled
    assert task.interval.every <= 10
    assert task.interval.period == "seconds"
    assert tasks.flush_clicks.name == task.task


# -- the link cache ------------------------------------------------------------------------------


def test_a_new_landing_url_is_followed_at_once(
    client, participation, django_capture_on_commit_callbacks
):
    from campaigns.services import campaign_update

    assert _landing(client.get(_path(participation))) == "glow.example/serum"
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(
            access=_owner(participation.campaign),
            campaign=participation.campaign,
            landing_url="https://glow.example/cream",
        )
    assert _landing(client.get(_path(participation))) == "glow.example/cream"


def test_the_cache_is_what_the_redirect_reads(client, participation):
    """A bulk update sends no signal: the cached link is served until its short TTL ends."""
    assert _landing(client.get(_path(participation))) == "glow.example/serum"
    Campaign.objects.filter(pk=participation.campaign.pk).update(
        landing_url="https://glow.example/cream"
    )
    assert _landing(client.get(_path(participation))) == "glow.example/serum"
    click_buffer.forget_links([participation.tracking_code])  # what the TTL does in time
    assert _landing(client.get(_path(participation))) == "glow.example/cream"


def test_an_ended_campaign_stops_redirecting_at_once(
    client, participation, django_capture_on_commit_callbacks
):
    assert _landing(client.get(_path(participation), REMOTE_ADDR="198.51.100.1"))
    with django_capture_on_commit_callbacks(execute=True):
        participation.campaign.status = Campaign.Status.COMPLETED
        participation.campaign.save(update_fields=["status"])
    assert client.get(_path(participation), REMOTE_ADDR="198.51.100.2").status_code == 410
    clicks_flush()
    assert Click.objects.count() == 1


def test_a_brand_narrowing_its_domains_stops_the_redirect_at_once(
    client, participation, django_capture_on_commit_callbacks
):
    assert _landing(client.get(_path(participation))) == "glow.example/serum"
    brand = participation.campaign.brand
    with django_capture_on_commit_callbacks(execute=True):
        brand.website = "https://www.other.example/"
        brand.save(update_fields=["website"])
    response = client.get(_path(participation))
    assert response.status_code == 200  # the page saying whose link it is, no redirect
    assert "Location" not in response


def test_an_unrelated_campaign_save_keeps_the_cache(
    client, participation, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.get(_path(participation), REMOTE_ADDR="198.51.100.1")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        participation.campaign.name = "Spring glow"
        participation.campaign.save(update_fields=["name"])
    assert callbacks == []
    with django_assert_num_queries(0):
        client.get(_path(participation), REMOTE_ADDR="198.51.100.2")


# -- Redis down ----------------------------------------------------------------------------------


def test_with_redis_down_the_link_still_redirects_and_the_click_is_written_directly(
    client, participation, settings
):
    settings.TRACKING_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    click_buffer.reset()

    response = client.get(_path(participation), REMOTE_ADDR=ADDRESS)

    assert _landing(response) == "glow.example/serum"
    assert Click.objects.filter(participation=participation).count() == 1
    # The window still holds, checked in the table.
    client.get(_path(participation), REMOTE_ADDR=ADDRESS)
    client.get(_path(participation), HTTP_USER_AGENT="Googlebot/2.1")
    assert Click.objects.count() == 1
    assert client.get("/r/nope").status_code == 404


def test_a_click_buffered_before_redis_stopped_answering_is_not_written_twice(
    client, participation
):
    client.get(_path(participation), REMOTE_ADDR=ADDRESS)
    ((_, fields),) = _buffered()
    # Redis ran the script but its answer never came: the fallback wrote the same click (same
    # id and time) directly.
    services._click_write_direct(
        click_buffer.LinkEntry("L", int(fields["o"]), int(fields["p"]), ""),
        click_buffer.ClickData(fields["id"], int(fields["t"]), fields["v"], "", ""),
    )
    assert Click.objects.count() == 1
    assert clicks_flush() == 1
    assert Click.objects.count() == 1
