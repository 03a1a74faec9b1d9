"""Reading the ledger: balances, a campaign's figures, a creator's earnings, the checks.

Balances come from ``LedgerAccount.balance_cents`` (kept with every post), so a campaign's
figures are one grouped query however many entries it has; ``ledger_check_campaign``
recomputes them from the entries and compares them with ``Campaign.committed_cents``.
Callers scope by tenant before asking (a campaign they got through ``for_access``, a creator's
own profile).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from campaigns.models import Campaign
from creators.models import CreatorProfile
from ledger.models import AccountKind, Entry, LedgerAccount, Transaction


def balance(account: LedgerAccount) -> int:
    """The account's balance (its entries' sum), read fresh."""
    return int(LedgerAccount.objects.values_list("balance_cents", flat=True).get(pk=account.pk))


@dataclass(frozen=True)
class CampaignFigures:
    """A campaign's money in its currency. ``promised`` is all spend promised (fees committed
    plus bonuses and commissions accrued) = Campaign.committed_cents; ``committed`` the part of
    the fees not yet earned; ``accrued`` what creators earned (payable + in transit + paid)."""

    currency: str
    budget: int
    funded: int
    promised: int
    committed: int
    payable: int
    in_transit: int
    paid: int
    capped: int

    @property
    def accrued(self) -> int:
        return self.payable + self.in_transit + self.paid

    @property
    def remaining(self) -> int:
        return self.budget - self.promised


def _sums_by_campaign(campaign_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    rows = (
        LedgerAccount.objects.filter(campaign_id__in=list(campaign_ids))
        .values("campaign_id", "kind")
        .annotate(total=Sum("balance_cents"))
    )
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        sums[row["campaign_id"]][row["kind"]] += int(row["total"] or 0)
    return sums


def campaigns_figures(campaigns: Iterable[Campaign]) -> dict[int, CampaignFigures]:
    """Figures of many campaigns in two queries (spend pages, lists), by campaign pk."""
    campaigns = list(campaigns)
    ids = [c.pk for c in campaigns]
    sums = _sums_by_campaign(ids)
    capped = dict(
        Transaction.objects.filter(
            organization_id__in={c.organization_id for c in campaigns},
            campaign_id__in=ids,
            capped_cents__gt=0,
        )
        .values("campaign_id")
        .annotate(total=Sum("capped_cents"))
        .values_list("campaign_id", "total")
    )
    out = {}
    for c in campaigns:
        k = sums.get(c.pk, {})
        out[c.pk] = CampaignFigures(
            currency=c.currency,
            budget=c.budget_cents,
            funded=k.get(AccountKind.FUNDED, 0),
            promised=-k.get(AccountKind.BUDGET, 0),
            committed=k.get(AccountKind.COMMITTED, 0),
            payable=k.get(AccountKind.PAYABLE, 0),
            in_transit=k.get(AccountKind.IN_TRANSIT, 0),
            paid=k.get(AccountKind.PAID, 0),
            capped=int(capped.get(c.pk) or 0),
        )
    return out


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    return campaigns_figures([campaign])[campaign.pk]


@dataclass(frozen=True)
class CreatorFigures:
    """A creator's money in one campaign: ``pending`` is agreed and not yet earned."""

    campaign_id: int
    currency: str
    pending: int = 0
    payable: int = 0
    in_transit: int = 0
    paid: int = 0

    @property
    def earned(self) -> int:
        return self.payable + self.in_transit + self.paid


def creator_figures(
    creator: CreatorProfile | int, *, campaign_ids: Iterable[int] | None = None
) -> list[CreatorFigures]:
    """The creator's figures per campaign (and currency), campaigns with any money only."""
    creator_id = creator if isinstance(creator, int) else creator.pk
    qs = LedgerAccount.objects.filter(creator_id=creator_id)
    if campaign_ids is not None:
        qs = qs.filter(campaign_id__in=list(campaign_ids))
    per: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for campaign_id, currency, kind, amount in qs.values_list(
        "campaign_id", "currency", "kind", "balance_cents"
    ):
        per[(campaign_id, currency)][kind] = amount
    return [
        CreatorFigures(
            campaign_id=campaign_id,
            currency=currency,
            pending=k.get(AccountKind.COMMITTED, 0),
            payable=k.get(AccountKind.PAYABLE, 0),
            in_transit=k.get(AccountKind.IN_TRANSIT, 0),
            paid=k.get(AccountKind.PAID, 0),
        )
        for (campaign_id, currency), k in sorted(per.items())
        if any(k.values())
    ]


def creator_payable(
    creator: CreatorProfile | int, *, currency: str | None = None
) -> list[LedgerAccount]:
    """The creator's payable accounts above zero (one per campaign and currency), in campaign
    id order: what a payout run sums, and the order to post its parts in."""
    creator_id = creator if isinstance(creator, int) else creator.pk
    qs = LedgerAccount.objects.filter(
        creator_id=creator_id, kind=AccountKind.PAYABLE, balance_cents__gt=0
    )
    if currency:
        qs = qs.filter(currency=currency)
    return list(qs.select_related("campaign").order_by("campaign_id", "currency"))


@dataclass
class LedgerCheck:
    """What ``ledger_check_campaign`` found; ``ok`` when nothing disagrees."""

    campaign_id: int
    cached_committed: int
    ledger_promised: int
    unbalanced_transactions: list[str] = field(default_factory=list)
    drifted_accounts: list[int] = field(default_factory=list)  # balance != sum of entries

    @property
    def ok(self) -> bool:
        return (
            self.cached_committed == self.ledger_promised
            and not self.unbalanced_transactions
            and not self.drifted_accounts
        )


def ledger_check_campaign(campaign: Campaign) -> LedgerCheck:
    """Recompute the campaign's ledger from its entries: every transaction balances per
    currency, every account's balance is its entries' sum, and Campaign.committed_cents equals
    the spend the ledger promised."""
    cached = Campaign.objects.values_list("committed_cents", flat=True).get(pk=campaign.pk)
    sums = dict(
        Entry.objects.filter(account__campaign_id=campaign.pk)
        .values("account_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("account_id", "total")
    )
    accounts = list(LedgerAccount.objects.filter(campaign_id=campaign.pk))
    drifted = [a.pk for a in accounts if a.balance_cents != int(sums.get(a.pk) or 0)]
    promised = -sum(int(sums.get(a.pk) or 0) for a in accounts if a.kind == AccountKind.BUDGET)
    unbalanced = list(
        Entry.objects.filter(transaction__campaign_id=campaign.pk)
        .values("transaction__key", "currency")
        .annotate(total=Sum("amount_cents"))
        .filter(~Q(total=0))
        .values_list("transaction__key", flat=True)
    )
    return LedgerCheck(
        campaign_id=campaign.pk,
        cached_committed=int(cached),
        ledger_promised=promised,
        unbalanced_transactions=unbalanced,
        drifted_accounts=drifted,
    )
