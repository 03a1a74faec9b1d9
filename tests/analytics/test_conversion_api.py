"""The conversion API (any store) and the store connections API and page."""

import json

import pytest
from django.urls import reverse

from analytics.models import Conversion, StoreConnection
from organizations.roles import Role
from tests.analytics.conversion_scene import SECRET, process_pending, scene_build

ORDER = {
    "order_id": "ord-1001",
    "occurred_at": "2026-11-30T15:00:00Z",
    "currency": "USD",
    "revenue_cents": 4_990,
    "promo_codes": ["alice10"],
    "customer_ref": "buyer@example.com",
    "browser_ip": "198.51.100.23",
}


@pytest.fixture
def scene(tenant_a):
    return scene_build(tenant_a)


def test_same_order_twice_answers_the_same_conversion(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)
    first = api.post("/api/v1/conversions/", ORDER, format="json")
    second = api.post("/api/v1/conversions/", ORDER, format="json")
    assert first.status_code == 201, first.content
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert Conversion.objects.count() == 1
    body = first.json()
    assert body["creator"] == scene.alice.creator.public_id
    assert body["method"] == "promo_code"
    assert {c["model"] for c in body["credits"]} == {"last_touch", "linear", "time_decay"}
    assert "buyer@example.com" not in first.content.decode()


