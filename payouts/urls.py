from django.urls import path

from payouts import pages, views, webhooks

app_name = "payouts"

urlpatterns = [
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("creator/payouts/", views.creator_payouts, name="creator_payouts"),
    path("creator/payouts/return/", views.connect_return, name="connect_return"),
    path("creator/payouts/refresh/", views.connect_refresh, name="connect_refresh"),
    path("creator/earnings/", pages.creator_earnings, name="creator_earnings"),
    path("creator/earnings.csv", pages.creator_earnings_csv, name="creator_earnings_csv"),
    path(
        "o/<slug:org_slug>/campaigns/<str:campaign_id>/spend/",
        pages.campaign_spend,
        name="campaign_spend",
    ),
    path(
        "o/<slug:org_slug>/campaigns/<str:campaign_id>/spend.csv",
        pages.campaign_spend_csv,
        name="campaign_spend_csv",
    ),
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
