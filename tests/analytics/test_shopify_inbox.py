"""The Shopify inbox: the request stores a delivery and answers; the worker records it once.

Requests here run without Celery: their after-commit publish is not executed (a lost message),
unless a test captures and runs it with Celery eager (``eager``), which runs the real task
through the real outbox in this process."""

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from analytics import shopify_inbox
from analytics.conversions_stores import store_connect
from analytics.models import Conversion, ConversionRefund, ShopifyDelivery, StoreConnection
from analytics.shopify_inbox import (
    MAX_ATTEMPTS,
    ORDER_WAIT,
    PROCESS_TASK,
    STALL,
    shopify_deliveries_resume,
    shopify_delivery_process,
)
from analytics.tasks import process_shopify_delivery, resume_shopify_deliveries
from analytics.webhooks_shopify import MAX_BODY, shopify_webhook, signature
from config.celery import app as celery_app
from core.models import OutboxTask
from tests.analytics.conversion_scene import (
    SECRET,
    SHOP,
    WEBHOOK,
    Scene,
    order_payload,
    process_pending,
    refund_payload,
    scene_build,
    send,
)
from tests.conftest import Tenant

ORDER_ID = 820982911946154508
OTHER_SECRET = "shpss_bolt_fedcba9876543210fedcba98"


@pytest.fixture
def scene(tenant_a):
    return scene_build(tenant_a)


@pytest.fixture
def eager() -> Iterator[None]:
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


def _overdue(delivery: ShopifyDelivery, by: timedelta = timedelta(0)) -> None:
    """Time passes: the delivery's next try is due (``by`` longer ago)."""
    ShopifyDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - by - timedelta(seconds=1)
    )


# -- the request -----------------------------------------------------------------------------------


