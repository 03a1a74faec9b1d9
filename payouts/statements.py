"""Read models of money for people: the creator's earnings and a campaign's spend.

Posts are matched to payouts first-in first-out: a creator's paid (then in-transit) money in a
campaign covers their earliest approved posts first, which is how the runs send it (the whole
payable at once). That gives each post a state and, for paid ones, the time from approval to
transfer (the campaign's median)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from campaigns.models import Campaign
from creators.models import CreatorProfile
from ledger.models import AccountKind, Entry, LedgerAccount, Transaction, TransactionKind
from ledger.selectors import (
    CampaignFigures,
    CreatorFigures,
    campaign_figures,
    creator_figures,
)
from organizations.access import OrgAccess
from payouts.models import ConnectedAccount, Payout, PayoutRetry

# A payable this close to its pay-by date, not sent yet, is flagged to the brand.
AT_RISK_WITHIN = timedelta(days=2)
PAGE_PAYOUTS = 100  # the page's payout history; the CSV has them all


@dataclass
class PostLine:
    campaign_id: int
    creator_id: int
    slot_id: int | None
    amount_cents: int
    currency: str
    approved_at: datetime
    pay_by: datetime
    state: str = "payable"  # payable | in_transit | paid
    paid_at: datetime | None = None

    @property
    def late(self) -> bool:
        return self.state == "payable" and self.pay_by <= timezone.now()


def _accruals(
    *,
    campaign_ids: list[int] | None = None,
    creator_id: int | None = None,
    creator_ids: list[int] | None = None,
) -> list[tuple[int, int, int | None, int, str, datetime]]:
    """(campaign id, creator id, slot id, amount, currency, approved at) of each earned post."""
    qs = Entry.objects.filter(
        transaction__kind__in=[TransactionKind.ACCRUE], account__kind=AccountKind.PAYABLE
    )
    if campaign_ids is not None:
        qs = qs.filter(transaction__campaign_id__in=campaign_ids)
    if creator_id is not None:
        qs = qs.filter(account__creator_id=creator_id)
    if creator_ids is not None:
        qs = qs.filter(account__creator_id__in=creator_ids)
    rows = qs.order_by("transaction__created_at", "transaction_id").values_list(
        "transaction__campaign_id",
        "account__creator_id",
        "transaction__data__slot_id",
        "amount_cents",
        "currency",
        "transaction__created_at",
    )
    return list(rows)


def _post_lines(
    accruals: list[tuple[int, int, int | None, int, str, datetime]],
    balances: dict[tuple[int, int], dict[str, int]],
    pay_by_days: dict[int, int],
    transfers: dict[tuple[int, int], list[tuple[int, datetime]]],
) -> list[PostLine]:
    """Give each accrual its state by FIFO over paid then in-transit money, and its paid time
    from the transfers covering it (amount, transferred at; oldest first)."""
    covered: dict[tuple[int, int], int] = defaultdict(int)
    lines = []
    for campaign_id, creator_id, slot_id, amount, currency, approved_at in accruals:
        key = (campaign_id, creator_id)
        k = balances.get(key, {})
        before = covered[key]
        covered[key] += amount
        line = PostLine(
            campaign_id=campaign_id,
            creator_id=creator_id,
            slot_id=int(slot_id) if slot_id is not None else None,
            amount_cents=amount,
            currency=currency,
            approved_at=approved_at,
            pay_by=approved_at + timedelta(days=pay_by_days.get(campaign_id, 14)),
        )
        paid = k.get(AccountKind.PAID, 0)
        if covered[key] <= paid:
            line.state = "paid"
            running = 0
            for sent, at in transfers.get(key, []):
                running += sent
                if running >= covered[key]:
                    line.paid_at = at
                    break
        elif before < paid + k.get(AccountKind.IN_TRANSIT, 0):
            line.state = "in_transit"
        lines.append(line)
    return lines


def _transfers_by_key(payouts: list[Payout]) -> dict[tuple[int, int], list[tuple[int, datetime]]]:
    out: dict[tuple[int, int], list[tuple[int, datetime]]] = defaultdict(list)
    for payout in sorted(payouts, key=lambda p: (p.transferred_at or p.created_at, p.pk)):
        if payout.state != Payout.State.PAID or payout.transferred_at is None:
            continue
        arrived = payout.paid_at or payout.transferred_at  # the money reached the bank
        for part in payout.parts:
            key = (int(part["campaign_id"]), payout.creator_id)
            out[key].append((int(part["amount_cents"]), arrived))
    return out


# -- the creator's earnings ---------------------------------------------------------------------


@dataclass
class Earnings:
    campaigns: list[tuple[Campaign, CreatorFigures]]
    posts: list[PostLine]
    payouts: list[Payout]
    retries: list[tuple[PayoutRetry, str]] = field(default_factory=list)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # currency → kind → cents


def creator_earnings(creator: CreatorProfile) -> Earnings:
    figures = creator_figures(creator)
    campaigns = Campaign.objects.select_related("brand").in_bulk([f.campaign_id for f in figures])
    balances: dict[tuple[int, int], dict[str, int]] = {
        (f.campaign_id, creator.pk): {
            AccountKind.PAID: f.paid,
            AccountKind.IN_TRANSIT: f.in_transit,
        }
        for f in figures
    }
    payouts = list(Payout.objects.filter(creator=creator).order_by("-created_at", "-id"))
    posts = _post_lines(
        _accruals(creator_id=creator.pk),
        balances,
        {pk: c.pay_by_days for pk, c in campaigns.items()},
        _transfers_by_key(payouts),
    )
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in figures:
        for kind in ("pending", "payable", "in_transit", "paid"):
            totals[f.currency][kind] += getattr(f, kind)
    for post in posts:
        post.campaign = campaigns.get(post.campaign_id)  # type: ignore[attr-defined]
    return Earnings(
        campaigns=[(campaigns[f.campaign_id], f) for f in figures if f.campaign_id in campaigns],
        posts=sorted(posts, key=lambda p: p.approved_at, reverse=True),
        payouts=payouts,
        retries=[(r, retry_text(r)) for r in creator_retries(creator)],
        totals={cur: dict(k) for cur, k in totals.items()},
    )


# -- a campaign's spend -------------------------------------------------------------------------


@dataclass
class AtRisk:
    creator: CreatorProfile
    payable_cents: int
    oldest_pay_by: datetime
    reason: str


@dataclass
class Spend:
    campaign: Campaign
    figures: CampaignFigures
    payouts: list[Payout]
    at_risk: list[AtRisk]  # the most urgent first, at most AT_RISK_SHOWN
    median_to_transfer: timedelta | None
    posts: list[PostLine]
    creators: dict[int, CreatorProfile]
    at_risk_total: int = 0  # how many creators are at risk in all


def campaign_spend(access: OrgAccess, campaign: Campaign, *, with_posts: bool = False) -> Spend:
    """The spend page's figures. ``with_posts`` (the CSV) also lists every earned post with its
    state; the page reads only what it shows, so it stays fast with tens of thousands of posts:
    the latest payouts, the creators whose payable is at risk, and the median in SQL."""
    payouts_qs = (
        Payout.objects.for_access(access)
        .filter(parts__contains=[{"campaign_id": campaign.pk}])
        .select_related("creator")
        .order_by("-created_at", "-id")
    )
    payouts = list(payouts_qs) if with_posts else list(payouts_qs[:PAGE_PAYOUTS])
    balances: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    accounts = LedgerAccount.objects.filter(campaign=campaign, creator__isnull=False)
    if not with_posts:  # only creators with something payable matter for the at-risk list
        payable_ids = accounts.filter(kind=AccountKind.PAYABLE, balance_cents__gt=0).values(
            "creator_id"
        )
        accounts = accounts.filter(creator_id__in=payable_ids)
    for creator_id, kind, amount in accounts.values_list("creator_id", "kind", "balance_cents"):
        balances[(campaign.pk, creator_id)][kind] = amount
    accruals = _accruals(
        campaign_ids=[campaign.pk],
        creator_ids=None if with_posts else [creator for _c, creator in balances],
    )
    posts = _post_lines(
        accruals,
        balances,
        {campaign.pk: campaign.pay_by_days},
        _transfers_by_key(payouts) if with_posts else {},
    )
    at_risk, at_risk_total = _at_risk(campaign, posts, balances)
    return Spend(
        campaign=campaign,
        figures=campaign_figures(campaign),
        payouts=payouts,
        at_risk=at_risk,
        at_risk_total=at_risk_total,
        median_to_transfer=_median_to_transfer(campaign),
        posts=posts if with_posts else [],
        creators=CreatorProfile.objects.only("public_id", "display_name").in_bulk(
            {p.creator_id for p in posts}
        )
        if with_posts
        else {},
    )


MEDIAN_TO_TRANSFER_SQL = """
WITH events AS (
    -- the campaign's accruals (one per post, on the creator's payable account) ...
    SELECT a.creator_id, t.created_at AS at, 0 AS is_payout, NULL::timestamptz AS transferred_at
      FROM ledger_transaction t
      JOIN ledger_entry e ON e.transaction_id = t.id AND e.amount_cents > 0
      JOIN ledger_ledgeraccount a ON a.id = e.account_id AND a.kind = 'payable'
     WHERE t.campaign_id = %(campaign)s AND t.kind = 'accrue'
    UNION ALL
    -- ... and the payouts that paid part of it
    SELECT p.creator_id, p.created_at, 1, p.transferred_at
      FROM payouts_payout p
     WHERE p.organization_id = %(organization)s
       AND p.state IN ('in_transit', 'paid', 'reversed')
       AND p.parts @> jsonb_build_array(jsonb_build_object('campaign_id', %(campaign)s::int))
), numbered AS (
    -- newest first, a payout before an accrual of the same instant: an accrual's group is the
    -- number of payouts made at or after it, so it shares it with the first of those
    SELECT is_payout, at, creator_id, transferred_at,
           count(*) FILTER (WHERE is_payout = 1) OVER (
               PARTITION BY creator_id ORDER BY at DESC, is_payout DESC
               ROWS UNBOUNDED PRECEDING) AS grp
      FROM events
), paired AS (
    SELECT is_payout, at, grp,
           max(transferred_at) OVER (PARTITION BY creator_id, grp) AS paid_at
      FROM numbered
)
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM paid_at - at))
  FROM paired
 WHERE is_payout = 0 AND grp > 0
