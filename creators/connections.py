"""Apps above creators that must act when a creator connects an account (again) register a
listener here: analytics makes the account's posts whose token was refused due for a pull at
once. creators cannot import them (DESIGN: layers).

``social_account_verify_oauth`` calls ``account_connected`` inside its transaction, after the
account row is saved; a listener writes in that transaction (so its work commits with the
connection, or not at all) and must not call out of the database.
"""

from __future__ import annotations

from collections.abc import Callable

from creators.models import SocialAccount

ConnectListener = Callable[[SocialAccount], object]  # the result is ignored
_LISTENERS: list[ConnectListener] = []


def on_account_connected(listener: ConnectListener) -> ConnectListener:
    """Register ``listener(account)``, called inside the transaction of each connection."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def account_connected(*, account: SocialAccount) -> None:
    """``account`` was just connected by OAuth (a fresh token saved) in this transaction."""
    for listener in _LISTENERS:
        listener(account)
