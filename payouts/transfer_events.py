"""Transfer webhooks (``transfer.created``, ``transfer.updated``, ``transfer.reversed``), handed
to whoever keeps transfers: the payout runs register their reactions here.

Contract for a hook registered with ``on_transfer_event(event_type)``: it is called with a
:class:`TransferNotice` once per event (the event is stored once and processed once), inside the
transaction that marks the event processed; it must be idempotent on the transfer id and the
reversed amount (a later event may carry the same state), must not call out of the database,
and raises to have the event retried. ``transfer.reversed`` is where money goes back to the
creator's payable (the ledger's reversing transaction, key ``reverse:<transfer id>:<amount>``).
Our own Payout row is found from ``metadata["chorus_payout"]`` (set when the transfer is made)
or from the transfer id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from payouts.events import handles
from payouts.models import StripeEvent

TRANSFER_EVENT_TYPES = ("transfer.created", "transfer.updated", "transfer.reversed")


@dataclass(frozen=True)
class TransferNotice:
    event_id: str
    event_type: str
    transfer_id: str
    amount_cents: int
    amount_reversed_cents: int
    currency: str  # upper case, as in our rows
    destination: str
    transfer_group: str
    metadata: dict[str, str]
    reversed: bool

    @classmethod
    def from_event(cls, event: StripeEvent) -> TransferNotice:
        obj: dict[str, Any] = event.data_object
        return cls(
            event_id=event.event_id,
            event_type=event.type,
            transfer_id=str(obj.get("id") or ""),
            amount_cents=int(obj.get("amount") or 0),
            amount_reversed_cents=int(obj.get("amount_reversed") or 0),
            currency=str(obj.get("currency") or "").upper(),
            destination=str(obj.get("destination") or ""),
            transfer_group=str(obj.get("transfer_group") or ""),
            metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
            reversed=bool(obj.get("reversed")),
        )


TransferHook = Callable[[TransferNotice], None]
_HOOKS: dict[str, list[TransferHook]] = {event_type: [] for event_type in TRANSFER_EVENT_TYPES}


def on_transfer_event(*event_types: str) -> Callable[[TransferHook], TransferHook]:
    def register(hook: TransferHook) -> TransferHook:
        for event_type in event_types:
            hooks = _HOOKS[event_type]  # KeyError: not a transfer event we receive
            if hook not in hooks:
                hooks.append(hook)
        return hook

    return register


@handles(*TRANSFER_EVENT_TYPES)
def transfer_event(event: StripeEvent) -> None:
    notice = TransferNotice.from_event(event)
    for hook in _HOOKS[event.type]:
        hook(notice)
