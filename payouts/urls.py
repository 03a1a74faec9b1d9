from django.urls import path

from payouts import views, webhooks

app_name = "payouts"

urlpatterns = [
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("creator/payouts/", views.creator_payouts, name="creator_payouts"),
    path("creator/payouts/return/", views.connect_return, name="connect_return"),
    path("creator/payouts/refresh/", views.connect_refresh, name="connect_refresh"),
    path(
        "o/<slug:org_slug>/campaigns/<str:campaign_id>/funding/",
        views.campaign_funding,
        name="campaign_funding",
    ),
    path(
        "o/<slug:org_slug>/campaigns/<str:campaign_id>/funding/return/",
        views.funding_return,
        name="funding_return",
    ),
]
