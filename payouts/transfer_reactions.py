"""Payout runs' reactions to transfer webhooks: ``transfer.reversed`` gives the money back."""

from __future__ import annotations

from payouts.runs import payout_transfer_reversed
from payouts.transfer_events import TransferNotice, on_transfer_event


@on_transfer_event("transfer.reversed")
def transfer_reversed(notice: TransferNotice) -> None:
    payout_transfer_reversed(
        transfer_id=notice.transfer_id,
        payout_public_id=notice.metadata.get("chorus_payout", ""),
        reversed_cents=notice.amount_reversed_cents,
    )
