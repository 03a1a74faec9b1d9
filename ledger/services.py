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

Batches (a bulk review, a payout run): ``ledger_post_many(moves)`` posts any number of moves in
a handful of statements (lock every account once in id order, read the posted keys once, check
the signs move by move against running balances, insert transactions and entries together,
update each account once) and answers per move with its transaction or its refusal.
``accounts_for(...)`` reads (and makes) many accounts at once. ``accruals_post_many(accruals)``
earns many posts' fees (a refused one fails alone); ``ledger_move(kind, parts, creator=,
source=)`` is the one table-driven simple move (``_MOVES``: payout, settle, reverse, funding,
funding refund) over one part per campaign, all or nothing; ``payout_post``, ``payout_settle``,
``payout_reverse``, ``funding_receive`` and ``funding_refund`` are its one-part forms.
Figures are in ``ledger.selectors``: ``balance(account)``; ``campaign_figures(campaign)`` (and
``campaigns_figures`` for many) → budget, funded, promised (= Campaign.committed_cents),
committed (fees not yet earned), payable, in_transit, paid, accrued, capped, remaining;
``creator_figures(creator)`` → per campaign: pending, payable, in_transit, paid;
``creator_payable(creator, currency)`` → the payable parts a payout run sums;
``ledger_check_campaign(campaign)`` → recomputes from the entries and compares with the cache.
"""

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, F, Q, Sum, Value, When

from campaigns.models import Campaign
from campaigns.services import campaign_budget_release, campaign_budget_reserve
from core.errors import ChorusError
from core.ids import new_public_id
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


# -- accounts ----------------------------------------------------------------------------------

# (campaign id, kind, creator id or None): an account's identity within its campaign's currency.
AccountKey = tuple[int, str, int | None]


def _account_key(
    campaign: Campaign, kind: AccountKind | str, creator: CreatorProfile | int | None
) -> AccountKey:
    creator_id = None if creator is None else _creator_id(creator)
    if (kind in CREATOR_KINDS) != (creator_id is not None):
        raise ValueError(f"A {kind} account {'needs' if creator_id is None else 'has no'} creator.")
    return (campaign.pk, str(kind), creator_id)


def _fetch_accounts(wanted: dict[AccountKey, Campaign]) -> dict[AccountKey, LedgerAccount]:
    """One query for any number of accounts (it may read a few extra rows: filtered here)."""
    campaign_level = [k for k in wanted if k[2] is None]
    creator_level = [k for k in wanted if k[2] is not None]
    q = Q()
    if campaign_level:
        q |= Q(
            campaign_id__in={k[0] for k in campaign_level},
            kind__in={k[1] for k in campaign_level},
            creator__isnull=True,
        )
    if creator_level:
        q |= Q(
            campaign_id__in={k[0] for k in creator_level},
            kind__in={k[1] for k in creator_level},
            creator_id__in={k[2] for k in creator_level},
        )
    found: dict[AccountKey, LedgerAccount] = {}
    for account in LedgerAccount.objects.filter(
        q, currency__in={c.currency for c in wanted.values()}
    ):
        key = (account.campaign_id, account.kind, account.creator_id)
        campaign = wanted.get(key)
        if campaign is not None and account.currency == campaign.currency:
            found[key] = account
    return found


def accounts_for(
    wanted: Iterable[tuple[Campaign, AccountKind, CreatorProfile | int | None]],
) -> dict[AccountKey, LedgerAccount]:
    """Many accounts at once, keyed ``(campaign id, kind, creator id or None)``, each in its
    campaign's currency: one query to read them; the missing ones are inserted together
    (a concurrent insert of the same account is ignored: the unique constraints) and read
    again. Not locked: ``ledger_post_many`` locks what it moves."""
    by_key = {_account_key(c, kind, creator): c for c, kind, creator in wanted}
    if not by_key:
        return {}
    found = _fetch_accounts(by_key)
    missing = {k: c for k, c in by_key.items() if k not in found}
    if missing:
        LedgerAccount.objects.bulk_create(
            [
                LedgerAccount(
                    organization_id=c.organization_id,
                    campaign_id=c.pk,
                    creator_id=creator_id,
                    kind=kind,
                    currency=c.currency,
                )
                for (_, kind, creator_id), c in missing.items()
            ],
            ignore_conflicts=True,
        )
        found |= _fetch_accounts(missing)
    return found


def account_for(
    *, campaign: Campaign, kind: AccountKind, creator: CreatorProfile | int | None = None
) -> LedgerAccount:
    """The campaign's account of ``kind`` in its currency (a creator's, for creator kinds),
    made on first use."""
    return accounts_for([(campaign, kind, creator)])[_account_key(campaign, kind, creator)]


# -- the general post, one or many ---------------------------------------------------------------


@dataclass
class Move:
    """One balanced transaction to post. ``refuse`` builds the error when an account would take
    the wrong sign (default ``insufficient_balance``)."""

    campaign: Campaign
    kind: TransactionKind
    key: str
    lines: Sequence[Line]
    data: dict[str, Any] = field(default_factory=dict)
    capped_cents: int = 0
    refuse: Callable[[LedgerAccount, int], ChorusError] | None = None
    organization_id: int = 0  # the campaign's when not given

    def __post_init__(self) -> None:
        self.organization_id = self.organization_id or self.campaign.organization_id


def _validate(move: Move) -> None:
    if not move.key or len(move.key) > 200:
        raise ValueError("A ledger key is 1 to 200 characters.")
    totals: dict[str, int] = defaultdict(int)
    for account, amount in move.lines:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
            raise ValueError(f"Ledger amounts are non-zero integers, not {amount!r}.")
        if (
            account.organization_id != move.organization_id
            or account.campaign_id != move.campaign.pk
        ):
            raise ValueError("Every account of a transaction belongs to its campaign.")
        totals[account.currency] += amount
    if any(totals.values()):
        raise ValueError(f"A ledger transaction must balance per currency: {dict(totals)}.")


def _conflict(key: str) -> ChorusError:
    return ChorusError(
        "ledger_key_conflict",
        f"The ledger already holds a different movement under {key!r}.",
        status_code=409,
    )


def _insufficient(account: LedgerAccount, balance: int, delta: int) -> ChorusError:
    return ChorusError(
        "insufficient_balance",
        f"Not enough {account.get_kind_display().lower()}: "
        f"{format_money(balance, account.currency)} "
        f"cannot move {format_money(abs(delta), account.currency)}.",
        status_code=409,
    )


def _lines_of(move: Move) -> list[tuple[int, int]]:
    return sorted((account.pk, amount) for account, amount in move.lines)


def _posted_many(moves: Sequence[Move]) -> dict[tuple[int, str], Transaction]:
    """The transactions already posted under these moves' keys, with their lines."""
    idents = {(m.organization_id, m.key) for m in moves}
    posted = {
        (t.organization_id, t.key): t
        for t in Transaction.objects.filter(
            organization_id__in={o for o, _ in idents}, key__in={k for _, k in idents}
        ).order_by()
        if (t.organization_id, t.key) in idents
    }
    if posted:
        lines: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for txn_id, account_id, amount in Entry.objects.filter(
            transaction_id__in=[t.pk for t in posted.values()]
        ).values_list("transaction_id", "account_id", "amount_cents"):
            lines[txn_id].append((account_id, amount))
        for txn in posted.values():
            txn.posted_lines = sorted(lines[txn.pk])  # type: ignore[attr-defined]
            txn.created_now = False
    return posted


