"""Payout runs: each creator's payable money, per brand and currency, sent as one Stripe Transfer.

Exactly once, in two steps:

1. *Claim* (one transaction per creator): the creator's payable accounts are locked, re-read,
   and — when they sum to at least ``PAYOUT_MINIMUM_CENTS`` — a ``Payout`` row is written and the
   ledger moves the money payable → in_transit (``payout:<public id>:<campaign id>``). A second
   run waiting on the same locks then finds nothing payable.
2. *Send* (one transaction per payout): the ``pending`` row is locked (``SKIP LOCKED``: another
   worker sending it is left alone), Stripe's Transfer is created with the idempotency key
   ``payout-<public id>``, and its answer is recorded. A crash after Stripe answered and before
   our commit leaves the row pending; the next run sends it again under the same key and Stripe
   answers with the transfer it already made.

Answers: a transfer → ``in_transit`` (the money is on the creator's Stripe account, not yet in
their bank); the connected account's ``payout.paid`` settles in_transit → paid
(``payout_settle_for_account``). A refusal that made no transfer (``balance_insufficient``, the
account cannot receive transfers, a 429 rate limit) → ``failed`` with the reason, the money back
to payable, and a later run makes a new payout — after a growing delay, or once the account can
receive transfers (``payouts.retries``). An answer we never got (network error, Stripe 5xx) may
hide a transfer: the row stays ``pending`` and a later run asks again with the same key, never a
new one; when that key is old enough for Stripe to have forgotten it, Stripe is asked for the
transfer first (``payouts.transfer_lookup``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from campaigns.models import Campaign
from ledger.models import AccountKind, LedgerAccount
from ledger.services import payout_post, payout_reverse, payout_settle
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.roles import Scope
from payouts import retries
from payouts.models import ConnectedAccount, Payout, PayoutRun
from payouts.stripe_api import as_dict, stripe_client
from payouts.transfer_lookup import key_may_be_forgotten, transfer_find

logger = logging.getLogger(__name__)

DEFAULT_MINIMUM_CENTS = 100
DEFAULT_RUN_EVERY = timedelta(hours=1)


def payout_minimum_cents() -> int:
    return int(getattr(settings, "PAYOUT_MINIMUM_CENTS", DEFAULT_MINIMUM_CENTS))


def payout_run_every() -> timedelta:
    value = getattr(settings, "PAYOUT_RUN_EVERY", DEFAULT_RUN_EVERY)
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


@dataclass(frozen=True)
class _Group:
    organization_id: int
    brand_id: int
    creator_id: int
    currency: str


# -- the run ------------------------------------------------------------------------------------


def payout_run_start(*, access: OrgAccess) -> PayoutRun:
    """A brand admin's run over their organization (a brand-limited admin's covers their brand),
    recorded and queued through the outbox; the run's counts fill in as it finishes."""
    access.require(Scope.PAYOUTS_WRITE)
    user = access.user if access.user is not None and access.user.is_authenticated else None
    with transaction.atomic(durable=True):
        run = PayoutRun.objects.create(
            organization=access.organization,
            brand_id=access.brand_id,
            trigger=PayoutRun.Trigger.MANUAL,
            triggered_by=user,
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="payout_run.started",
            target=run,
            data={"run": run.public_id},
        )
        _queue(run)
    return run


def payout_run_schedule() -> PayoutRun:
    """The scheduled run over every organization, queued through the outbox."""
    with transaction.atomic(durable=True):
        run = PayoutRun.objects.create(trigger=PayoutRun.Trigger.SCHEDULED)
        _queue(run)
    return run


def _queue(run: PayoutRun) -> None:
    from core.outbox import outbox_enqueue
    from payouts.tasks import execute_payout_run  # the task module imports this one

    outbox_enqueue(execute_payout_run, args=[run.pk], dedupe_key=f"payout-run:{run.pk}")


def payout_run_execute_by_id(*, run_id: int) -> PayoutRun | None:
    run = PayoutRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:  # finished already (a message delivered twice)
        return None
    return payout_run_execute(run=run, brand_id=run.brand_id)