def test_refund_endpoint_records_once_and_unknown_order_is_404(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)
    api.post("/api/v1/conversions/", ORDER, format="json")
    refund = {
        "order_id": "ord-1001",
        "refund_id": "re-1",
        "amount_cents": 990,
        "occurred_at": "2026-12-01T10:00:00Z",
    }
    assert api.post("/api/v1/conversions/refunds/", refund, format="json").status_code == 201
    assert api.post("/api/v1/conversions/refunds/", refund, format="json").status_code == 200
    assert Conversion.objects.get().refunded_cents == 990
    missing = api.post(
        "/api/v1/conversions/refunds/", {**refund, "order_id": "nope"}, format="json"
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "order_unknown"


@pytest.mark.parametrize(
    "change",
    [
        {"revenue_cents": -1},
        {"revenue_cents": "12.5"},
        {"currency": "XYZ"},
        {"order_id": ""},
        {"occurred_at": "soon"},
    ],
)
def test_bad_order_input_answers_400_with_the_field(scene, api_client_for, change):
    api = api_client_for(scene.tenant, Role.ADMIN)
    answer = api.post("/api/v1/conversions/", {**ORDER, **change}, format="json")
    assert answer.status_code == 400
    assert set(change) <= set(answer.json()["fields"])
    assert not Conversion.objects.exists()


def test_odd_offsets_and_old_dates_are_stored_in_utc(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)
    for n, when in enumerate(["0529-07-04T01:58:46+18:14", "2026-11-30T23:30:00-17:45"]):
        answer = api.post(
            "/api/v1/conversions/",
            {**ORDER, "order_id": f"old-{n}", "occurred_at": when},
            format="json",
        )
        assert answer.status_code == 201, answer.content
    listed = api.get("/api/v1/conversions/", {"occurred_after": "0529-07-04T01:58:46+18:14"})
    assert listed.status_code == 200


def test_viewer_key_cannot_record_orders(scene, api_client_for):
    answer = api_client_for(scene.tenant, Role.VIEWER).post(
        "/api/v1/conversions/", ORDER, format="json"
    )
    assert answer.status_code == 403


def test_list_filters_by_campaign_and_method(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)
    api.post("/api/v1/conversions/", ORDER, format="json")
    api.post(
        "/api/v1/conversions/", {**ORDER, "order_id": "ord-2", "promo_codes": []}, format="json"
    )
    listed = api.get("/api/v1/conversions/", {"method": "promo_code"}).json()["results"]
    assert [c["order_id"] for c in listed] == ["ord-1001"]
    by_campaign = api.get("/api/v1/conversions/", {"campaign": scene.campaign.public_id}).json()
    assert [c["order_id"] for c in by_campaign["results"]] == ["ord-1001"]


def test_other_tenant_key_sees_nothing_and_its_codes_do_not_match(scene, tenant_b, api_client_for):
    api_a = api_client_for(scene.tenant, Role.ADMIN)
    created = api_a.post("/api/v1/conversions/", ORDER, format="json").json()
    api_b = api_client_for(tenant_b, Role.ADMIN)
    assert api_b.get(f"/api/v1/conversions/{created['id']}/").status_code == 404
    # The same order id and Acme's promo code from Bolt: Bolt's own order, not attributed.
    other = api_b.post("/api/v1/conversions/", ORDER, format="json")
    assert other.status_code == 201
    assert other.json()["creator"] is None
    assert Conversion.objects.count() == 2


def test_store_api_never_shows_the_secret(tenant_a, api_client_for):
    api = api_client_for(tenant_a, Role.ADMIN)
    answer = api.post(
        "/api/v1/stores/",
        {
            "brand": tenant_a.brand.public_id,
            "shop_domain": "Acme-Shoes.myshopify.com",
            "secret": SECRET,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["shop_domain"] == "acme-shoes.myshopify.com"
    listed = api.get("/api/v1/stores/")
    assert SECRET not in answer.content.decode() + listed.content.decode()
    again = api.post(
        "/api/v1/stores/",
        {
            "brand": tenant_a.brand.public_id,
            "shop_domain": "acme-shoes.myshopify.com",
            "secret": SECRET,
        },
        format="json",
    )
    assert again.status_code == 409
    bad = api.post(
        "/api/v1/stores/",
        {"brand": tenant_a.brand.public_id, "shop_domain": "evil.example.com", "secret": SECRET},
        format="json",
    )
    assert bad.status_code == 400
    store_id = answer.json()["id"]
    assert api.delete(f"/api/v1/stores/{store_id}/").status_code == 204
    assert not StoreConnection.objects.exists()


def test_store_page_connects_sends_a_test_order_and_removes(tenant_a, client_for):
    scene = scene_build(tenant_a, shop="other-shop.myshopify.com")
    client = client_for(tenant_a.owner)
    url = reverse("analytics:stores", kwargs={"org_slug": tenant_a.org.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert "other-shop.myshopify.com" in page.content.decode()
    assert SECRET not in page.content.decode()
    added = client.post(
        url,
        {
            "brand": tenant_a.brand.public_id,
            "shop_domain": "new-shop.myshopify.com",
            "secret": SECRET,
        },
    )
    assert added.status_code == 302
    store = StoreConnection.objects.get(shop_domain="new-shop.myshopify.com")
    test_url = reverse(
        "analytics:store_test_order",
        kwargs={"org_slug": tenant_a.org.slug, "store_id": scene.store.public_id},
    )
    assert client.post(test_url).status_code == 302
    assert process_pending() == ["processed"]  # stored by the webhook, recorded by the worker
    conversion = Conversion.objects.get()
    assert conversion.source == Conversion.Source.SHOPIFY
    assert conversion.participation in (scene.alice, scene.bob)
    delete_url = reverse(
        "analytics:store_delete",
        kwargs={"org_slug": tenant_a.org.slug, "store_id": store.public_id},
    )
    assert client.post(delete_url).status_code == 302
    assert not StoreConnection.objects.filter(pk=store.pk).exists()


def test_store_page_form_errors_say_what_to_fix(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    url = reverse("analytics:stores", kwargs={"org_slug": tenant_a.org.slug})
    answer = client.post(
        url, {"brand": tenant_a.brand.public_id, "shop_domain": "x.com", "secret": "short"}
    )
    assert answer.status_code == 400
    assert "myshopify.com" in answer.content.decode()
    assert not StoreConnection.objects.exists()


def test_a_brand_limited_key_never_sees_another_brands_order_by_reusing_its_id(
    scene, api_client_for
):
    from rest_framework.test import APIClient

    from organizations.services import api_key_create
    from tests.factories.organizations import BrandFactory

    recorded = api_client_for(scene.tenant, Role.ADMIN).post(
        "/api/v1/conversions/", ORDER, format="json"
    )
    assert recorded.status_code == 201
    assert recorded.json()["campaign"]  # attributed to the scene's brand
    other_brand = BrandFactory(organization=scene.tenant.org)
    _, raw = api_key_create(access=scene.tenant.access(), name="other brand", brand=other_brand)
    limited = APIClient()
    limited.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    again = limited.post("/api/v1/conversions/", ORDER, format="json")

    assert again.status_code == 409
    assert again.json()["code"] == "order_recorded_elsewhere"
    body = again.content.decode()
    assert recorded.json()["id"] not in body
    assert scene.alice.creator.public_id not in body
    assert Conversion.objects.count() == 1


def test_an_oversize_body_answers_413_json_and_records_nothing(scene, api_client_for):
    api = api_client_for(scene.tenant, Role.ADMIN)
    # 3 MB: over Django's DATA_UPLOAD_MAX_MEMORY_SIZE too (which answered a generic 400).
    for path, size in (("/api/v1/conversions/", 70_000), ("/api/v1/conversions/refunds/", 3 << 20)):
        body = json.dumps({**ORDER, "padding": "x" * size}).encode()
        answer = api.post(path, data=body, content_type="application/json")
        assert answer.status_code == 413, answer.content
        assert answer.json()["code"] == "payload_too_large"
        assert answer.json()["fields"] == {}
    assert not Conversion.objects.exists()
