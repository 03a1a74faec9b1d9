"""Funding: a brand pays a campaign's budget in through Stripe Checkout.

``funding_start`` opens a Checkout Session for what is left to fund (a Funding row first, then
the session, created with an Idempotency-Key derived from that row). The payment is recorded by
``funding_record_paid`` — from the ``checkout.session.completed`` webhook, or from the success
page asking Stripe, whichever comes first — exactly once: under the Funding row's lock, a row
already paid is left alone, and the session id is unique.

Recording a payment adds it to ``Campaign.funded_cents`` and runs the registered *postings*
(``on_funding_recorded``) in the same transaction. The ledger app registers its posting there
(funded ← funding, key ``funding:<funding public id>``): one function, wired where the ledger is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import stripe
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from core.errors import ChorusError
from core.links import absolute_url
from core.ownership import require_owns
from core.taxonomy import format_money
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.roles import Scope
from payouts.events import handles
from payouts.models import Funding, StripeEvent
from payouts.stripe_api import as_dict, stripe_client, unavailable

logger = logging.getLogger(__name__)

# Checkout Sessions live 24 h; an open one younger than this is offered again, not duplicated.
REUSE_OPEN_SESSION_FOR = timedelta(hours=23)

FundingPosting = Callable[[Funding], None]
_POSTINGS: list[FundingPosting] = []


def on_funding_recorded(posting: FundingPosting) -> FundingPosting:
    """Register ``posting(funding)``: called once per paid Funding, inside the transaction that
    records it (the row is locked and ``status == "paid"``, ``paid_cents`` set). It must not
    call out of the database; raising rolls the recording back (and the webhook is retried)."""
    if posting not in _POSTINGS:
        _POSTINGS.append(posting)
    return posting


def funding_start(
    *, access: OrgAccess, campaign: Campaign, request: HttpRequest | None = None
) -> Funding:
    """A Checkout Session for the part of the budget not funded yet; returns the Funding row,
    whose ``checkout_url`` is where the brand pays."""
    access.require(Scope.PAYOUTS_WRITE)
    require_owns(access, campaign, what="campaign")
    with transaction.atomic(durable=True):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        to_fund = locked.budget_cents - locked.funded_cents
        if locked.status in (Campaign.Status.COMPLETED, Campaign.Status.ARCHIVED):
            raise ChorusError(
                "campaign_closed",
                "A completed or archived campaign cannot be funded.",
                status_code=409,
            )
        if to_fund <= 0:
            raise ChorusError(
                "already_funded",
                "This campaign's budget is funded already: raise the budget to fund more.",
                status_code=409,
            )
        reusable = (
            Funding.objects.for_access(access)
            .filter(
                campaign=locked,
                status=Funding.Status.OPEN,
                amount_cents=to_fund,
                created_at__gte=timezone.now() - REUSE_OPEN_SESSION_FOR,
            )
            .first()
        )
        if reusable is not None:
            return reusable
        funding = Funding.objects.create(
            organization=access.organization,
            campaign=locked,
            amount_cents=to_fund,
            currency=locked.currency,
            created_by=access.user if access.user and access.user.is_authenticated else None,
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="funding.started",
            target=funding,
            data={
                "campaign": locked.public_id,
                "amount_cents": to_fund,
                "currency": locked.currency,
            },
        )
    return _open_checkout(funding, locked, request)


def _open_checkout(funding: Funding, campaign: Campaign, request: HttpRequest | None) -> Funding:
    slug = campaign.organization.slug
    page = reverse(
        "payouts:campaign_funding", kwargs={"org_slug": slug, "campaign_id": campaign.public_id}
    )
    back = reverse(
        "payouts:funding_return", kwargs={"org_slug": slug, "campaign_id": campaign.public_id}
    )
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": funding.currency.lower(),
                    "unit_amount": funding.amount_cents,
                    "product_data": {"name": f"Campaign budget: {campaign.name}"[:250]},
                },
            }
        ],
        "success_url": absolute_url(back, request) + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": absolute_url(page, request),
        "client_reference_id": funding.public_id,
        "metadata": {
            "chorus_funding": funding.public_id,
            "chorus_campaign": campaign.public_id,
            "chorus_organization": campaign.organization.public_id,
        },
        "payment_intent_data": {"transfer_group": campaign.public_id},
    }
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": f"chorus-funding-{funding.public_id}"},
        )
    except stripe.StripeError as exc:
        Funding.objects.filter(pk=funding.pk, status=Funding.Status.CREATING).update(
            status=Funding.Status.FAILED, failure_reason=str(exc.user_message or exc)[:500]
        )
        raise unavailable(exc) from exc
    with transaction.atomic(durable=True):
        Funding.objects.filter(pk=funding.pk, status=Funding.Status.CREATING).update(
            status=Funding.Status.OPEN,
            checkout_session_id=session.id,
            checkout_url=session.url or "",
        )
        _queue_expiry(campaign.pk)  # sessions opened for an older amount are stale now
    funding.refresh_from_db()
    return funding


def _queue_expiry(campaign_id: int) -> None:
    from payouts.funding_expiry import funding_expiry_queue  # it imports this module

    funding_expiry_queue(campaign_id=campaign_id)


def funding_sync(*, access: OrgAccess, campaign: Campaign, session_id: str) -> Funding | None:
    """The success page: ask Stripe about the session and record it if paid (the webhook may
    not have arrived yet). A session that is not this campaign's answers None."""
    funding = (
        Funding.objects.for_access(access)
        .filter(campaign=campaign, checkout_session_id=session_id)
        .first()
    )
    if funding is None or funding.status != Funding.Status.OPEN:
        return funding
    try:
        session = stripe_client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as exc:
        raise unavailable(exc) from exc
    with transaction.atomic(durable=True):
        return funding_record_paid(session=as_dict(session)) or funding