def payout_run_execute(*, run: PayoutRun, brand_id: int | None = None) -> PayoutRun:
    """Claim every payable group, then send every pending payout in scope (this run's and any a
    crash or lost answer left behind)."""
    groups, skipped = _payable_groups(run.organization_id, brand_id)
    created = 0
    for group in groups:
        if payout_claim(group=group, run=run) is not None:
            created += 1
    pending = Payout.objects.filter(retries.pending_due(), state=Payout.State.PENDING)
    if run.organization_id is not None:
        pending = pending.filter(organization_id=run.organization_id)
    if brand_id is not None:
        pending = pending.filter(brand_id=brand_id)
    outcome: dict[str, int] = defaultdict(int)
    for payout_id in pending.order_by("id").values_list("id", flat=True):
        state = payout_send(payout_id=payout_id)
        if state is not None:
            outcome[state] += 1
    PayoutRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        payouts_created=created,
        payouts_paid=outcome[Payout.State.IN_TRANSIT] + outcome[Payout.State.PAID],
        payouts_failed=outcome[Payout.State.FAILED],
        payouts_pending=outcome[Payout.State.PENDING],
        skipped_creators=skipped,
    )
    run.refresh_from_db()
    return run


def _payable_groups(organization_id: int | None, brand_id: int | None) -> tuple[list[_Group], int]:
    """(organization, brand, creator, currency) groups whose payable reaches the minimum and
    whose creator has a Stripe account; and how many creators wait for one."""
    qs = LedgerAccount.objects.filter(kind=AccountKind.PAYABLE, balance_cents__gt=0)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if brand_id is not None:
        qs = qs.filter(campaign__brand_id=brand_id)
    rows = (
        qs.values("organization_id", "campaign__brand_id", "creator_id", "currency")
        .annotate(total=Sum("balance_cents"))
        .filter(total__gte=payout_minimum_cents())
        .order_by("organization_id", "campaign__brand_id", "creator_id", "currency")
    )
    ready = set(
        ConnectedAccount.objects.filter(stripe_account_id__isnull=False).values_list(
            "creator_id", flat=True
        )
    )
    held = retries.held_groups(organization_id=organization_id, brand_id=brand_id)
    groups: list[_Group] = []
    waiting: set[int] = set()
    for row in rows:
        if row["creator_id"] not in ready:
            waiting.add(row["creator_id"])
            continue
        if (row["campaign__brand_id"], row["creator_id"], row["currency"]) in held:
            continue  # backing off after a refusal (payouts.retries)
        groups.append(
            _Group(
                row["organization_id"],
                row["campaign__brand_id"],
                row["creator_id"],
                row["currency"],
            )
        )
    return groups, len(waiting)


# -- step 1: claim ------------------------------------------------------------------------------


def payout_claim(*, group: Any, run: PayoutRun | None = None) -> Payout | None:
    """Write the group's Payout and move its payable to in_transit, under the accounts' locks;
    None when (another run having taken it) less than the minimum is payable now."""
    with transaction.atomic(durable=True):
        accounts = list(
            LedgerAccount.objects.select_for_update()
            .filter(
                organization_id=group.organization_id,
                campaign__brand_id=group.brand_id,
                creator_id=group.creator_id,
                currency=group.currency,
                kind=AccountKind.PAYABLE,
            )
            .order_by("campaign_id", "id")
        )
        accounts = [a for a in accounts if a.balance_cents > 0]
        total = sum(a.balance_cents for a in accounts)
        if not accounts or total < payout_minimum_cents():
            return None
        campaigns = {
            c.pk: c for c in Campaign.objects.filter(pk__in=[a.campaign_id for a in accounts])
        }
        payout = Payout.objects.create(
            organization_id=group.organization_id,
            brand_id=group.brand_id,
            creator_id=group.creator_id,
            run=run,
            currency=group.currency,
            amount_cents=total,
            parts=[
                {
                    "campaign_id": a.campaign_id,
                    "campaign": campaigns[a.campaign_id].public_id,
                    "amount_cents": a.balance_cents,
                }
                for a in accounts
            ],
        )
        for account in accounts:
            payout_post(
                campaign=campaigns[account.campaign_id],
                creator=group.creator_id,
                amount_cents=account.balance_cents,
                key=f"payout:{payout.public_id}:{account.campaign_id}",
                data={"payout": payout.public_id},
            )
    return payout


# -- step 2: send -------------------------------------------------------------------------------

