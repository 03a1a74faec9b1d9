"""The payouts API, included under ``/api/v1/`` (config/urls.py): the organization's routes and
the creator's (``creator/earnings``, basenames ``creator-``)."""

from django.urls import URLPattern, URLResolver, include, path

from core.api.routers import OptionalSlashRouter
from payouts.api import (
    CampaignBalanceViewSet,
    CreatorEarningViewSet,
    FundingViewSet,
    LedgerTransactionViewSet,
    PayoutRunViewSet,
    PayoutViewSet,
)

router = OptionalSlashRouter()
router.register("campaign-balances", CampaignBalanceViewSet, basename="campaign-balance")
router.register("ledger-transactions", LedgerTransactionViewSet, basename="ledger-transaction")
router.register("payouts", PayoutViewSet, basename="payout")
router.register("fundings", FundingViewSet, basename="funding")
router.register("payout-runs", PayoutRunViewSet, basename="payout-run")

creator_router = OptionalSlashRouter()
creator_router.register("earnings", CreatorEarningViewSet, basename="creator-earning")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("creator/", include(creator_router.urls)),
]
