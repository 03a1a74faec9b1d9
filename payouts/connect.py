"""Stripe Connect onboarding of creators: their connected account, hosted onboarding links, and
the account's state as Stripe reports it.

The account is created with controller properties (Stripe collects requirements and takes the
losses' risk off the creator's hands; an Express dashboard for the creator) and the transfers
capability. Its state is never taken from an event's payload: on ``account.updated`` and on the
onboarding return URL we ask the API (``accounts.retrieve``) and store what it says, so events
arriving late, twice or out of order all converge on Stripe's current state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import stripe
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from creators.models import CreatorProfile
from payouts.events import handles
from payouts.models import ConnectedAccount, StripeEvent
from payouts.retries import retry_release_account
from payouts.stripe_api import as_dict, stripe_client, unavailable


def _create_params(creator: CreatorProfile) -> dict[str, Any]:
    params: dict[str, Any] = {
        "controller": {
            "fees": {"payer": "application"},
            "losses": {"payments": "application"},
            "requirement_collection": "stripe",
            "stripe_dashboard": {"type": "express"},
        },
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"chorus_creator": creator.public_id},
    }
    email = getattr(creator.user, "email", "")
    if email:
        params["email"] = email
    if creator.country:
        params["country"] = creator.country
    return params


def connected_account_start(
    *, creator: CreatorProfile, request: HttpRequest | None = None
) -> tuple[ConnectedAccount, str]:
    """Make sure the creator has a Stripe account; return it and a fresh onboarding link.

    The account is created with an Idempotency-Key derived from our row, so a retry after a
    crash (or a double click) gets the same Stripe account back, never a second one."""
    with transaction.atomic(durable=True):
        account, _ = ConnectedAccount.objects.get_or_create(creator=creator)
    client = stripe_client()
    try:
        if account.stripe_account_id is None:
            key = f"chorus-connect-account-{account.public_id}-{account.creation_attempt}"
            try:
                created = client.v1.accounts.create(
                    params=_create_params(creator),  # type: ignore[arg-type]
                    options={"idempotency_key": key},
                )
            except stripe.StripeError as exc:
                if isinstance(exc.json_body, dict) and "error" in exc.json_body:
                    # Stripe answered with an error, which it keeps under the key and would
                    # replay: the next try needs a new key. Without Stripe's answer (network
                    # error, a proxy's 502) the key stays: the account may exist, and the
                    # retry with the same key gets it back.
                    ConnectedAccount.objects.filter(pk=account.pk).update(
                        creation_attempt=F("creation_attempt") + 1
                    )
                raise
            with transaction.atomic(durable=True):
                ConnectedAccount.objects.filter(
                    pk=account.pk, stripe_account_id__isnull=True
                ).update(stripe_account_id=created.id)
                account = _apply(account.pk, as_dict(created))
        link = client.v1.account_links.create(
            params={
                "account": account.stripe_account_id or "",
                "type": "account_onboarding",
                "return_url": absolute_url(reverse("payouts:connect_return"), request),
                "refresh_url": absolute_url(reverse("payouts:connect_refresh"), request),
                "collect": "eventually_due",
            }
        )
    except stripe.StripeError as exc:
        raise unavailable(exc) from exc
    return account, link.url


def connected_account_sync(*, account: ConnectedAccount) -> ConnectedAccount:
    """Read the account from Stripe and store what it says (the return URL, a manual refresh)."""
    if not account.stripe_account_id:
        return account
    try:
        remote = stripe_client().v1.accounts.retrieve(account.stripe_account_id)
    except stripe.StripeError as exc:
        raise unavailable(exc) from exc
    with transaction.atomic(durable=True):
        return _apply(account.pk, as_dict(remote))


def _apply(account_pk: int, remote: dict[str, Any]) -> ConnectedAccount:
    """Store Stripe's view of the account on our row (locked). Call inside a transaction."""
    account = ConnectedAccount.objects.select_for_update().get(pk=account_pk)
    requirements = remote.get("requirements") or {}
    capabilities = remote.get("capabilities") or {}
    deadline = requirements.get("current_deadline")
    due = [*requirements.get("past_due", []), *requirements.get("currently_due", [])]
    account.details_submitted = bool(remote.get("details_submitted"))
    account.charges_enabled = bool(remote.get("charges_enabled"))
    account.payouts_enabled = bool(remote.get("payouts_enabled"))
    transfers = capabilities.get("transfers") or ""
    account.transfers_capability = transfers if transfers in ConnectedAccount.Transfers else ""
    account.requirements_due = list(dict.fromkeys(due))
    account.requirements_pending = list(requirements.get("pending_verification") or [])
    account.disabled_reason = (requirements.get("disabled_reason") or "")[:100]
    account.requirements_deadline = (
        datetime.fromtimestamp(deadline, tz=UTC) if isinstance(deadline, int) else None
    )
    account.synced_at = timezone.now()
    account.save(
        update_fields=[
            "details_submitted",
            "charges_enabled",
            "payouts_enabled",
            "transfers_capability",
            "requirements_due",
            "requirements_pending",
            "disabled_reason",
            "requirements_deadline",
            "synced_at",
            "updated_at",
        ]
    )
    if account.can_receive_transfers:
        # Payouts refused for the account's sake go in the next run (payouts.retries).
        retry_release_account(creator_id=account.creator_id)
    return account


@handles("account.updated")
def account_updated(event: StripeEvent) -> None:
    """Converge on what the API says now (the payload may be older than what we have)."""
    account_id = event.account or str(event.data_object.get("id") or "")
    account = ConnectedAccount.objects.filter(stripe_account_id=account_id).first()
    if account is None:
        return  # not one of our creators' accounts (or deleted since): nothing to do
    # A failure raises: the event stays unprocessed and is retried (payouts.events).
    remote = stripe_client().v1.accounts.retrieve(account_id)
    _apply(account.pk, as_dict(remote))
