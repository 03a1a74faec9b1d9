"""A creator whose platform token was refused: told once, and figures resume on reconnect.

Metric pulls (``analytics.pulls``) mark a post ``reconnect`` when the creator's token is
refused even after a refresh. Two things follow, both here:

- ``reconnect_notify`` (called by the pull, inside its writing transaction): the account's
  creator gets one notification (in-app, and e-mail through the outbox). The dedupe key is
  the account itself: ``SocialAccount.reconnect_notified_at`` is set by a conditional UPDATE,
  so however many posts, batches or concurrent pulls fail, one of them wins and notifies; it
  is cleared when the creator connects the account again (``social_account_verify_oauth``).
- ``reconnect_resume`` (a ``creators.connections`` listener, inside the connection's
  transaction): the account's posts waiting in ``reconnect`` are due at once, so figures
  resume without waiting out the back-off, and the notice goes (they are no longer
  ``reconnect``; a token still refused puts them back and notifies again).

Creators is below analytics (import-linter layers), hence the listener, not a call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone

from analytics.models import PostMetrics
from creators.models import SocialAccount
from notifications.registry import Audience, NotificationKind, Rendered, register
from notifications.services import notification_send
from platforms.types import Platform

KIND = "account_reconnect"


def _render(c: Mapping[str, Any]) -> Rendered:
    handle = f" (@{c['handle']})" if c.get("handle") else ""
    return Rendered(
        f"Reconnect your {c['platform_label']} account{handle}",
        f"{c['platform_label']} refused the access you gave Chorus, so the views and likes of "
        "your approved posts are paused. Connect the account again and they resume at once.",
        reverse("creators:home"),
    )


def register_kind() -> None:
    # Personal: the account is the creator's own, across every organization they work with.
    register(
        NotificationKind(
            KIND, "Account must be reconnected", Audience.CREATORS, _render, personal=True
        )
    )


def account_for(creator_id: int, platform: str) -> SocialAccount | None:
    """The account whose token reads the creator's posts on ``platform`` (as pulls choose)."""
    from analytics.pulls import creator_account  # pulls calls this module: no import cycle

    return creator_account(creator_id, platform)


def reconnect_notify(*, creator_platforms: Iterable[tuple[int, str]]) -> int:
    """Tell each creator whose ``(creator_id, platform)`` posts were just marked ``reconnect``,
    once per account until it is connected again. Runs inside the caller's transaction.
    Returns how many notifications were sent."""
    sent = 0
    now = timezone.now()
    for creator_id, platform in sorted(set(creator_platforms)):
        account = account_for(creator_id, platform)
        if account is None:  # removed since: the notice on the portal still shows the posts
            continue
        # The dedupe: of all the pulls that find this account refused, one sets the mark.
        claimed = SocialAccount.objects.filter(
            pk=account.pk, reconnect_notified_at__isnull=True
        ).update(reconnect_notified_at=now)
        if not claimed:
            continue
        notification_send(
            kind=KIND,
            recipients=[account.creator.user],
            organization=None,
            context={
                "platform": account.platform,
                "platform_label": Platform(account.platform).label,
                "handle": account.handle,
                "account_id": account.public_id,
            },
        )
        sent += 1
    return sent


def reconnect_resume(account: SocialAccount) -> int:
    """The creator connected ``account`` again: its posts waiting in ``reconnect`` are due now
    (back-off restarted, any claim on them void). Returns how many posts were made due."""
    now = timezone.now()
    return int(
        PostMetrics.objects.filter(
            status=PostMetrics.Status.RECONNECT,
            platform=account.platform,
            live_post__creator_id=account.creator_id,
        ).update(
            status=PostMetrics.Status.RETRYING,
            status_reason="The creator connected the account again.",
            next_pull_at=now,
            consecutive_failures=0,
            updated_at=now,
            # A pull in flight asked with the old token: its claim is void, so it writes
            # nothing (pulls write only rows they still hold) and cannot put the rows back in
            # ``reconnect`` with a back-off, or notify about the token just replaced.
            leased_until=None,
            lease_token=None,
        )
    )