# Refusals after which Stripe made no transfer: safe to give the money back and retry anew.
_REFUSED = (
    stripe.InvalidRequestError,
    stripe.CardError,
    stripe.PermissionError,
    stripe.RateLimitError,
)


def _transfer_params(payout: Payout, destination: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "amount": payout.amount_cents,
        "currency": payout.currency.lower(),
        "destination": destination,
        "description": f"Chorus payout {payout.public_id}",
        "metadata": {
            "chorus_payout": payout.public_id,
            "chorus_campaigns": ",".join(payout.campaign_public_ids)[:500],
        },
    }
    if len(payout.parts) == 1:
        params["transfer_group"] = payout.parts[0]["campaign"]
    return params


def _create_transfer(payout: Payout, destination: str) -> dict[str, Any]:
    transfer = stripe_client().v1.transfers.create(
        params=_transfer_params(payout, destination),  # type: ignore[arg-type]
        options={"idempotency_key": payout.idempotency_key},
    )
    return as_dict(transfer)


def payout_send(*, payout_id: int) -> str | None:
    """Send one pending payout; its state after, or None when another worker holds it or it is
    no longer pending. The row stays locked across the Stripe call, so two workers never send
    one payout at the same moment (and the idempotency key covers the rest)."""
    with transaction.atomic(durable=True):
        payout = (
            Payout.objects.select_for_update(skip_locked=True)
            .filter(pk=payout_id, state=Payout.State.PENDING)
            .first()
        )
        if payout is None:
            return None
        account = ConnectedAccount.objects.filter(creator_id=payout.creator_id).first()
        destination = account.stripe_account_id if account is not None else None
        if not destination:
            _fail(payout, "account_missing", "The creator has no Stripe account yet.")
            return payout.state
        payout.attempts += 1
        payout.destination = destination
        try:
            transfer = None
            if key_may_be_forgotten(payout):
                # Stripe may have pruned the key: a transfer it made must be found, not re-made.
                transfer = transfer_find(payout, destination)
            if transfer is None:
                if payout.first_attempt_at is None or key_may_be_forgotten(payout):
                    payout.first_attempt_at = timezone.now()  # the key's (new) life starts
                transfer = _create_transfer(payout, destination)
        except _REFUSED as exc:
            _fail(payout, _code(exc), str(exc.user_message or exc)[:500])
            return payout.state
        except stripe.StripeError as exc:
            # No answer, or a 5xx: a transfer may exist. Same key next time, never a new payout;
            # asked again after a growing delay.
            payout.failure_code = _code(exc)
            payout.failure_reason = f"Stripe's answer was lost; retrying: {exc}"[:500]
            payout.next_attempt_at = retries.pending_backoff(payout)
            payout.save(
                update_fields=[
                    "attempts",
                    "destination",
                    "failure_code",
                    "failure_reason",
                    "first_attempt_at",
                    "next_attempt_at",
                    "updated_at",
                ]
            )
            logger.warning("payout %s: no answer from Stripe (%s)", payout.public_id, exc)
            return payout.state
        payout_record_transfer(payout, transfer)
        return payout.state


def _code(exc: stripe.StripeError) -> str:
    if isinstance(exc, stripe.RateLimitError):
        return "rate_limit"
    if isinstance(exc, stripe.APIConnectionError):
        return "network_error"
    return str(exc.code or type(exc).__name__)[:100]


def payout_record_transfer(payout: Payout, transfer: dict[str, Any]) -> None:
    """Stripe made the transfer: the money is on the creator's Stripe account — in transit to
    their bank (the ledger keeps it in in_transit until the account's payout.paid)."""
    payout.stripe_transfer_id = str(transfer["id"])
    payout.state = Payout.State.IN_TRANSIT
    payout.transferred_at = timezone.now()
    created = transfer.get("created")
    payout.transfer_created_at = (
        datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int) else timezone.now()
    )
    payout.failure_code = ""
    payout.failure_reason = ""
    payout.next_attempt_at = None
    payout.save()
    retries.retry_clear(payout=payout)