def test_request_stores_the_delivery_and_queues_it_without_recording_the_order(
    scene, client, django_capture_on_commit_callbacks
):
    body = json.dumps(order_payload(discount_codes=[{"code": "ALICE10"}]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = send(client, None, raw=body.encode(), webhook_id="wh-1")
    assert answer.status_code == 200, answer.content
    delivery = ShopifyDelivery.objects.get()
    assert answer.json() == {"status": "queued", "id": delivery.public_id}
    assert delivery.status == ShopifyDelivery.Status.PENDING
    assert delivery.body == body  # exactly what was signed
    assert (delivery.topic, delivery.webhook_id, delivery.attempts) == ("orders/create", "wh-1", 0)
    assert not Conversion.objects.exists()  # recording is the worker's job
    outbox = OutboxTask.objects.get(task=PROCESS_TASK)
    assert outbox.args == [delivery.pk]
    assert outbox.queue == "webhooks"
    assert len(callbacks) == 1  # published after commit

    assert process_pending() == ["processed"]
    delivery.refresh_from_db()
    assert delivery.status == ShopifyDelivery.Status.PROCESSED
    assert delivery.attempts == 1
    assert Conversion.objects.get().participation == scene.alice


def test_the_published_task_records_the_order_after_commit(
    scene, client, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = send(client, order_payload())
    assert answer.status_code == 200
    assert ShopifyDelivery.objects.get().status == ShopifyDelivery.Status.PROCESSED
    assert Conversion.objects.count() == 1
    assert OutboxTask.objects.get(task=PROCESS_TASK).completed_at is not None


def test_shopify_headers_are_kept_for_support(scene, client):
    raw = json.dumps(order_payload()).encode()
    answer = client.post(
        "/webhooks/shopify/",
        data=raw,
        content_type="application/json",
        headers={
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": scene.store.shop_domain,
            "X-Shopify-Hmac-Sha256": _sign(raw),
            "X-Shopify-Webhook-Id": "wh-headers",
            "X-Shopify-Event-Id": "evt-98765",
            "X-Shopify-Triggered-At": "2026-11-30T15:00:00.123456789Z",
        },
    )
    assert answer.status_code == 200, answer.content
    delivery = ShopifyDelivery.objects.get(webhook_id="wh-headers")
    assert delivery.event_id == "evt-98765"
    assert delivery.triggered_at is not None
    assert delivery.triggered_at.hour == 15


def _sign(body: bytes) -> str:
    return signature(SECRET, body)


def test_a_replayed_webhook_id_answers_200_and_stores_nothing_new(
    scene, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = send(client, order_payload(), webhook_id="wh-replayed")
    with django_capture_on_commit_callbacks(execute=False) as later:
        replays = [send(client, order_payload(), webhook_id="wh-replayed") for _ in range(3)]
    assert [r.status_code for r in replays] == [200, 200, 200]
    assert {r.json()["status"] for r in replays} == {"duplicate"}
    assert {r.json()["id"] for r in replays} == {first.json()["id"]}
    assert ShopifyDelivery.objects.count() == 1
    assert OutboxTask.objects.filter(task=PROCESS_TASK).count() == 1
    assert later == []  # nothing queued again


@pytest.mark.parametrize(
    ("drop", "status", "code"),
    [
        ("X-Shopify-Shop-Domain", 401, "unknown_shop"),
        ("X-Shopify-Hmac-Sha256", 401, "bad_signature"),
        ("X-Shopify-Topic", 400, "unsupported_topic"),
        ("X-Shopify-Webhook-Id", 400, "missing_webhook_id"),
    ],
)
def test_a_missing_header_answers_a_clear_4xx_and_stores_nothing(scene, client, drop, status, code):
    raw = json.dumps(order_payload()).encode()
    headers = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": scene.store.shop_domain,
        "X-Shopify-Hmac-Sha256": _sign(raw),
        "X-Shopify-Webhook-Id": "wh-1",
    }
    del headers[drop]
    answer = client.post(
        "/webhooks/shopify/", data=raw, content_type="application/json", headers=headers
    )
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert not ShopifyDelivery.objects.exists()
    assert not OutboxTask.objects.exists()


def test_a_delivery_signed_for_another_tenants_shop_is_refused(scene, client, tenant_b):
    """The HMAC must be of the named shop's secret: tenant B's store cannot be fed A's body."""
    _store(tenant_b)
    answer = send(client, order_payload(), shop="bolt-cola.myshopify.com")  # signed with A's
    assert answer.status_code == 401
    assert answer.json()["code"] == "bad_signature"
    assert not ShopifyDelivery.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"{" * 100_000,
        b'{"id": 1',
        b"[" * 50_000 + b"]" * 50_000,
        b'{"a": "\x00"}',
        b'{"id": 1, "discount_codes": [{"code": "A\\u0000"}]}',
    ],
    ids=["deep-objects", "truncated", "deep-arrays", "nul", "escaped-nul"],
)
def test_malformed_json_answers_400_and_stores_nothing(scene, client, raw):
    answer = send(client, None, raw=raw)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_payload"
    assert not ShopifyDelivery.objects.exists()


def _padded_order(size: int) -> bytes:
    """An order body of exactly ``size`` bytes (a long note: a big order's many lines)."""
    base = len(json.dumps(order_payload(note="")).encode())
    body = json.dumps(order_payload(note="x" * (size - base))).encode()
    assert len(body) == size
    return body


def test_a_body_over_djangos_upload_limit_but_within_ours_is_stored(scene, client, settings):
    # 3 MB: over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which request.body would refuse (400).
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3_000_000 < MAX_BODY
    answer = send(client, None, raw=_padded_order(3_000_000))
    assert answer.status_code == 200, answer.content
    assert len(ShopifyDelivery.objects.get().body) == 3_000_000


def test_a_body_exactly_at_the_limit_is_stored(scene, client):
    answer = send(client, None, raw=_padded_order(MAX_BODY))
    assert answer.status_code == 200, answer.content
    assert ShopifyDelivery.objects.count() == 1


def test_an_oversize_body_answers_413_json_and_stores_nothing(scene, client):
    answer = send(client, None, raw=_padded_order(MAX_BODY + 1))
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {
        "code": "payload_too_large",
        "message": f"The body is larger than {MAX_BODY} bytes.",
        "fields": {},
    }
    assert not ShopifyDelivery.objects.exists()


class _Endless:
    """A client that never stops sending: counts what the server read."""

    def __init__(self, body: bytes = b"") -> None:
        self.body = body
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "an unbounded read"
        start = self.read_bytes
        self.read_bytes += size
        head = self.body[start : start + size]
        return head + b"x" * (size - len(head))

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def _raw_request(
    stream: Any, *, content_length: str | None, chunked: bool, body: bytes = b""
) -> WSGIRequest:
    """A request as the WSGI server hands it over: ``stream`` is the socket's body."""
    meta = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": WEBHOOK,
        "CONTENT_TYPE": "application/json",
        "wsgi.input": stream,
        "HTTP_X_SHOPIFY_TOPIC": "orders/create",
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": SHOP,
        "HTTP_X_SHOPIFY_HMAC_SHA256": signature(SECRET, body),
        "HTTP_X_SHOPIFY_WEBHOOK_ID": "wh-raw",
    }
    if content_length is not None:
        meta["CONTENT_LENGTH"] = content_length
    if chunked:
        meta["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ = RequestFactory()._base_environ(**meta)
    return WSGIRequest(environ)


def test_a_declared_length_over_the_limit_is_refused_without_reading(scene):
    stream = _Endless()
    answer = shopify_webhook(_raw_request(stream, content_length=str(50_000_000), chunked=False))
    assert answer.status_code == 413
    assert json.loads(answer.content)["code"] == "payload_too_large"
    assert stream.read_bytes == 0
    assert not ShopifyDelivery.objects.exists()


def test_an_endless_chunked_body_is_refused_after_reading_the_limit_plus_one_byte(scene):
    stream = _Endless()
    answer = shopify_webhook(_raw_request(stream, content_length=None, chunked=True))
    assert answer.status_code == 413
    assert json.loads(answer.content)["code"] == "payload_too_large"
    assert stream.read_bytes == MAX_BODY + 1
    assert not ShopifyDelivery.objects.exists()


def test_a_chunked_body_without_content_length_is_read_and_stored(scene):
    body = json.dumps(order_payload()).encode()

    class Chunked(_Endless):
        def read(self, size: int = -1) -> bytes:
            head = self.body[self.read_bytes : self.read_bytes + size]
            self.read_bytes += len(head)
            return head

    answer = shopify_webhook(
        _raw_request(Chunked(body), content_length=None, chunked=True, body=body)
    )
    assert answer.status_code == 200, answer.content
    assert ShopifyDelivery.objects.get().body == body.decode()


def test_a_refund_before_its_order_answers_200_not_404(scene, client):
    answer = send(client, refund_payload(ORDER_ID, 1001, "5.00"), topic="refunds/create")
    assert answer.status_code == 200
    assert answer.json()["status"] == "queued"


# -- the worker ------------------------------------------------------------------------------------


def test_a_processed_delivery_is_a_no_op_when_its_message_comes_again(scene, client):
    send(client, order_payload(discount_codes=[{"code": "ALICE10"}]))
    delivery = ShopifyDelivery.objects.get()
    assert shopify_delivery_process(delivery_id=delivery.pk).status == "processed"
    again = [shopify_delivery_process(delivery_id=delivery.pk).status for _ in range(2)]
    assert again == ["skipped", "skipped"]
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert Conversion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_delivery_locked_by_one_worker_is_skipped_by_another(tenant_a):
    """Worker A holds the row (mid-processing); worker B, on its own connection, skips it
    instead of waiting or processing it twice. Once A is gone, B's next try records it."""
    scene_build(tenant_a)
    send(Client(), order_payload())
    delivery = ShopifyDelivery.objects.get()
    holding, release = threading.Event(), threading.Event()

    def worker_a() -> None:
        try:
            with transaction.atomic():
                ShopifyDelivery.objects.select_for_update().get(pk=delivery.pk)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    outcome: list[str] = []

    def worker_b() -> None:
        try:
            outcome.append(shopify_delivery_process(delivery_id=delivery.pk).status)
        finally:
            connection.close()

    a = threading.Thread(target=worker_a)
    a.start()
    assert holding.wait(30)
    b = threading.Thread(target=worker_b)
    b.start()
    b.join(30)
    release.set()
    a.join(30)
    assert outcome == ["skipped"]
    assert not Conversion.objects.exists()
    assert shopify_delivery_process(delivery_id=delivery.pk).status == "processed"
    assert Conversion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_a_replayed_delivery_record_it_exactly_once(tenant_a):
    """The same order delivered twice (two webhook ids) and each delivery's message run by two
    workers at once, each on its own database connection."""
    scene_build(tenant_a)
    payload = order_payload(discount_codes=[{"code": "ALICE10"}])
    send(Client(), payload, webhook_id="wh-a")
    send(Client(), payload, webhook_id="wh-a")  # a replay: stores nothing
    send(Client(), payload, webhook_id="wh-b")  # the same order again, a new delivery
    ids = list(ShopifyDelivery.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 2
    outcomes: list[tuple[int, str]] = []
    barrier = threading.Barrier(4)

    def work(delivery_id: int) -> None:
        try:
            barrier.wait(30)
            outcomes.append((delivery_id, shopify_delivery_process(delivery_id=delivery_id).status))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(pk,)) for pk in ids for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for pk in ids:  # each delivery processed by exactly one of its two workers
        assert sorted(s for d, s in outcomes if d == pk) == ["processed", "skipped"]
    assert set(ShopifyDelivery.objects.values_list("attempts", flat=True)) == {1}
    assert Conversion.objects.count() == 1


def test_refund_before_its_order_waits_then_is_applied_when_the_order_arrives(
    scene, client, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, refund_payload(ORDER_ID, 1001, "5.00"), topic="refunds/create")
    refund = ShopifyDelivery.objects.get()
    assert refund.status == ShopifyDelivery.Status.PENDING  # tried once, waiting
    assert refund.attempts == 1
    assert refund.waiting_for_order == str(ORDER_ID)
    assert "Waiting for order" in refund.last_error
    assert refund.next_attempt_at > timezone.now()  # backed off
    assert not ConversionRefund.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        send(client, order_payload(discount_codes=[{"code": "ALICE10"}]))
    refund.refresh_from_db()
    assert refund.status == ShopifyDelivery.Status.PROCESSED  # the order woke it at once
    assert refund.waiting_for_order == ""
    assert refund.last_error == ""
    assert Conversion.objects.get().refunded_cents == 500


def test_a_waiting_refund_is_retried_by_its_back_off_until_the_order_is_there(scene, client):
    send(client, refund_payload(ORDER_ID, 1001, "5.00"), topic="refunds/create")
    refund = ShopifyDelivery.objects.get()
    assert process_pending() == ["waiting"]
    assert process_pending() == ["skipped"]  # not due yet: an early duplicate does nothing
    _overdue(refund)
    assert process_pending() == ["waiting"]
    refund.refresh_from_db()
    assert refund.attempts == 2
    first_wait = refund.next_attempt_at - timezone.now()
    assert first_wait > timedelta(minutes=1)  # doubled
    # The order's own message was lost: no wake-up; the refund's next try finds it.
    send(client, order_payload())
    order = ShopifyDelivery.objects.get(topic="orders/create")
    assert shopify_delivery_process(delivery_id=order.pk).status == "processed"
    _overdue(refund)
    assert process_pending() == ["processed"]
    assert Conversion.objects.get().refunded_cents == 500


def test_a_refund_whose_order_never_arrives_fails_visibly(scene, client, client_for):
    send(client, refund_payload(ORDER_ID, 1001, "5.00"), topic="refunds/create")
    refund = ShopifyDelivery.objects.get()
    assert process_pending() == ["waiting"]
    ShopifyDelivery.objects.filter(pk=refund.pk).update(
        received_at=timezone.now() - ORDER_WAIT - timedelta(minutes=1)
    )
    _overdue(refund)
    assert process_pending() == ["failed"]
    refund.refresh_from_db()
    assert refund.status == ShopifyDelivery.Status.FAILED
    assert f"Order {ORDER_ID} never arrived" in refund.last_error
    page = client_for(scene.tenant.owner).get(
        reverse("analytics:stores", kwargs={"org_slug": scene.tenant.org.slug})
    )
    assert f"Order {ORDER_ID} never arrived" in page.content.decode()


def test_a_refund_finer_than_its_orders_currency_fails_at_once(scene, client):
    send(client, order_payload(currency="JPY", current_subtotal_price="2000"))
    send(client, refund_payload(ORDER_ID, 1001, "5.50"), topic="refunds/create")  # yen: no sen
    assert process_pending() == ["processed", "failed"]
    refund = ShopifyDelivery.objects.get(topic="refunds/create")
    assert refund.attempts == 1
    assert "JPY amounts take no decimals" in refund.last_error
    assert Conversion.objects.get().refunded_cents == 0


def test_an_error_is_retried_with_back_off_then_the_delivery_fails(scene, client, monkeypatch):
    send(client, order_payload())
    delivery = ShopifyDelivery.objects.get()

    def broken(row: ShopifyDelivery) -> None:
        Conversion.objects.create(  # written, then rolled back with the failed try
            organization_id=row.organization_id,
            source="shopify",
            order_id="half-written",
            occurred_at=timezone.now(),
            currency="USD",
            revenue_cents=1,
        )
        raise RuntimeError("attribution exploded")

    monkeypatch.setattr(shopify_inbox, "_record", broken)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS):
        assert process_pending() == ["retrying"]
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
        assert "attribution exploded" in delivery.last_error
        waits.append(delivery.next_attempt_at - timezone.now())
        _overdue(delivery)
    assert waits == sorted(waits)  # backs off
    assert waits[-1] > 8 * waits[0]
    assert process_pending() == ["failed"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert "attribution exploded" in delivery.last_error
    assert not Conversion.objects.exists()  # no try left anything behind


def test_the_sweep_resumes_a_delivery_whose_message_was_lost(
    scene, client, eager, django_capture_on_commit_callbacks
):
    send(client, order_payload())  # its after-commit publish never runs: the message is lost
    delivery = ShopifyDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_shopify_deliveries.apply().get() == 0  # not stalled yet: left alone
    _overdue(delivery, by=STALL)
    with django_capture_on_commit_callbacks(execute=True):
        assert shopify_deliveries_resume() == 1
    delivery.refresh_from_db()
    assert delivery.status == ShopifyDelivery.Status.PROCESSED
    assert Conversion.objects.count() == 1
    assert shopify_deliveries_resume() == 0  # nothing pending is left to resume


def test_the_sweep_is_scheduled_by_beat(db):
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.get(task="analytics.tasks.resume_shopify_deliveries")
    assert (job.interval.every, job.interval.period) == (30, "seconds")
    assert job.enabled


# -- the brand's view ------------------------------------------------------------------------------


def _store(tenant: Tenant) -> StoreConnection:
    """Another tenant's store (no campaign: the scene's creator codes are globally unique)."""
    return store_connect(
        access=tenant.access(),
        brand=tenant.brand,
        shop_domain="bolt-cola.myshopify.com",
        secret=OTHER_SECRET,
    )


def _failed(scene: Scene | StoreConnection) -> ShopifyDelivery:
    """A refund of an order that never arrived, failed after the wait."""
    store = scene.store if isinstance(scene, Scene) else scene

    body = json.dumps(refund_payload(ORDER_ID, 1001, "5.00")).encode()
    answer = send(
        Client(),
        None,
        raw=body,
        topic="refunds/create",
        shop=store.shop_domain,
        secret=SECRET if isinstance(scene, Scene) else OTHER_SECRET,
    )
    assert answer.status_code == 200
    delivery = ShopifyDelivery.objects.get(public_id=answer.json()["id"])
    ShopifyDelivery.objects.filter(pk=delivery.pk).update(
        received_at=timezone.now() - ORDER_WAIT - timedelta(minutes=1)
    )
    _overdue(delivery)
    assert shopify_delivery_process(delivery_id=delivery.pk).status == "failed"
    delivery.refresh_from_db()
    return delivery


def test_a_failed_delivery_is_shown_to_its_brand_and_retried(scene, client, client_for):
    delivery = _failed(scene)
    owner = client_for(scene.tenant.owner)
    stores = reverse("analytics:stores", kwargs={"org_slug": scene.tenant.org.slug})
    page = owner.get(stores).content.decode()
    assert "Deliveries not recorded" in page
    assert delivery.public_id in page
    send(client, order_payload())  # the order arrives at last
    process_pending()
    retry = reverse(
        "analytics:store_delivery_retry",
        kwargs={"org_slug": scene.tenant.org.slug, "delivery_id": delivery.public_id},
    )
    assert owner.post(retry).status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert process_pending() == ["processed"]
    assert Conversion.objects.get().refunded_cents == 500
    assert "Deliveries not recorded" not in owner.get(stores).content.decode()


def test_a_failed_delivery_is_not_shown_to_another_tenant_and_its_retry_answers_404(
    tenant_a, tenant_b, client_for
):
    victim = _failed(_store(tenant_b))
    scene_build(tenant_a)
    attacker = client_for(tenant_a.owner)  # owner of A, not a member of B
    page = attacker.get(reverse("analytics:stores", kwargs={"org_slug": tenant_a.org.slug}))
    assert page.status_code == 200
    assert victim.public_id not in page.content.decode()
    assert "Deliveries not recorded" not in page.content.decode()
    for slug in (tenant_a.org.slug, tenant_b.org.slug):
        url = reverse(
            "analytics:store_delivery_retry",
            kwargs={"org_slug": slug, "delivery_id": victim.public_id},
        )
        assert attacker.post(url).status_code == 404
    victim.refresh_from_db()
    assert victim.status == ShopifyDelivery.Status.FAILED


def test_the_task_retries_a_waiting_refund_after_its_back_off(scene, client):
    """On a worker (not eager) the task hands a try that must be repeated back to Celery with
    the row's back-off (its message goes to the real broker)."""
    from celery.exceptions import Retry

    send(client, refund_payload(ORDER_ID, 1001, "5.00"), topic="refunds/create")
    refund = ShopifyDelivery.objects.get()
    process_shopify_delivery.push_request(
        id="outbox-test", retries=0, is_eager=False, called_directly=False
    )
    try:
        with pytest.raises(Retry) as retry:
            process_shopify_delivery(refund.pk)
    finally:
        process_shopify_delivery.pop_request()
    refund.refresh_from_db()
    assert refund.attempts == 1
    assert retry.value.when == 60  # the first wait for an order: one minute
