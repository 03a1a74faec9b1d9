"""Payout runs' reactions to Stripe: ``transfer.reversed`` gives the money back; a connected
account's ``payout.paid`` (its balance reached the creator's bank) settles in_transit → paid."""

from __future__ import annotations

from datetime import UTC, datetime

from payouts.events import handles
from payouts.models import StripeEvent
from payouts.runs import payout_settle_for_account, payout_transfer_reversed
from payouts.transfer_events import TransferNotice, on_transfer_event


@on_transfer_event("transfer.reversed")
def transfer_reversed(notice: TransferNotice) -> None:
    payout_transfer_reversed(
        transfer_id=notice.transfer_id,
        payout_public_id=notice.metadata.get("chorus_payout", ""),
        reversed_cents=notice.amount_reversed_cents,
    )


@handles("payout.paid")
def connected_payout_paid(event: StripeEvent) -> None:
    """Only a connected account's payout (``event.account``) is a creator's money arriving;
    the transfers it carried are those made before the payout was created."""
    created = event.data_object.get("created")
    if not event.account or not isinstance(created, int):
        return
    payout_settle_for_account(
        account_id=event.account, paid_out_at=datetime.fromtimestamp(created, tz=UTC)
    )
