from django.urls import path, re_path

from analytics import conversions_views, views, webhooks_shopify

app_name = "analytics"

urlpatterns = [
    # With or without a trailing slash (links get pasted both ways).
    re_path(r"^r/(?P<code>[^/]+)/?$", views.tracking_redirect, name="tracking_redirect"),
    path("webhooks/shopify/", webhooks_shopify.shopify_webhook, name="shopify_webhook"),
    path("o/<slug:org_slug>/stores/", conversions_views.stores_page, name="stores"),
    path(
        "o/<slug:org_slug>/stores/<str:store_id>/delete/",
        conversions_views.store_delete,
        name="store_delete",
    ),
    path(
        "o/<slug:org_slug>/stores/<str:store_id>/test-order/",
        conversions_views.store_test_order,
        name="store_test_order",
    ),
    path(
        "o/<slug:org_slug>/stores/deliveries/<str:delivery_id>/retry/",
        conversions_views.store_delivery_retry,
        name="store_delivery_retry",
    ),
]
