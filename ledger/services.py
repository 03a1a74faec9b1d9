"""Every movement of money, posted to the double-entry ledger (issue 10).

All of these run inside the caller's ``transaction.atomic()`` (they raise ``RuntimeError``
otherwise), so a movement commits or rolls back with the business change that causes it: the
acceptance that commits fees, the approval that earns them, the payout row that sends them.
Each is idempotent on its key: calling again with the same key returns the transaction posted
the first time (``txn.created_now`` is False); the same key with other amounts raises
``ledger_key_conflict``. Amounts are positive integers in the campaign's currency.

Locking: an account's row is locked (in id order) before its balance is read and written;
services that touch the budget lock the campaign row first. Callers that post for several
campaigns in one transaction go in campaign id order.

Commitments (recruitment)
    ``commitment_reserve(campaign, creator, participation_id, amount_cents)`` budget → committed,
    key ``commit:participation:<id>``. Refuses ``budget_exceeded`` when the spend promised
    (-balance of the budget account) would pass ``campaign.budget_cents``, and keeps
    ``Campaign.committed_cents`` (a cache of that spend) in step through
    ``campaigns.services.campaign_budget_reserve`` (which also refuses closed campaigns).
    ``commitment_release(campaign, creator, participation_id)`` committed → budget, key
    ``release:participation:<id>``: gives back what is still committed (fees of posts already
    approved stay earned).

Earning (submissions, payouts)
    ``accrual_post(campaign, creator, slot_id, amount_cents)`` committed → payable, key
    ``accrue:slot:<id>``: an approved live post earns its slot's fee, once (the unique key).
    ``bonus_accrue(campaign, creator, key, amount_cents, kind=BONUS|COMMISSION)`` budget →
    payable, new spend: never past the budget. What does not fit is recorded on the
    transaction as ``capped_cents`` with ``data["capped_reason"]`` (a transaction without
    entries when nothing fits), so the same key never accrues later. Keys:
    ``bonus_key(post id, snapshot id)``, ``commission_key(conversion id)``.
    ``accrued_for_prefix(campaign, key_prefix)`` sums what those keys accrued (a per-post cap).
    ``commission_refund(campaign, creator, original_key, key=refund_key(original_key))``
    payable → budget: reverses a
    commission (or bonus) as far as it is still payable; the rest is ``data["unrecovered_cents"]``.

Paying (payouts)
    ``payout_post(campaign, creator, amount_cents, key)`` payable → in_transit
    (``payout_key(payout id, campaign id)``).
    ``payout_settle(campaign, creator, amount_cents, key)`` in_transit → paid (``settle_key``).
    ``payout_reverse(campaign, creator, amount_cents, key, source=IN_TRANSIT|PAID)`` → payable
    (``reverse_key(transfer id, campaign id)``): a failed transfer, or one Stripe reversed.
    A payout that spans campaigns posts one transaction per campaign (key suffixed with the
    campaign id); ``ledger.selectors.creator_payable`` lists the parts.

Funding (payouts)
    ``funding_receive(campaign, amount_cents, key)`` funding → funded
    (``funding_key(checkout session id)``: a replayed webhook counts once).
    ``funding_refund(campaign, amount_cents, key)`` funded → funding.

Keys are built by the ``*_key`` helpers below, so every caller spells them the same way.
The general ``ledger_post(organization, campaign, kind, key, lines, data)`` underlies them all.
Figures are in ``ledger.selectors``: ``balance(account)``; ``campaign_figures(campaign)`` (and
``campaigns_figures`` for many) → budget, funded, promised (= Campaign.committed_cents),
committed (fees not yet earned), payable, in_transit, paid, accrued, capped, remaining;
``creator_figures(creator)`` → per campaign: pending, payable, in_transit, paid;
``creator_payable(creator, currency)`` → the payable parts a payout run sums;
``ledger_check_campaign(campaign)`` → recomputes from the entries and compares with the cache.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from campaigns.models import Campaign
from campaigns.services import campaign_budget_release, campaign_budget_reserve
from core.errors import ChorusError
from core.money import MAX_AMOUNT_CENTS, format_money
from creators.models import CreatorProfile
from ledger.models import (
    COUNTER_KINDS,
    CREATOR_KINDS,
    AccountKind,
    Entry,
    LedgerAccount,
    Transaction,
    TransactionKind,
)
from organizations.models import Organization

Line = tuple[LedgerAccount, int]

CAPPED_BY_BUDGET = "budget"


# -- keys: the exactly-once identity of each movement ------------------------------------------


def bonus_key(post_id: int, snapshot_id: int) -> str:
    return f"bonus:post:{post_id}:{snapshot_id}"


def commission_key(conversion_id: int) -> str:
    return f"commission:conversion:{conversion_id}"


def refund_key(original_key: str) -> str:
    return f"refund:{original_key}"


def payout_key(payout_id: int, campaign_id: int) -> str:
    """One payout (one Stripe transfer) may span campaigns: one ledger movement per campaign."""
    return f"payout:{payout_id}:{campaign_id}"


def settle_key(payout_id: int, campaign_id: int) -> str:
    return f"settle:{payout_id}:{campaign_id}"


def reverse_key(transfer_id: str, campaign_id: int) -> str:
    return f"reverse:{transfer_id}:{campaign_id}"


def funding_key(checkout_session_id: str) -> str:
    return f"funding:{checkout_session_id}"


def _require_atomic(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name}() must run inside the caller's transaction.atomic() block.")


def _check_amount(amount_cents: Any) -> int:
    if (
        isinstance(amount_cents, bool)
        or not isinstance(amount_cents, int)
        or not 0 < amount_cents <= MAX_AMOUNT_CENTS
    ):
        raise ChorusError("invalid_amount", "The amount must be a whole number above zero.")
    return amount_cents


def _creator_id(creator: CreatorProfile | int) -> int:
    return creator if isinstance(creator, int) else creator.pk


# -- accounts and the general post ------------------------------------------------------------


def account_for(
    *, campaign: Campaign, kind: AccountKind, creator: CreatorProfile | int | None = None
) -> LedgerAccount:
    """The campaign's account of ``kind`` in its currency (a creator's, for creator kinds),
    made on first use."""
    creator_id = None if creator is None else _creator_id(creator)
    if (kind in CREATOR_KINDS) != (creator_id is not None):
        raise ValueError(f"A {kind} account {'needs' if creator_id is None else 'has no'} creator.")
    account, _ = LedgerAccount.objects.get_or_create(
        organization_id=campaign.organization_id,
        campaign_id=campaign.pk,
        creator_id=creator_id,
        kind=kind,
        currency=campaign.currency,
    )
    return account


def _same_lines(txn: Transaction, lines: Sequence[Line]) -> bool:
    posted = sorted(txn.entries.values_list("account_id", "amount_cents"))
    return posted == sorted((account.pk, amount) for account, amount in lines)


def _existing(organization_id: int, key: str, kind: str, lines: Sequence[Line]) -> Transaction:
    txn = Transaction.objects.get(organization_id=organization_id, key=key)
    if txn.kind != kind or not _same_lines(txn, lines):
        raise ChorusError(
            "ledger_key_conflict",
            f"The ledger already holds a different movement under {key!r}.",
            status_code=409,
        )
    txn.created_now = False
    return txn


def ledger_post(
    *,
    organization: Organization | int,
    campaign: Campaign,
    kind: TransactionKind,
    key: str,
    lines: Sequence[Line],
    data: dict[str, Any] | None = None,
    capped_cents: int = 0,
) -> Transaction:
    """Post one balanced transaction, or return the one already posted under ``key``.

    ``lines`` are (account, signed amount); they must sum to zero per currency and belong to
    ``campaign``. Refuses ``insufficient_balance`` when an account would take the wrong sign
    (a creator's payable below zero, the budget above it, …)."""
    _require_atomic("ledger_post")
    org_id = organization if isinstance(organization, int) else organization.pk
    if not key or len(key) > 200:
        raise ValueError("A ledger key is 1 to 200 characters.")
    totals: dict[str, int] = defaultdict(int)
    for account, amount in lines:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
            raise ValueError(f"Ledger amounts are non-zero integers, not {amount!r}.")
        if account.organization_id != org_id or account.campaign_id != campaign.pk:
            raise ValueError("Every account of a transaction belongs to its campaign.")
        totals[account.currency] += amount
    if any(totals.values()):
        raise ValueError(f"A ledger transaction must balance per currency: {dict(totals)}.")
    if Transaction.objects.filter(organization_id=org_id, key=key).exists():
        return _existing(org_id, key, kind, lines)

    # Lock the accounts (id order: no deadlocks between posts), then re-check the key: a
    # concurrent post of the same key waited on these locks and now sees it committed.
    deltas: dict[int, int] = defaultdict(int)
    for account, amount in lines:
        deltas[account.pk] += amount
    locked = {
        a.pk: a
        for a in LedgerAccount.objects.select_for_update().filter(pk__in=deltas).order_by("pk")
    }
    if Transaction.objects.filter(organization_id=org_id, key=key).exists():
        return _existing(org_id, key, kind, lines)
    for pk, delta in deltas.items():
        account = locked[pk]
        after = account.balance_cents + delta
        if (after > 0) if account.kind in COUNTER_KINDS else (after < 0):
            raise ChorusError(
                "insufficient_balance",
                f"Not enough {account.get_kind_display().lower()}: "
                f"{format_money(account.balance_cents, account.currency)} "
                f"cannot move {format_money(abs(delta), account.currency)}.",
                status_code=409,
            )
    try:
        with transaction.atomic():  # a savepoint: a same-key race without accounts lands here
            txn = Transaction.objects.create(
                organization_id=org_id,
                campaign=campaign,
                kind=kind,
                key=key,
                data=data or {},
                capped_cents=capped_cents,
            )
    except IntegrityError:
        return _existing(org_id, key, kind, lines)
    Entry.objects.bulk_create(
        Entry(
            organization_id=org_id,
            transaction=txn,
            account=account,
            amount_cents=amount,
            currency=account.currency,
        )
        for account, amount in lines
    )
    for pk, delta in deltas.items():
        if delta:
            LedgerAccount.objects.filter(pk=pk).update(balance_cents=F("balance_cents") + delta)
            locked[pk].balance_cents += delta
    txn.created_now = True
    return txn


# -- commitments --------------------------------------------------------------------------------


def _lock_campaign(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _posted(campaign: Campaign, key: str) -> Transaction | None:
    txn = Transaction.objects.filter(organization_id=campaign.organization_id, key=key).first()
    if txn is not None:
        txn.created_now = False
    return txn


def _promised(budget: LedgerAccount) -> int:
    return -budget.balance_cents


def commitment_reserve(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    participation_id: int,
    amount_cents: int,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """Commit ``amount_cents`` of the budget to a creator who joined (``budget_exceeded`` when
    it does not fit). Locks the campaign row until the caller's transaction ends."""
    _require_atomic("commitment_reserve")
    _check_amount(amount_cents)
    key = f"commit:participation:{participation_id}"
    locked = _lock_campaign(campaign)
    budget = account_for(campaign=locked, kind=AccountKind.BUDGET)
    committed = account_for(campaign=locked, kind=AccountKind.COMMITTED, creator=creator)
    lines: list[Line] = [(budget, -amount_cents), (committed, amount_cents)]
    if _posted(locked, key) is not None:
        return _existing(locked.organization_id, key, TransactionKind.COMMIT, lines)
    budget.refresh_from_db(fields=["balance_cents"])
    if _promised(budget) + amount_cents > locked.budget_cents:
        left = locked.budget_cents - _promised(budget)
        raise ChorusError(
            "budget_exceeded",
            f"Not enough budget left: {format_money(max(left, 0), locked.currency)} "
            f"remain and {format_money(amount_cents, locked.currency)} are needed.",
            status_code=409,
        )
    # The cached figure (and its closed-campaign and within-budget checks) moves with it.
    campaign_budget_reserve(campaign_id=locked.pk, amount_cents=amount_cents)
    return ledger_post(
        organization=locked.organization_id,
        campaign=locked,
        kind=TransactionKind.COMMIT,
        key=key,
        lines=lines,
        data={"participation_id": participation_id, **(data or {})},
    )


def commitment_release(
    *, campaign: Campaign, creator: CreatorProfile | int, participation_id: int
) -> Transaction | None:
    """Give back what is still committed to a creator who left (None: nothing was)."""
    _require_atomic("commitment_release")
    key = f"release:participation:{participation_id}"
    locked = _lock_campaign(campaign)
    if (existing := _posted(locked, key)) is not None:
        return existing
    committed = account_for(campaign=locked, kind=AccountKind.COMMITTED, creator=creator)
    committed = LedgerAccount.objects.select_for_update().get(pk=committed.pk)
    amount = committed.balance_cents
    if amount <= 0:
        return None
    budget = account_for(campaign=locked, kind=AccountKind.BUDGET)
    campaign_budget_release(campaign_id=locked.pk, amount_cents=amount)
    return ledger_post(
        organization=locked.organization_id,
        campaign=locked,
        kind=TransactionKind.RELEASE,
        key=key,
        lines=[(committed, -amount), (budget, amount)],
        data={"participation_id": participation_id},
    )


# -- earning ------------------------------------------------------------------------------------


def accrual_post(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    slot_id: int,
    amount_cents: int,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """An approved live post earns its slot's fee: committed → payable, exactly once per slot
    (the key's unique constraint). ``fee_not_committed`` when the fee is not (or no longer:
    the participation was cancelled) committed to the creator."""
    _require_atomic("accrual_post")
    _check_amount(amount_cents)
    committed = account_for(campaign=campaign, kind=AccountKind.COMMITTED, creator=creator)
    payable = account_for(campaign=campaign, kind=AccountKind.PAYABLE, creator=creator)
    key = f"accrue:slot:{slot_id}"
    if _posted(campaign, key) is None:
        committed = LedgerAccount.objects.select_for_update().get(pk=committed.pk)
        if committed.balance_cents < amount_cents:
            raise ChorusError(
                "fee_not_committed",
                f"This post's fee of {format_money(amount_cents, campaign.currency)} is not "
                "committed to the creator any more (the participation was cancelled), so it "
                "cannot be earned.",
                status_code=409,
            )
    return ledger_post(
        organization=campaign.organization_id,
        campaign=campaign,
        kind=TransactionKind.ACCRUE,
        key=key,
        lines=[(committed, -amount_cents), (payable, amount_cents)],
        data={"slot_id": slot_id, **(data or {})},
    )


def _cache_committed(campaign: Campaign, delta: int) -> None:
    """Keep Campaign.committed_cents (the spend promised) in step; the caller holds the lock."""
    campaign.committed_cents += delta
    campaign.save(update_fields=["committed_cents", "updated_at"])


def bonus_accrue(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    key: str,
    amount_cents: int,
    kind: TransactionKind = TransactionKind.BONUS,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """A view bonus or a commission: new spend, budget → payable, up to what the budget has
    left. The part that does not fit is ``capped_cents`` (reason in ``data``)."""
    _require_atomic("bonus_accrue")
    if kind not in (TransactionKind.BONUS, TransactionKind.COMMISSION):
        raise ValueError("bonus_accrue posts bonuses and commissions only.")
    _check_amount(amount_cents)
    locked = _lock_campaign(campaign)
    if (existing := _posted(locked, key)) is not None:
        return existing
    budget = account_for(campaign=locked, kind=AccountKind.BUDGET)
    payable = account_for(campaign=locked, kind=AccountKind.PAYABLE, creator=creator)
    budget = LedgerAccount.objects.select_for_update().get(pk=budget.pk)
    left = max(locked.budget_cents - _promised(budget), 0)
    granted = min(amount_cents, left)
    capped = amount_cents - granted
    info = {"requested_cents": amount_cents, **(data or {})}
    if capped:
        info["capped_reason"] = CAPPED_BY_BUDGET
        info["capped_message"] = (
            f"The budget of {format_money(locked.budget_cents, locked.currency)} is spent: "
            f"{format_money(capped, locked.currency)} of "
            f"{format_money(amount_cents, locked.currency)} was not accrued."
        )
    if granted:
        _cache_committed(locked, granted)
    return ledger_post(
        organization=locked.organization_id,
        campaign=locked,
        kind=kind,
        key=key,
        lines=[(budget, -granted), (payable, granted)] if granted else [],
        data=info,
        capped_cents=capped,
    )


def accrued_for_prefix(*, campaign: Campaign, key_prefix: str) -> int:
    """What transactions whose key starts with ``key_prefix`` made payable, net (a post's
    bonuses so far: ``bonus:post:<id>:``), for per-post caps."""
    total = Entry.objects.filter(
        organization_id=campaign.organization_id,
        transaction__campaign_id=campaign.pk,
        transaction__key__startswith=key_prefix,
        account__kind=AccountKind.PAYABLE,
    ).aggregate(total=Sum("amount_cents"))["total"]
    return int(total or 0)


def commission_refund(
    *, campaign: Campaign, creator: CreatorProfile | int, original_key: str, key: str
) -> Transaction | None:
    """A refunded sale takes back its commission (or a bonus): payable → budget, as far as it
    is still payable; what was already paid out is recorded as ``unrecovered_cents``.
    None: there was nothing to take back."""
    _require_atomic("commission_refund")
    locked = _lock_campaign(campaign)
    if (existing := _posted(locked, key)) is not None:
        return existing
    original = Transaction.objects.filter(
        organization_id=locked.organization_id, campaign_id=locked.pk, key=original_key
    ).first()
    if original is None or original.kind not in (
        TransactionKind.COMMISSION,
        TransactionKind.BONUS,
    ):
        raise ChorusError("not_found", f"No commission or bonus was posted as {original_key!r}.")
    earned = int(
        original.entries.filter(account__kind=AccountKind.PAYABLE).aggregate(
            total=Sum("amount_cents")
        )["total"]
        or 0
    )
    if earned <= 0:
        return None
    payable = account_for(campaign=locked, kind=AccountKind.PAYABLE, creator=creator)
    payable = LedgerAccount.objects.select_for_update().get(pk=payable.pk)
    budget = account_for(campaign=locked, kind=AccountKind.BUDGET)
    back = min(earned, payable.balance_cents)
    data = {"original_key": original_key, "unrecovered_cents": earned - back}
    if back:
        _cache_committed(locked, -back)
    return ledger_post(
        organization=locked.organization_id,
        campaign=locked,
        kind=TransactionKind.REFUND,
        key=key,
        lines=[(payable, -back), (budget, back)] if back else [],
        data=data,
    )


# -- paying -------------------------------------------------------------------------------------


def _move(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int | None,
    source: AccountKind,
    target: AccountKind,
    amount_cents: int,
    key: str,
    kind: TransactionKind,
    data: dict[str, Any] | None,
) -> Transaction:
    _check_amount(amount_cents)
    src = account_for(campaign=campaign, kind=source, creator=creator)
    dst = account_for(campaign=campaign, kind=target, creator=creator)
    return ledger_post(
        organization=campaign.organization_id,
        campaign=campaign,
        kind=kind,
        key=key,
        lines=[(src, -amount_cents), (dst, amount_cents)],
        data=data,
    )


def payout_post(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    amount_cents: int,
    key: str,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """A transfer was created for (part of) a creator's payable: payable → in_transit."""
    _require_atomic("payout_post")
    return _move(
        campaign=campaign,
        creator=creator,
        source=AccountKind.PAYABLE,
        target=AccountKind.IN_TRANSIT,
        amount_cents=amount_cents,
        key=key,
        kind=TransactionKind.PAYOUT,
        data=data,
    )


def payout_settle(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    amount_cents: int,
    key: str,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """The transfer arrived: in_transit → paid."""
    _require_atomic("payout_settle")
    return _move(
        campaign=campaign,
        creator=creator,
        source=AccountKind.IN_TRANSIT,
        target=AccountKind.PAID,
        amount_cents=amount_cents,
        key=key,
        kind=TransactionKind.SETTLE,
        data=data,
    )


def payout_reverse(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    amount_cents: int,
    key: str,
    source: AccountKind = AccountKind.IN_TRANSIT,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """The transfer failed (from in_transit) or was reversed (from paid): back to payable."""
    _require_atomic("payout_reverse")
    if source not in (AccountKind.IN_TRANSIT, AccountKind.PAID):
        raise ValueError("A payout is reversed from in_transit or paid.")
    return _move(
        campaign=campaign,
        creator=creator,
        source=source,
        target=AccountKind.PAYABLE,
        amount_cents=amount_cents,
        key=key,
        kind=TransactionKind.REVERSE,
        data=data,
    )


# -- funding ------------------------------------------------------------------------------------


def funding_receive(
    *, campaign: Campaign, amount_cents: int, key: str, data: dict[str, Any] | None = None
) -> Transaction:
    """The brand paid money in for the campaign (a completed Checkout): funding → funded."""
    _require_atomic("funding_receive")
    return _move(
        campaign=campaign,
        creator=None,
        source=AccountKind.FUNDING,
        target=AccountKind.FUNDED,
        amount_cents=amount_cents,
        key=key,
        kind=TransactionKind.FUNDING,
        data=data,
    )


def funding_refund(
    *, campaign: Campaign, amount_cents: int, key: str, data: dict[str, Any] | None = None
) -> Transaction:
    """Money paid in goes back to the brand: funded → funding."""
    _require_atomic("funding_refund")
    return _move(
        campaign=campaign,
        creator=None,
        source=AccountKind.FUNDED,
        target=AccountKind.FUNDING,
        amount_cents=amount_cents,
        key=key,
        kind=TransactionKind.FUNDING_REFUND,
        data=data,
    )