def _as_existing(txn: Transaction, move: Move) -> Transaction | ChorusError:
    """The transaction posted before under the move's key, or a conflict if it differs."""
    if txn.kind != move.kind or txn.posted_lines != _lines_of(move):  # type: ignore[attr-defined]
        return _conflict(move.key)
    again = copy.copy(txn)
    again.created_now = False
    return again


def ledger_post_many(
    moves: Sequence[Move], *, _retry: bool = True
) -> list[Transaction | ChorusError]:
    """Post many balanced transactions in a handful of statements, whatever their number: lock
    every account they move (one query, id order: no deadlocks between posts), read what is
    posted under their keys already, check each move's signs in order against the running
    balances, insert the transactions and their entries together and update each account once.

    Returns, per move, its Transaction (``created_now`` False for one posted before under the
    key) or the ChorusError refusing it (``ledger_key_conflict``, ``insufficient_balance`` or
    the move's own ``refuse``): a refused move writes nothing and the others go on. Raises
    ValueError for a malformed move (before writing anything)."""
    _require_atomic("ledger_post_many")
    if not moves:
        return []
    for move in moves:
        _validate(move)
    account_ids = sorted({account.pk for m in moves for account, _ in m.lines})
    locked: dict[int, LedgerAccount] = {}
    if account_ids:
        locked = {
            a.pk: a
            for a in LedgerAccount.objects.select_for_update()
            .filter(pk__in=account_ids)
            .order_by("pk")
        }
    # Read after the locks: a concurrent post of the same key waited on them and is visible now.
    posted = _posted_many(moves)
    balance = {pk: a.balance_cents for pk, a in locked.items()}
    results: list[Transaction | ChorusError | None] = [None] * len(moves)
    claimed: dict[tuple[int, str], int] = {}  # key → index of the move posting it in this batch
    new: list[int] = []
    for i, move in enumerate(moves):
        ident = (move.organization_id, move.key)
        if ident in posted:
            results[i] = _as_existing(posted[ident], move)
            continue
        if ident in claimed:
            continue  # the same key twice in one batch: answered after the first is written
        deltas: dict[int, int] = defaultdict(int)
        for account, amount in move.lines:
            deltas[account.pk] += amount
        refusal = None
        for pk, delta in deltas.items():
            account, after = locked[pk], balance[pk] + delta
            if (after > 0) if account.kind in COUNTER_KINDS else (after < 0):
                refusal = (
                    move.refuse(account, delta)
                    if move.refuse
                    else _insufficient(account, balance[pk], delta)
                )
                break
        if refusal is not None:
            results[i] = refusal
            continue
        for pk, delta in deltas.items():
            balance[pk] += delta
        claimed[ident] = i
        new.append(i)
    if new:
        txns = [
            Transaction(
                public_id=new_public_id(Transaction.public_id_prefix),
                organization_id=moves[i].organization_id,
                campaign=moves[i].campaign,
                kind=moves[i].kind,
                key=moves[i].key,
                data=moves[i].data,
                capped_cents=moves[i].capped_cents,
            )
            for i in new
        ]
        try:
            with transaction.atomic():  # a savepoint: a same-key race without accounts lands here
                Transaction.objects.bulk_create(txns, batch_size=500)
        except IntegrityError:
            if not _retry:
                raise
            return ledger_post_many(moves, _retry=False)  # the racer's rows are visible now
        Entry.objects.bulk_create(
            [
                Entry(
                    organization_id=txn.organization_id,
                    transaction=txn,
                    account_id=account.pk,
                    amount_cents=amount,
                    currency=account.currency,
                )
                for i, txn in zip(new, txns, strict=True)
                for account, amount in moves[i].lines
            ],
            batch_size=1000,
        )
        for i, txn in zip(new, txns, strict=True):
            txn.created_now = True
            results[i] = txn
        changed = {pk: balance[pk] - a.balance_cents for pk, a in locked.items()}
        changed = {pk: delta for pk, delta in changed.items() if delta}
        if changed:
            LedgerAccount.objects.filter(pk__in=changed).update(
                balance_cents=F("balance_cents")
                + Case(
                    *(When(pk=pk, then=Value(delta)) for pk, delta in changed.items()),
                    output_field=BigIntegerField(),
                )
            )
            for pk in changed:
                locked[pk].balance_cents = balance[pk]
    for i, move in enumerate(moves):
        if results[i] is None:  # a repeated key within the batch
            first = results[claimed[(move.organization_id, move.key)]]
            assert isinstance(first, Transaction)
            first.posted_lines = _lines_of(moves[claimed[(move.organization_id, move.key)]])  # type: ignore[attr-defined]
            results[i] = _as_existing(first, move)
    return cast(list[Transaction | ChorusError], results)