def payout_settle_for_account(*, account_id: str, paid_out_at: datetime) -> int:
    """The connected account paid its balance out to the bank (``payout.paid``): every transfer
    to it made before that payout has arrived — in_transit → paid. Idempotent (settled payouts
    are no longer in transit; the ledger keys are per payout and campaign). Returns how many."""
    settled = 0
    payouts = (
        Payout.objects.select_for_update()
        .filter(
            state=Payout.State.IN_TRANSIT,
            destination=account_id,
            transfer_created_at__lte=paid_out_at,
        )
        .order_by("id")
    )
    for payout in payouts:
        campaigns = Campaign.objects.in_bulk([p["campaign_id"] for p in payout.parts])
        for part, reversed_part in zip(payout.parts, _reversed_by_part(payout), strict=True):
            amount = int(part["amount_cents"]) - reversed_part
            if amount > 0:
                payout_settle(
                    campaign=campaigns[part["campaign_id"]],
                    creator=payout.creator_id,
                    amount_cents=amount,
                    key=f"settle:{payout.public_id}:{part['campaign_id']}",
                    data={"payout": payout.public_id, "transfer": payout.stripe_transfer_id},
                )
        payout.state = Payout.State.PAID
        payout.paid_at = timezone.now()
        payout.save(update_fields=["state", "paid_at", "updated_at"])
        settled += 1
    return settled


def _reversed_by_part(payout: Payout) -> list[int]:
    """How much of each part the reversals so far took (the parts in order)."""
    left = payout.reversed_cents
    out = []
    for part in payout.parts:
        taken = min(left, int(part["amount_cents"]))
        out.append(taken)
        left -= taken
    return out


def _fail(payout: Payout, code: str, reason: str) -> None:
    """Stripe made no transfer: the money goes back to payable for the next run."""
    payout.state = Payout.State.FAILED
    payout.failure_code = code
    payout.failure_reason = reason
    payout.next_attempt_at = None
    payout.save()
    campaigns = Campaign.objects.in_bulk([p["campaign_id"] for p in payout.parts])
    for part in payout.parts:
        payout_reverse(
            campaign=campaigns[part["campaign_id"]],
            creator=payout.creator_id,
            amount_cents=int(part["amount_cents"]),
            key=f"reverse:{payout.public_id}:{part['campaign_id']}",
            source=AccountKind.IN_TRANSIT,
            data={"payout": payout.public_id, "failure": code},
        )
    retries.retry_record(payout=payout, code=code, reason=reason)


# -- transfer.reversed --------------------------------------------------------------------------


def payout_transfer_reversed(
    *, transfer_id: str, payout_public_id: str, reversed_cents: int
) -> bool:
    """Stripe reversed (part of) a paid transfer: what was newly reversed goes back to payable,
    campaign by campaign in order. Idempotent on the total reversed (events may repeat)."""
    qs = Payout.objects.select_for_update()
    payout = (
        qs.filter(stripe_transfer_id=transfer_id).first()
        or qs.filter(public_id=payout_public_id).first()
    )
    if payout is None or payout.state not in (
        Payout.State.IN_TRANSIT,
        Payout.State.PAID,
        Payout.State.REVERSED,
    ):
        return False
    # Reversed before it settled: from in_transit; after: from paid.
    source = AccountKind.IN_TRANSIT if payout.paid_at is None else AccountKind.PAID
    target = min(reversed_cents, payout.amount_cents)
    if target <= payout.reversed_cents:
        return False
    campaigns = Campaign.objects.in_bulk([p["campaign_id"] for p in payout.parts])
    done = 0  # money of earlier reversals, taken from the parts in order
    for part in payout.parts:
        amount = int(part["amount_cents"])
        before = min(max(payout.reversed_cents - done, 0), amount)
        after = min(max(target - done, 0), amount)
        done += amount
        if after > before:
            payout_reverse(
                campaign=campaigns[part["campaign_id"]],
                creator=payout.creator_id,
                amount_cents=after - before,
                key=f"reverse:{transfer_id}:{part['campaign_id']}:{after}",
                source=source,
                data={"payout": payout.public_id, "transfer": transfer_id},
            )
    payout.reversed_cents = target
    if target >= payout.amount_cents:
        payout.state = Payout.State.REVERSED
    payout.save()
    return True


__all__ = [
    "payout_claim",
    "payout_record_transfer",
    "payout_run_execute",
    "payout_run_schedule",
    "payout_run_start",
    "payout_send",
    "payout_settle_for_account",
    "payout_transfer_reversed",
]
