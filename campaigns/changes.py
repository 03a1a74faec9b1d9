"""Apps above campaigns that must act when a campaign's budget or status changes register a
listener here (payouts expires Checkout sessions opened for an amount no longer owed); campaigns
cannot import them (DESIGN: layers).

Every path that writes ``budget_cents`` or ``status`` calls ``campaign_terms_changed`` inside its
transaction: the services, the admin, and any bulk ``QuerySet.update()`` — which fires no
signal, so the call is explicit, not hung on ``post_save``. A listener records its follow-up
work in that transaction (an outbox row), so it runs after commit and is never lost; payouts
also sweeps periodically for a path that forgot (a shell, raw SQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

TermsListener = Callable[[list[int]], None]  # called with the changed campaigns' ids
_LISTENERS: list[TermsListener] = []

# The fields whose change the listeners must hear of.
TERMS_FIELDS = frozenset({"budget_cents", "status"})


def on_campaign_terms_changed(listener: TermsListener) -> TermsListener:
    """Register ``listener(campaign_ids)``, called inside the transaction of each change. It
    must not call out of the database (record the work, e.g. in the outbox)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def campaign_terms_changed(*, campaign_ids: Iterable[int]) -> None:
    """The budget or status of these campaigns changed in the current transaction."""
    ids = sorted(set(campaign_ids))
    if not ids:
        return
    for listener in _LISTENERS:
        listener(ids)