def _existing(organization_id: int, key: str, kind: str, lines: Sequence[Line]) -> Transaction:
    """The transaction posted under ``key``, which must be this movement."""
    move = Move(Campaign(), TransactionKind(kind), key, lines, organization_id=organization_id)
    return _one(_as_existing(_posted_many([move])[(organization_id, key)], move))


def _one(result: Transaction | ChorusError) -> Transaction:
    if isinstance(result, ChorusError):
        raise result
    return result


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
    move = Move(campaign, kind, key, lines, data or {}, capped_cents, organization_id=org_id)
    return _one(ledger_post_many([move])[0])


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


@dataclass(frozen=True)
class Accrual:
    """An approved live post's fee to earn (``accruals_post_many``)."""

    campaign: Campaign
    creator: CreatorProfile | int
    slot_id: int
    amount_cents: int
    data: dict[str, Any] | None = None


def _fee_not_committed(accrual: Accrual) -> Callable[[LedgerAccount, int], ChorusError]:
    def refuse(account: LedgerAccount, delta: int) -> ChorusError:
        return ChorusError(
            "fee_not_committed",
            f"This post's fee of {format_money(accrual.amount_cents, accrual.campaign.currency)} "
            "is not committed to the creator any more (the participation was cancelled), so it "
            "cannot be earned.",
            status_code=409,
        )

    return refuse


