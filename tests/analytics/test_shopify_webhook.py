"""Shopify orders/create and refunds/create: signature, parsing, idempotency, attribution.

The request only stores a delivery; ``deliver`` / ``process_pending`` run the worker's task on
what it stored (the inbox itself is tested in test_shopify_inbox.py)."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from analytics.models import Conversion, ConversionRefund, ShopifyDelivery
from analytics.services import visitor_hash
from ledger.models import Transaction
from payouts.commissions import commissions_sweep
from tests.analytics.conversion_scene import (
    SECRET,
    click,
    deliver,
    order_payload,
    process_pending,
    refund_payload,
    scene_build,
    send,
)
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory

ORDER_AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def scene(tenant_a):
    return scene_build(tenant_a)


def test_signed_order_is_recorded_with_exact_cents_and_promo_code_attribution(scene, client):
    answer = deliver(client, order_payload(discount_codes=[{"code": "alice10", "amount": "2.00"}]))
    assert answer.status_code == 200, answer.content
    conversion = Conversion.objects.get()
    delivery = ShopifyDelivery.objects.get()
    assert answer.json() == {"status": "queued", "id": delivery.public_id}
    assert delivery.status == ShopifyDelivery.Status.PROCESSED
    assert conversion.order_id == "820982911946154508"  # larger than 2**53, kept exact
    assert conversion.revenue_cents == 1999
    assert conversion.currency == "USD"
    assert conversion.participation == scene.alice
    assert conversion.campaign == scene.campaign
    assert conversion.method == Conversion.Method.PROMO_CODE
    assert conversion.occurred_at == ORDER_AT


def test_customer_and_address_are_stored_only_as_keyed_hashes(scene, client):
    deliver(client, order_payload())
    conversion = Conversion.objects.get()
    stored = json.dumps(next(iter(Conversion.objects.values())), default=str)
    assert "buyer@example.com" not in stored
    assert "115310627314723954" not in stored
    assert "198.51.100.23" not in stored
    assert conversion.visitor_hash == visitor_hash("198.51.100.23")  # matches clicks
    assert len(conversion.customer_hash) == 64


@pytest.mark.parametrize(
    "header",
    ["", "bm90IHRoZSBzaWduYXR1cmU=", "garbage!!"],
    ids=["missing", "wrong", "not-base64"],
)
def test_bad_signature_answers_401_and_records_nothing(scene, client, header):
    answer = send(client, order_payload(), hmac_header=header)
    assert answer.status_code == 401
    assert answer.json()["code"] == "bad_signature"
    assert not Conversion.objects.exists()
    assert not ShopifyDelivery.objects.exists()


def test_body_signed_with_another_secret_is_refused(scene, client):
    answer = send(client, order_payload(), secret="shpss_another_secret_entirely_00")
    assert answer.status_code == 401
    assert not Conversion.objects.exists()


def test_unknown_shop_answers_401(scene, client):
    answer = send(client, order_payload(), shop="someone-else.myshopify.com")
    assert answer.status_code == 401
    assert answer.json()["code"] == "unknown_shop"
    assert not Conversion.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [b"not json at all", b"\xff\xfe\x00", b"[1, 2, 3]", b"null"],
    ids=["text", "binary", "array", "null"],
)
def test_garbage_body_answers_400_json(scene, client, raw):
    answer = send(client, None, raw=raw)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_payload"
    assert not Conversion.objects.exists()
    assert not ShopifyDelivery.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"id": None},
        {"id": "abc"},
        {"created_at": "yesterday"},
        {"created_at": "2026-13-45T10:00:00Z"},
        {"created_at": "0529-07-04T01:58:46+18:14"},
        {"created_at": 1732975200},
        {"currency": "XXX1"},
        {"current_subtotal_price": 19.99},  # a float: inexact, refused
        {"current_subtotal_price": "19.999"},  # more decimals than USD has
        {"current_subtotal_price": "-5.00"},
        {"current_subtotal_price": "NaN"},
    ],
)
def test_missing_or_malformed_fields_answer_400(scene, client, change):
    answer = send(client, order_payload(**change))
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid_payload"
    assert not ShopifyDelivery.objects.exists()


def test_unsupported_topic_answers_400(scene, client):
    answer = send(client, order_payload(), topic="orders/updated")
    assert answer.status_code == 400
    assert not ShopifyDelivery.objects.exists()


def test_order_replayed_three_times_records_one_conversion_and_one_commission(scene, client):
    payload = order_payload(discount_codes=[{"code": "ALICE10"}])
    answers = [deliver(client, payload, webhook_id="wh-1") for _ in range(2)]
    answers.append(deliver(client, payload, webhook_id="wh-2"))  # same order, new delivery id
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["status"] for a in answers] == ["queued", "duplicate", "queued"]
    assert ShopifyDelivery.objects.count() == 2
    assert set(ShopifyDelivery.objects.values_list("status", flat=True)) == {"processed"}
    assert Conversion.objects.count() == 1
    commissions_sweep()
    commissions_sweep()
    assert Transaction.objects.filter(kind="commission").count() == 1


def test_promo_code_of_another_tenant_never_matches(scene, client, tenant_b):
    other = ParticipationFactory(
        campaign=CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand),
        promo_code="BOLT-CODE",
    )
    deliver(client, order_payload(discount_codes=[{"code": other.promo_code}]))
    conversion = Conversion.objects.get()
    assert conversion.participation is None
    assert conversion.method == Conversion.Method.NONE


def test_utm_content_of_landing_site_attributes_the_order(scene, client):
    landing = "/products/glow?utm_source=chorus&utm_medium=creator&utm_content=bob"
    deliver(client, order_payload(landing_site=landing))
    conversion = Conversion.objects.get()
    assert conversion.participation == scene.bob
    assert conversion.method == Conversion.Method.TRACKING_REF
    assert conversion.tracking_code == "bob"


def test_promo_code_wins_over_tracking_reference(scene, client):
    deliver(
        client,
        order_payload(discount_codes=[{"code": "ALICE10"}], landing_site="/?utm_content=bob"),
    )
    assert Conversion.objects.get().participation == scene.alice


def test_click_from_the_buyers_address_within_the_window_attributes(scene, client):
    click(scene.bob, ip="198.51.100.23", at=ORDER_AT - timedelta(days=3))
    deliver(client, order_payload())
    conversion = Conversion.objects.get()
    assert conversion.participation == scene.bob
    assert conversion.creators_exposed == 1


def test_click_older_than_the_window_does_not_attribute(scene, client):
    click(scene.bob, ip="198.51.100.23", at=ORDER_AT - timedelta(days=31))
    deliver(client, order_payload())
    assert Conversion.objects.get().participation is None


def test_refunds_raise_refunded_cents_never_past_revenue(scene, client):
    deliver(client, order_payload(discount_codes=[{"code": "ALICE10"}]))
    order_id = 820982911946154508
    first = send(client, refund_payload(order_id, 1001, "5.00"), topic="refunds/create")
    again = send(client, refund_payload(order_id, 1001, "5.00"), topic="refunds/create")
    more = send(client, refund_payload(order_id, 1002, "50.00"), topic="refunds/create")
    assert [first.status_code, again.status_code, more.status_code] == [200, 200, 200]
    assert process_pending() == ["processed", "processed", "processed"]
    conversion = Conversion.objects.get()
    assert conversion.refunded_cents == 1999
    assert sorted(ConversionRefund.objects.values_list("amount_cents", flat=True)) == [500, 1499]


def test_refund_with_malformed_amount_answers_400(scene, client):
    deliver(client, order_payload())
    payload = refund_payload(820982911946154508, 1001, "5.00")
    payload["transactions"][0]["amount"] = 5
    answer = send(client, payload, topic="refunds/create")
    assert answer.status_code == 400
    assert ShopifyDelivery.objects.filter(topic="refunds/create").count() == 0
    assert Conversion.objects.get().refunded_cents == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_webhooks_record_one_row(tenant_a):
    scene_build(tenant_a)
    payload = order_payload(discount_codes=[{"code": "ALICE10"}])
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def post(webhook_id: str) -> None:
        try:
            barrier.wait()
            statuses.append(send(Client(), payload, webhook_id=webhook_id).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(f"wh-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200, 200]
    process_pending()
    assert Conversion.objects.count() == 1


def test_secret_is_not_stored_in_clear(scene):
    scene.store.refresh_from_db()
    assert SECRET not in scene.store.secret_encrypted
    assert scene.store.secret_hint == SECRET[-4:]


ODD_VALUES = [None, -1, 1.5, True, "x", [1, "a"], {"code": 5}, 2**70]


def test_any_type_in_any_field_answers_200_or_400_never_500(scene, client):
    base = order_payload(discount_codes=[{"code": "ALICE10"}])
    seen = set()
    for key in base:
        for value in ODD_VALUES:
            answer = send(client, {**base, key: value})
            seen.add(answer.status_code)
            assert answer.status_code in (200, 400), (key, value, answer.content)
            assert "code" in answer.json() or "status" in answer.json()
    assert seen == {200, 400}
    for key in ("id", "order_id", "created_at", "transactions"):
        for value in ODD_VALUES:
            refund = refund_payload(820982911946154508, 5, "1.00")
            refund[key] = value
            answer = send(client, refund, topic="refunds/create")
            assert answer.status_code in (200, 400), (key, value, answer.content)
    process_pending()  # whatever was accepted, the worker records or fails without raising


def test_promo_code_of_another_brand_of_the_same_organization_does_not_match(scene, client):
    from tests.factories.organizations import BrandFactory

    other_brand = BrandFactory(organization=scene.tenant.org, name="Acme Hats", slug="acme-hats")
    ParticipationFactory(
        campaign=CampaignFactory(organization=scene.tenant.org, brand=other_brand),
        promo_code="HATS10",
    )
    deliver(client, order_payload(discount_codes=[{"code": "HATS10"}]))
    assert Conversion.objects.get().participation is None


def test_after_a_rotation_both_secrets_sign_for_an_hour_then_only_the_new(
    scene, client, api_client_for
):
    from datetime import timedelta as td

    from django.utils import timezone

    from analytics.models import StoreConnection

    api = api_client_for(scene.tenant)
    new_secret = "shpss_rotated_fedcba9876543210fedcba"
    answer = api.post(
        f"/api/v1/stores/{scene.store.public_id}/rotate-secret/",
        {"secret": new_secret},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert new_secret not in answer.content.decode()
    assert deliver(client, order_payload(order_id=1), secret=SECRET).status_code == 200
    assert deliver(client, order_payload(order_id=2), secret=new_secret).status_code == 200
    StoreConnection.objects.filter(pk=scene.store.pk).update(
        secret_rotated_at=timezone.now() - td(hours=2)
    )
    assert send(client, order_payload(order_id=3), secret=SECRET).status_code == 401
    assert deliver(client, order_payload(order_id=4), secret=new_secret).status_code == 200
    assert sorted(Conversion.objects.values_list("order_id", flat=True)) == ["1", "2", "4"]
