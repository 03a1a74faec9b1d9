"""Back-off for payouts Stripe refused or did not answer, so a failing creator is not hammered
every run forever.

A refused payout (``balance_insufficient``, a rate limit, …) gives its money back to payable;
its group — one brand, one creator, one currency — gets a ``PayoutRetry`` row: the failures in
a row, the reason (shown to the brand and the creator), and ``next_attempt_at`` growing
``PAYOUT_RETRY_BASE * 2^(failures - 1)`` up to ``PAYOUT_RETRY_MAX``. Runs skip the group until
then. When the account cannot receive transfers, the group waits (``next_attempt_at`` None)
until ``account.updated`` says it can (``retry_release_account``), with the capped delay as a
fallback in case that event never comes. A transfer made for the group deletes the row.

A pending payout whose answer was lost (network error, 5xx) keeps its row and its key; it is
asked again from ``Payout.next_attempt_at``, with the same growing delay by its attempts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from payouts.models import Payout, PayoutRetry

DEFAULT_RETRY_BASE = timedelta(minutes=30)
DEFAULT_RETRY_MAX = timedelta(hours=24)

# Refusals that only the creator's Stripe account can fix: wait for account.updated.
ACCOUNT_CODES = frozenset(
    {
        "account_missing",
        "insufficient_capabilities_for_transfer",
        "account_invalid",
        "PermissionError",
    }
)

GroupKey = tuple[int, int, str]  # (brand id, creator id, currency)


def _setting(name: str, default: timedelta) -> timedelta:
    value = getattr(settings, name, default)
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure in a row: base, 2 base, 4 base, … capped."""
    base, cap = (
        _setting("PAYOUT_RETRY_BASE", DEFAULT_RETRY_BASE),
        _setting("PAYOUT_RETRY_MAX", DEFAULT_RETRY_MAX),
    )
    exponent = min(max(attempts, 1) - 1, 20)
    return min(base * (2**exponent), cap)


def retry_record(*, payout: Payout, code: str, reason: str) -> PayoutRetry:
    """A refused payout: one more failure for its group, and when to try again. Call inside
    the transaction that records the failure."""
    now = timezone.now()
    retry, _ = PayoutRetry.objects.select_for_update().get_or_create(
        organization_id=payout.organization_id,  # the unique key, tenant first
        brand_id=payout.brand_id,
        creator_id=payout.creator_id,
        currency=payout.currency,
    )
    retry.attempts += 1
    retry.failure_code = code[:100]
    retry.failure_reason = reason[:500]
    retry.last_payout = payout
    retry.next_attempt_at = None if code in ACCOUNT_CODES else now + retry_delay(retry.attempts)
    retry.save(
        update_fields=[
            "attempts",
            "failure_code",
            "failure_reason",
            "last_payout",
            "next_attempt_at",
            "updated_at",
        ]
    )
    return retry


def retry_clear(*, payout: Payout) -> None:
    """A transfer was made for the group: no more back-off."""
    PayoutRetry.objects.filter(
        organization_id=payout.organization_id,
        brand_id=payout.brand_id,
        creator_id=payout.creator_id,
        currency=payout.currency,
    ).delete()


def retry_release_account(*, creator_id: int) -> int:
    """The creator's account can receive transfers now (account.updated): waiting groups go
    in the next run. Returns how many were released."""
    return int(
        PayoutRetry.objects.filter(creator_id=creator_id, next_attempt_at__isnull=True).update(
            next_attempt_at=timezone.now()
        )
    )


def held_groups(
    *, organization_id: int | None, brand_id: int | None, now: datetime | None = None
) -> set[GroupKey]:
    """Groups a run must leave alone now: backing off, or waiting for their account (after the
    capped delay since the last failure a waiting group is tried again anyway)."""
    now = now or timezone.now()
    fallback = now - _setting("PAYOUT_RETRY_MAX", DEFAULT_RETRY_MAX)
    qs = PayoutRetry.objects.filter(
        Q(next_attempt_at__gt=now) | Q(next_attempt_at__isnull=True, updated_at__gt=fallback)
    )
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if brand_id is not None:
        qs = qs.filter(brand_id=brand_id)
    return {(b, c, cur) for b, c, cur in qs.values_list("brand_id", "creator_id", "currency")}


def pending_due() -> Q:
    """Pending payouts a run may send now (never tried, or their delay is over)."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())


def pending_backoff(payout: Payout) -> datetime:
    """When to ask Stripe again about a pending payout whose answer was lost."""
    return timezone.now() + retry_delay(payout.attempts)
