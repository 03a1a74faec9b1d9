"""The ledger postings payouts owns: a paid Funding is money the brand put in (funding → funded).

Registered on ``payouts.funding.on_funding_recorded``, so it runs in the transaction that records
the payment; the key ``funding:<funding public id>`` makes a second recording a no-op."""

from __future__ import annotations

from ledger.services import funding_receive
from payouts.funding import on_funding_recorded
from payouts.models import Funding


@on_funding_recorded
def post_funding(funding: Funding) -> None:
    if funding.paid_cents <= 0:  # nothing was paid (a zero-amount session): nothing to post
        return
    funding_receive(
        campaign=funding.campaign,
        amount_cents=funding.paid_cents,
        key=f"funding:{funding.public_id}",
        data={"funding": funding.public_id, "session": funding.checkout_session_id or ""},
    )
