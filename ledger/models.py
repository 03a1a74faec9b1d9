"""The double-entry ledger: accounts, transactions and their entries (issue 10).

A movement of money is one :class:`Transaction` of :class:`Entry` rows whose amounts (debit +,
credit -) sum to zero per currency. PostgreSQL enforces it (migration 0002): a deferred
constraint trigger checks each transaction's sum at commit, and triggers refuse UPDATE and
DELETE of entries and transactions, so a posted movement is never changed; a correction is a
new, reversing transaction. A transaction's ``key`` is its exactly-once identity
(``accrue:slot:<id>`` can exist once per organization, so a post accrues once).

Each account keeps ``balance_cents``, the sum of its entries, written in the same database
transaction as the entries (``ledger.services.ledger_post``); check constraints keep the sign
every kind must have, and ``ledger.selectors.ledger_check_campaign`` recomputes it from the
entries.
"""

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from campaigns.models import Campaign
from core.models import PublicIdModel
from creators.models import CreatorProfile
from organizations.models import Organization, OrgScopedQuerySet


class AccountKind(models.TextChoices):
    # Per campaign. Counter-account of spend: its balance is minus what the campaign promised
    # (fees committed, bonuses and commissions accrued); Campaign.committed_cents caches it.
    BUDGET = "budget", "Budget (spend promised, negated)"
    # Per campaign. Counter-account of money the brand paid in, and what it paid in.
    FUNDING = "funding", "Funding received (negated)"
    FUNDED = "funded", "Funded"
    # Per creator in a campaign: agreed fees not yet earned, earned and not paid, sent in a
    # transfer not yet settled, and paid.
    COMMITTED = "committed", "Committed"
    PAYABLE = "payable", "Payable"
    IN_TRANSIT = "in_transit", "In transit"
    PAID = "paid", "Paid"


CAMPAIGN_KINDS = (AccountKind.BUDGET, AccountKind.FUNDING, AccountKind.FUNDED)
CREATOR_KINDS = (
    AccountKind.COMMITTED,
    AccountKind.PAYABLE,
    AccountKind.IN_TRANSIT,
    AccountKind.PAID,
)
# Counter-accounts never go above zero; every other account never below it.
COUNTER_KINDS = (AccountKind.BUDGET, AccountKind.FUNDING)


class TransactionKind(models.TextChoices):
    COMMIT = "commit", "Fees committed to a creator"
    RELEASE = "release", "Commitment released"
    ACCRUE = "accrue", "Post fee earned"
    BONUS = "bonus", "View bonus earned"
    COMMISSION = "commission", "Commission earned"
    REFUND = "refund", "Commission refunded"
    PAYOUT = "payout", "Payout sent"
    SETTLE = "settle", "Payout settled"
    REVERSE = "reverse", "Payout returned"
    FUNDING = "funding", "Funding received"
    FUNDING_REFUND = "funding_refund", "Funding refunded"


class LedgerAccount(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    currency = models.CharField(max_length=3)
    # The sum of this account's entries (kept by ledger_post under the account's row lock).
    balance_cents = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            # One account per (campaign, creator, kind, currency), the creator-less ones
            # included (two partial indexes: NULLs would otherwise be distinct).
            models.UniqueConstraint(
                fields=("organization", "campaign", "creator", "kind", "currency"),
                condition=Q(creator__isnull=False),
                name="ledger_account_unique_creator",
            ),
            models.UniqueConstraint(
                fields=("organization", "campaign", "kind", "currency"),
                condition=Q(creator__isnull=True),
                name="ledger_account_unique_campaign",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in CAMPAIGN_KINDS], creator__isnull=True)
                | Q(kind__in=[k.value for k in CREATOR_KINDS], creator__isnull=False),
                name="ledger_account_kind_owner",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in COUNTER_KINDS], balance_cents__lte=0)
                | (~Q(kind__in=[k.value for k in COUNTER_KINDS]) & Q(balance_cents__gte=0)),
                name="ledger_account_balance_sign",
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "campaign", "kind"), name="ledger_account_campaign"
            ),
            models.Index(fields=("creator", "kind", "currency"), name="ledger_account_creator"),
        ]

    def __str__(self) -> str:
        who = f" creator {self.creator_id}" if self.creator_id else ""
        return f"{self.kind} {self.currency} campaign {self.campaign_id}{who}"


class Transaction(PublicIdModel):
    """One movement; append-only. ``capped_cents`` is what a bonus or commission asked for and
    did not get because the budget was spent (the reason is ``data["capped_reason"]``)."""

    public_id_prefix = "ltx"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    key = models.CharField(max_length=200)
    data = models.JSONField(default=dict, blank=True)
    capped_cents = models.BigIntegerField(default=0)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()
    # Set by ledger_post: whether this call wrote it (False: the key existed already).
    created_now: bool = False

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            # The exactly-once identity of every movement (a slot accrues once, a payout
            # moves once, a webhook's funding counts once).
            models.UniqueConstraint(fields=("organization", "key"), name="ledger_txn_unique_key"),
            models.CheckConstraint(condition=Q(capped_cents__gte=0), name="ledger_txn_capped_pos"),
            models.CheckConstraint(
                condition=Q(kind__in=TransactionKind.values), name="ledger_txn_kind_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "campaign", "created_at"), name="ledger_txn_campaign"
            ),
            # The few capped bonuses of a campaign, summed on its spend page without reading
            # its tens of thousands of other transactions.
            models.Index(
                fields=("organization", "campaign"),
                condition=Q(capped_cents__gt=0),
                name="ledger_txn_org_capped",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Entry(models.Model):
    """One line of a transaction: ``amount_cents`` signed (debit +, credit -)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)

    brand_path: ClassVar[str | None] = "transaction__campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="ledger_entry_nonzero"),
        ]
        indexes = [
            models.Index(fields=("organization", "account"), name="ledger_entry_account"),
            models.Index(fields=("organization", "transaction"), name="ledger_entry_txn"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents:+d} {self.currency} → account {self.account_id}"