def funding_record_paid(*, session: dict[str, Any]) -> Funding | None:
    """Record a paid Checkout Session once. Call inside a transaction. Returns the Funding (None
    when the session is not ours or not paid)."""
    if session.get("mode") != "payment" or session.get("payment_status") not in (
        "paid",
        "no_payment_required",
    ):
        return None
    funding = (
        Funding.objects.select_for_update().filter(checkout_session_id=session.get("id")).first()
    )
    if funding is None:
        # The session was created but we crashed before saving its id: the metadata names us.
        reference = (session.get("metadata") or {}).get("chorus_funding") or ""
        funding = (
            Funding.objects.select_for_update()
            .filter(public_id=reference, checkout_session_id__isnull=True)
            .first()
        )
        if funding is None:
            logger.info("checkout session %s is not a Chorus funding", session.get("id"))
            return None
        funding.checkout_session_id = session.get("id")
    if funding.status == Funding.Status.PAID:
        return funding  # recorded already: a replay, or the success page came first
    amount = session.get("amount_total")
    currency = str(session.get("currency") or "").upper()
    if not isinstance(amount, int) or currency != funding.currency:
        logger.error("checkout session %s: amount or currency is not ours", session.get("id"))
        return None
    funding.status = Funding.Status.PAID
    funding.paid_cents = amount
    funding.paid_at = timezone.now()
    funding.payment_intent_id = str(session.get("payment_intent") or "")[:255]
    funding.save(
        update_fields=[
            "status",
            "paid_cents",
            "paid_at",
            "payment_intent_id",
            "checkout_session_id",
            "updated_at",
        ]
    )
    Campaign.objects.filter(pk=funding.campaign_id).update(funded_cents=F("funded_cents") + amount)
    _queue_expiry(funding.campaign_id)  # other open sessions no longer match what is left
    for posting in _POSTINGS:
        posting(funding)
    audit_record(
        organization=funding.organization,
        action="funding.paid",
        target=funding,
        data={
            "campaign": funding.campaign.public_id,
            "amount": format_money(amount, funding.currency),
            "amount_cents": amount,
        },
    )
    return funding


def funding_requirement_set(*, access: OrgAccess, campaign: Campaign, required: bool) -> Campaign:
    """Whether the campaign must be fully funded before it can be published."""
    access.require(Scope.PAYOUTS_WRITE)
    require_owns(access, campaign, what="campaign")
    with transaction.atomic(durable=True):
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.requires_funding != required:
            locked.requires_funding = required
            locked.save(update_fields=["requires_funding", "updated_at"])
            audit_record(
                organization=access.organization,
                access=access,
                action="campaign.funding_required" if required else "campaign.funding_optional",
                target=locked,
                data={"requires_funding": required},
            )
    return locked


@handles("checkout.session.completed", "checkout.session.async_payment_succeeded")
def checkout_session_completed(event: StripeEvent) -> None:
    funding_record_paid(session=event.data_object)


@handles("checkout.session.expired")
def checkout_session_expired(event: StripeEvent) -> None:
    Funding.objects.filter(
        checkout_session_id=event.data_object.get("id"), status=Funding.Status.OPEN
    ).update(status=Funding.Status.EXPIRED, updated_at=timezone.now())
