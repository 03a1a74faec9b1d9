"""The campaign's committed budget figure (a cache of the ledger's spend promised): the
ledger's commitment services call these inside the caller's transaction.

They lock the campaign row, so the money committed to creators can never exceed the budget,
whatever the concurrency.
"""

from django.db import transaction

from campaigns.models import Campaign
from campaigns.services.validation import (
    _is_int,
)
from core.errors import ChorusError
from core.money import format_money


def _require_atomic(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name}() must run inside the caller's transaction.atomic() block.")


def campaign_budget_reserve(*, campaign_id: int, amount_cents: int) -> Campaign:
    """Commit ``amount_cents`` of the budget to a creator; raises ``budget_exceeded`` if it
    would not fit. Locks the campaign row until the caller's transaction ends."""
    _require_atomic("campaign_budget_reserve")
    if not _is_int(amount_cents) or amount_cents <= 0:
        raise ChorusError("invalid_amount", "The amount to reserve must be above zero.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status in (Campaign.Status.COMPLETED, Campaign.Status.ARCHIVED):
        raise ChorusError(
            "campaign_closed",
            f"The campaign is {campaign.get_status_display().lower()}.",
            status_code=409,
        )
    if campaign.committed_cents + amount_cents > campaign.budget_cents:
        raise ChorusError(
            "budget_exceeded",
            f"Not enough budget left: {format_money(campaign.remaining_cents, campaign.currency)} "
            f"remain and {format_money(amount_cents, campaign.currency)} are needed.",
            status_code=409,
        )
    campaign.committed_cents += amount_cents
    campaign.save(update_fields=["committed_cents", "updated_at"])
    return campaign


def campaign_budget_release(*, campaign_id: int, amount_cents: int) -> Campaign:
    """Give back ``amount_cents`` of committed budget (a creator withdrew or was removed)."""
    _require_atomic("campaign_budget_release")
    if not _is_int(amount_cents) or amount_cents <= 0:
        raise ChorusError("invalid_amount", "The amount to release must be above zero.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if amount_cents > campaign.committed_cents:
        raise ChorusError(
            "release_exceeds_committed",
            f"Only {format_money(campaign.committed_cents, campaign.currency)} is committed.",
            status_code=409,
        )
    campaign.committed_cents -= amount_cents
    campaign.save(update_fields=["committed_cents", "updated_at"])
    return campaign
