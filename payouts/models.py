"""Stripe-side records of payouts: creators' connected accounts, webhook events, funding.

The ledger (money owed, paid, funded) lives in the ``ledger`` app; these rows are what Stripe
told us and what we asked Stripe for, each with the unique key that makes it happen once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models import Campaign
from core.models import PublicIdModel
from creators.models import CreatorProfile
from organizations.models import Organization, OrgScopedQuerySet


class ConnectedAccount(PublicIdModel):
    """A creator's Stripe Connect account, as the Stripe API last described it.

    Written only from what Stripe answers (``payouts.connect``): state converges to the API,
    whatever order ``account.updated`` events arrive in."""

    public_id_prefix = "cac"

    class Transfers(models.TextChoices):
        NONE = "", "Not requested"
        INACTIVE = "inactive", "Inactive"
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"

    creator = models.OneToOneField(
        CreatorProfile, on_delete=models.PROTECT, related_name="connected_account"
    )
    # Null until Stripe answered the create call (made with an idempotency key of this row).
    stripe_account_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Part of that idempotency key: moved on after Stripe answered the create call with an error
    # (which Stripe saves under the key and would replay for 24 h), so the next try is new.
    creation_attempt = models.PositiveSmallIntegerField(default=0)
    details_submitted = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    transfers_capability = models.CharField(
        max_length=10, choices=Transfers.choices, default=Transfers.NONE, blank=True
    )
    requirements_due = models.JSONField(default=list, blank=True)  # currently + past due
    requirements_pending = models.JSONField(default=list, blank=True)  # being verified
    disabled_reason = models.CharField(max_length=100, blank=True)
    requirements_deadline = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)  # when we last read the account
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(transfers_capability__in=["", "inactive", "pending", "active"]),
                name="connected_account_transfers_valid",
            )
        ]

    def __str__(self) -> str:
        return self.stripe_account_id or f"(creating) {self.public_id}"

    @property
    def can_receive_transfers(self) -> bool:
        return self.transfers_capability == self.Transfers.ACTIVE and self.payouts_enabled


class StripeEvent(models.Model):
    """One webhook event, stored once (unique id) and processed once (``processed_at`` set in
    the transaction that applies it). Replays and duplicates find the row and do nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    account = models.CharField(max_length=64, blank=True)  # a connected account's event
    livemode = models.BooleanField(default=False)
    stripe_created = models.DateTimeField()  # the event's ``created``
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)  # failed processing attempts
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=("received_at",),
                condition=Q(processed_at__isnull=True),
                name="stripe_event_unprocessed",
            ),
            models.Index(fields=("type", "-stripe_created"), name="stripe_event_type_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"

    @property
    def data_object(self) -> dict[str, Any]:
        data = self.payload.get("data") or {}
        obj = data.get("object") if isinstance(data, dict) else None
        return obj if isinstance(obj, dict) else {}


class Funding(PublicIdModel):
    """A brand paying money in for a campaign through Stripe Checkout.

    One row per Checkout Session (unique session id): ``checkout.session.completed`` — however
    often it is delivered — and the success page both record the payment on this row once."""

    public_id_prefix = "fnd"

    class Status(models.TextChoices):
        CREATING = "creating", "Creating"  # the Checkout Session is being created
        OPEN = "open", "Waiting for payment"
        PAID = "paid", "Paid"
        EXPIRED = "expired", "Expired"
        FAILED = "failed", "Could not start"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="fundings")
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CREATING)
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    paid_cents = models.BigIntegerField(default=0)  # what Stripe says was paid
    paid_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure_reason = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(
                fields=("organization", "campaign", "-created_at"), name="funding_campaign"
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="funding_amount_pos"),
            models.CheckConstraint(condition=Q(paid_cents__gte=0), name="funding_paid_nonneg"),
            models.CheckConstraint(
                condition=Q(status__in=["creating", "open", "paid", "expired", "failed"]),
                name="funding_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.amount_cents} {self.currency} ({self.status})"


class PayoutRun(PublicIdModel):
    """One pass over creators' payable money: scheduled (all organizations) or started by a
    brand admin (their organization). Counts are filled in as it finishes."""

    public_id_prefix = "prun"

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        MANUAL = "manual", "Manual"

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # None: a scheduled run over every organization
    brand = models.ForeignKey(
        "organizations.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # a brand-limited admin's run
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    payouts_created = models.PositiveIntegerField(default=0)
    payouts_paid = models.PositiveIntegerField(default=0)
    payouts_failed = models.PositiveIntegerField(default=0)
    payouts_pending = models.PositiveIntegerField(default=0)  # Stripe's answer still unknown
    skipped_creators = models.PositiveIntegerField(default=0)  # no connected account yet

    # A brand-limited member sees only their brand's runs (the one queryset helper applies it).
    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-started_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger__in=["scheduled", "manual"]), name="payout_run_trigger_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.trigger})"


class Payout(PublicIdModel):
    """One Stripe Transfer of a creator's payable money in one currency (one brand's campaigns).

    The row is written, and the money moved payable → in_transit in the ledger, in one
    transaction before Stripe is called; the transfer is created with the idempotency key
    ``payout-<public_id>``, so however often it is retried (crash, second worker) Stripe makes
    one transfer for this row."""

    public_id_prefix = "pay"

    class State(models.TextChoices):
        PENDING = "pending", "Sending"  # in the ledger's in_transit; Stripe's answer not recorded
        IN_TRANSIT = "in_transit", "In transit"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"  # back to payable, retried by the next run
        REVERSED = "reversed", "Reversed"  # Stripe reversed the transfer: back to payable

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey("organizations.Brand", on_delete=models.PROTECT, related_name="+")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.PROTECT, related_name="payouts")
    run = models.ForeignKey(
        PayoutRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="payouts"
    )
    currency = models.CharField(max_length=3)
    amount_cents = models.BigIntegerField()
    # [{"campaign_id": int, "campaign": public id, "amount_cents": int}] in campaign id order
    parts = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    failure_code = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    stripe_transfer_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    destination = models.CharField(max_length=64, blank=True)
    transferred_at = models.DateTimeField(null=True, blank=True)  # we recorded the transfer
    # Stripe's ``created`` of the transfer: a connected account's payout.paid settles the
    # transfers made before that payout.
    transfer_created_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)  # settled: in_transit → paid
    # The first Stripe call under the idempotency key: Stripe may forget a key after 24 h, so a
    # pending payout older than that asks Stripe for the transfer before sending again.
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    # A pending payout whose answer was lost is asked again from this time (growing delay).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    reversed_cents = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("state", "created_at"), name="payout_state"),
            models.Index(
                fields=("destination", "transfer_created_at"),
                condition=Q(state="in_transit"),
                name="payout_in_transit",
            ),
            models.Index(fields=("creator", "-created_at"), name="payout_creator"),
            models.Index(fields=("organization", "-created_at"), name="payout_org"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payout_amount_pos"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "in_transit", "paid", "failed", "reversed"]),
                name="payout_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.amount_cents} {self.currency} ({self.state})"

    @property
    def idempotency_key(self) -> str:
        return f"payout-{self.public_id}"

    @property
    def campaign_public_ids(self) -> list[str]:
        return [str(part["campaign"]) for part in self.parts]


class PayoutRetry(PublicIdModel):
    """A creator's money (one brand, one currency) whose last payout Stripe refused: how often
    it failed, why, and when a run may try again — a growing delay, or (the account cannot
    receive transfers) not before ``account.updated`` says it can. Deleted when a transfer is
    made; one row per group (unique), so concurrent failures update one record."""

    public_id_prefix = "prt"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey("organizations.Brand", on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="payout_retries"
    )
    currency = models.CharField(max_length=3)
    attempts = models.PositiveIntegerField(default=0)  # failed payouts in a row
    failure_code = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    # None: waiting for the creator's Stripe account (released by account.updated).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_payout = models.ForeignKey(
        Payout, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            # Led by the tenant (DESIGN: Tenancy), like every tenant table's constraints.
            models.UniqueConstraint(
                fields=("organization", "brand", "creator", "currency"),
                name="payout_retry_org_group_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.currency} x{self.attempts} ({self.failure_code})"

    @property
    def waits_for_account(self) -> bool:
        return self.next_attempt_at is None


class ApiIdempotencyKey(models.Model):
    """A money-moving API POST's ``Idempotency-Key``: the request's fingerprint and the saved
    response, so a retry gets the same answer and another body under the key an error."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # None: in progress
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Keys belong to the organization's API callers, not to one brand.
    brand_path: ClassVar[str | None] = None
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "endpoint", "key"), name="api_idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