"""


MEDIAN_CACHE_SECONDS = 300


def _median_to_transfer(campaign: Campaign) -> timedelta | None:
    """Median time from a post's approval to the transfer that paid it (``_median_compute``),
    cached under the campaign's newest ledger transaction and the organization's number of
    payouts still being sent. Every event that changes the median posts a ledger transaction
    (an accrual, a claim, a settled, failed or reversed payout) except a transfer Stripe made
    (pending → in transit), which lowers that number (only a claim, a new transaction, raises
    it): so a page load after any of them computes afresh, the others read the cache (two
    indexed lookups instead of a pass over 50,000 entries). The expiry bounds what a
    transaction committed out of creation order could leave stale."""
    newest = (
        Transaction.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if newest is None:
        return None
    sending = Payout.objects.filter(
        state=Payout.State.PENDING, organization_id=campaign.organization_id
    ).count()
    key = f"payouts:median-to-transfer:{campaign.pk}:{newest}:{sending}"
    try:
        seconds = cache.get(key)
    except Exception:  # the cache is an optimisation: a cache that is down costs the query
        seconds = None
    if seconds is None:
        median = _median_compute(campaign)
        seconds = median.total_seconds() if median is not None else -1.0
        with contextlib.suppress(Exception):  # as above
            cache.set(key, seconds, MEDIAN_CACHE_SECONDS)
    return timedelta(seconds=seconds) if seconds >= 0 else None


def _median_compute(campaign: Campaign) -> timedelta | None:
    """Each accrual is paid by the creator's first paid payout of this campaign claimed after
    it (a run takes the whole payable). One pass over the campaign's accruals and payouts,
    sorted per creator (window functions), rather than a payout lookup per accrual."""
    with connection.cursor() as cursor:
        cursor.execute(
            MEDIAN_TO_TRANSFER_SQL,
            {"campaign": campaign.pk, "organization": campaign.organization_id},
        )
        row = cursor.fetchone()
    return timedelta(seconds=float(row[0])) if row and row[0] is not None else None


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# The page names the most urgent creators; hundreds of rows would help nobody and cost the
# page its speed. The CSV lists every post with its pay-by date.
AT_RISK_SHOWN = 50


def _at_risk(
    campaign: Campaign,
    posts: list[PostLine],
    balances: dict[tuple[int, int], dict[str, int]],
) -> tuple[list[AtRisk], int]:
    """Creators whose payable will miss (or missed) its pay-by date: it falls due within
    ``AT_RISK_WITHIN``, or they cannot receive transfers yet (no runs will pay them). The
    ``AT_RISK_SHOWN`` most urgent (oldest pay-by first), and how many there are in all."""
    oldest: dict[int, datetime] = {}
    for post in posts:
        if post.state == "payable" and post.creator_id not in oldest:
            oldest[post.creator_id] = post.pay_by
    if not oldest:
        return [], 0
    # ConnectedAccount.can_receive_transfers, as a filter (no model instance per creator).
    ready = set(
        ConnectedAccount.objects.filter(
            creator_id__in=list(oldest),
            transfers_capability=ConnectedAccount.Transfers.ACTIVE,
            payouts_enabled=True,
        ).values_list("creator_id", flat=True)
    )
    retrying = {
        r.creator_id: r
        for r in PayoutRetry.objects.filter(
            organization_id=campaign.organization_id,
            brand_id=campaign.brand_id,
            creator_id__in=oldest,
        )
    }
    soon = timezone.now() + AT_RISK_WITHIN
    urgent: list[tuple[int, datetime, str]] = []
    for creator_id, pay_by in sorted(oldest.items(), key=lambda kv: kv[1]):
        retry = retrying.get(creator_id)
        if retry is not None:
            reason = retry_text(retry)
        elif creator_id not in ready:
            reason = "The creator has not set up payouts with Stripe yet."
        elif pay_by <= soon:
            reason = "Not sent yet and the pay-by date is close."
        else:
            continue
        urgent.append((creator_id, pay_by, reason))
    shown = urgent[:AT_RISK_SHOWN]
    creators = CreatorProfile.objects.only("public_id", "display_name").in_bulk(
        [creator_id for creator_id, _pay_by, _reason in shown]
    )
    return [
        AtRisk(
            creator=creators[creator_id],
            payable_cents=balances[(campaign.pk, creator_id)].get(AccountKind.PAYABLE, 0),
            oldest_pay_by=pay_by,
            reason=reason,
        )
        for creator_id, pay_by, reason in shown
    ], len(urgent)


def retry_text(retry: PayoutRetry) -> str:
    """Why a creator's payout is held back and when it is tried again, for people."""
    times = "once" if retry.attempts == 1 else f"{retry.attempts} times in a row"
    if retry.waits_for_account:
        when = "It is sent once the creator's Stripe account can receive transfers."
    else:
        when = f"Next try {timezone.localtime(retry.next_attempt_at):%-d %b %Y %H:%M %Z}."
    return f"Stripe refused the payout {times}: {retry.failure_reason} {when}"


def creator_retries(creator: CreatorProfile) -> list[PayoutRetry]:
    return list(PayoutRetry.objects.filter(creator=creator).select_related("brand").order_by("id"))