def accruals_post_many(accruals: Sequence[Accrual]) -> list[Transaction | ChorusError]:
    """Approved live posts earn their slots' fees: committed → payable, exactly once per slot
    (key ``accrue:slot:<id>``, unique). A handful of statements for any number: the accounts
    are read (and made) together, then ``ledger_post_many``. Per accrual, its transaction or
    ``fee_not_committed`` when the fee is not (or no longer: the participation was cancelled)
    committed to the creator; a refused one writes nothing."""
    _require_atomic("accruals_post_many")
    for accrual in accruals:
        _check_amount(accrual.amount_cents)
    accounts = accounts_for(
        (a.campaign, kind, a.creator)
        for a in accruals
        for kind in (AccountKind.COMMITTED, AccountKind.PAYABLE)
    )
    moves = []
    for a in accruals:
        creator_id = _creator_id(a.creator)
        committed = accounts[(a.campaign.pk, AccountKind.COMMITTED.value, creator_id)]
        payable = accounts[(a.campaign.pk, AccountKind.PAYABLE.value, creator_id)]
        moves.append(
            Move(
                a.campaign,
                TransactionKind.ACCRUE,
                f"accrue:slot:{a.slot_id}",
                [(committed, -a.amount_cents), (payable, a.amount_cents)],
                {"slot_id": a.slot_id, **(a.data or {})},
                refuse=_fee_not_committed(a),
            )
        )
    return ledger_post_many(moves)


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
    return _one(accruals_post_many([Accrual(campaign, creator, slot_id, amount_cents, data)])[0])


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


# -- paying and funding: one table of simple moves ----------------------------------------------

# Each kind moves money from one account of the campaign (a creator's, for creator kinds) to
# another. A payout returned (REVERSE) comes from in_transit (the transfer failed) or from paid
# (Stripe reversed it): the caller names which.
_MOVES: dict[TransactionKind, tuple[tuple[AccountKind, ...], AccountKind]] = {
    TransactionKind.PAYOUT: ((AccountKind.PAYABLE,), AccountKind.IN_TRANSIT),
    TransactionKind.SETTLE: ((AccountKind.IN_TRANSIT,), AccountKind.PAID),
    TransactionKind.REVERSE: ((AccountKind.IN_TRANSIT, AccountKind.PAID), AccountKind.PAYABLE),
    TransactionKind.FUNDING: ((AccountKind.FUNDING,), AccountKind.FUNDED),
    TransactionKind.FUNDING_REFUND: ((AccountKind.FUNDED,), AccountKind.FUNDING),
}


@dataclass(frozen=True)
class Part:
    """One campaign's part of a move (a payout spanning campaigns has one per campaign)."""

    campaign: Campaign
    amount_cents: int
    key: str
    data: dict[str, Any] | None = None


def ledger_move(
    kind: TransactionKind,
    parts: Sequence[Part],
    *,
    creator: CreatorProfile | int | None = None,
    source: AccountKind | None = None,
) -> list[Transaction]:
    """Post a simple move of ``kind`` (see ``_MOVES``) for each part, one transaction per part,
    in a handful of statements whatever their number. All or nothing: the first refusal
    (``insufficient_balance``, ``ledger_key_conflict``) raises before anything is written.
    Idempotent per part key, as every post."""
    _require_atomic(f"ledger_move({kind})")
    sources, target = _MOVES[kind]
    src = source or sources[0]
    if src not in sources:
        raise ValueError(f"A {kind} moves from {' or '.join(sources)}, not {src}.")
    for part in parts:
        _check_amount(part.amount_cents)
    who = creator if target in CREATOR_KINDS else None
    accounts = accounts_for((p.campaign, k, who) for p in parts for k in (src, target))
    moves = [
        Move(
            p.campaign,
            kind,
            p.key,
            [
                (accounts[_account_key(p.campaign, src, who)], -p.amount_cents),
                (accounts[_account_key(p.campaign, target, who)], p.amount_cents),
            ],
            dict(p.data or {}),
        )
        for p in parts
    ]
    return [_one(result) for result in ledger_post_many(moves)]


def payout_post(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    amount_cents: int,
    key: str,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """A transfer was created for (part of) a creator's payable: payable → in_transit."""
    part = Part(campaign, amount_cents, key, data)
    return ledger_move(TransactionKind.PAYOUT, [part], creator=creator)[0]


def payout_settle(
    *,
    campaign: Campaign,
    creator: CreatorProfile | int,
    amount_cents: int,
    key: str,
    data: dict[str, Any] | None = None,
) -> Transaction:
    """The transfer arrived: in_transit → paid."""
    part = Part(campaign, amount_cents, key, data)
    return ledger_move(TransactionKind.SETTLE, [part], creator=creator)[0]


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
    part = Part(campaign, amount_cents, key, data)
    return ledger_move(TransactionKind.REVERSE, [part], creator=creator, source=source)[0]


def funding_receive(
    *, campaign: Campaign, amount_cents: int, key: str, data: dict[str, Any] | None = None
) -> Transaction:
    """The brand paid money in for the campaign (a completed Checkout): funding → funded."""
    return ledger_move(TransactionKind.FUNDING, [Part(campaign, amount_cents, key, data)])[0]


def funding_refund(
    *, campaign: Campaign, amount_cents: int, key: str, data: dict[str, Any] | None = None
) -> Transaction:
    """Money paid in goes back to the brand: funded → funding."""
    return ledger_move(TransactionKind.FUNDING_REFUND, [Part(campaign, amount_cents, key, data)])[0]
