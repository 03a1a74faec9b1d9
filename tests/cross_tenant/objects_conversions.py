"""Cross-tenant builders for conversions: the victim organization has a connected Shopify store
and an attributed order, so another tenant's store page, API and test-order button must answer
404 for them (and lists must not show them)."""

from datetime import UTC, datetime

from analytics.conversions import OrderIn, conversion_record
from analytics.conversions_stores import store_connect
from analytics.models import Conversion, ShopifyDelivery, StoreConnection
from tests.cross_tenant.objects_recruitment import _participation
from tests.cross_tenant.registry import Owner, url_param


def victim_store(owner: Owner) -> StoreConnection:
    return owner.once(
        "conversions:store",
        lambda: store_connect(
            access=owner.tenant.access(),
            brand=owner.tenant.brand,
            shop_domain="victim-store.myshopify.com",
            secret="shpss_victim_secret_0123456789abcdef",
        ),
    )


def victim_conversion(owner: Owner) -> Conversion:
    def make() -> Conversion:
        participation = _participation(owner)
        conversion, _ = conversion_record(
            organization_id=owner.tenant.org.pk,
            brand_id=None,
            source=Conversion.Source.API,
            order=OrderIn(
                order_id="victim-order-1",
                occurred_at=datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
                currency="USD",
                revenue_cents=12_345,
                promo_codes=[participation.promo_code],
            ),
        )
        return conversion

    return owner.once("conversions:conversion", make)


@url_param("store_id")
def store_id(owner: Owner) -> str:
    return str(victim_store(owner).public_id)


@url_param("api:store")
def api_store(owner: Owner) -> str:
    return str(victim_store(owner).public_id)


@url_param("api:conversion")
def api_conversion(owner: Owner) -> str:
    return str(victim_conversion(owner).public_id)


@url_param("delivery_id")
def delivery_id(owner: Owner) -> str:
    """A failed Shopify delivery of the victim's store (the Stores page's "Try again")."""

    def make() -> ShopifyDelivery:
        store = victim_store(owner)
        return ShopifyDelivery.objects.create(
            organization_id=store.organization_id,
            store=store,
            webhook_id="victim-webhook-1",
            topic="refunds/create",
            body="{}",
            status=ShopifyDelivery.Status.FAILED,
            last_error="victim's failure",
        )

    return str(owner.once("conversions:delivery", make).public_id)
