"""Read queries for payouts pages: the creator's payout setup, a campaign's funding."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import Campaign
from creators.models import CreatorProfile
from organizations.access import OrgAccess
from payouts.models import ConnectedAccount, Funding

# Stripe requirement codes → what a creator would call them (by prefix, most specific first).
_REQUIREMENT_LABELS = (
    ("individual.verification", "An identity document"),
    ("external_account", "Your bank account"),
    ("tos_acceptance", "Accepting Stripe's terms"),
    ("individual.ssn_last_4", "Tax details (last 4 of your SSN)"),
    ("individual.id_number", "Tax details (ID number)"),
    ("individual", "Your personal details (name, date of birth, address)"),
    ("business_profile", "What you do (your website or social profile)"),
)


def requirement_labels(codes: list[str]) -> list[str]:
    """Readable, de-duplicated labels for Stripe's requirement codes."""
    labels: list[str] = []
    for code in codes:
        label = next(
            (text for prefix, text in _REQUIREMENT_LABELS if code.startswith(prefix)), None
        )
        label = label or "Other details Stripe asks for"
        if label not in labels:
            labels.append(label)
    return labels


@dataclass(frozen=True)
class PayoutSetup:
    """Where a creator stands with payouts, and what to do next."""

    state: str  # none | started | needs_info | verifying | enabled | paused
    title: str
    text: str
    action: str | None  # label of the button that opens Stripe's onboarding, if any
    missing: list[str]

    @property
    def done(self) -> bool:
        return self.state == "enabled"


def connected_account_for_creator(creator: CreatorProfile) -> ConnectedAccount | None:
    return ConnectedAccount.objects.filter(creator=creator).first()


def payout_setup(account: ConnectedAccount | None) -> PayoutSetup:
    if account is None or account.stripe_account_id is None:
        return PayoutSetup(
            "none",
            "Set up payouts",
            "Chorus pays you through Stripe, as soon as a post is approved. Setting up takes "
            "about five minutes: your bank account, your details and your tax information, "
            "entered on Stripe's own pages.",
            "Set up payouts",
            [],
        )
    missing = requirement_labels(account.requirements_due)
    if account.can_receive_transfers:
        if missing:
            return PayoutSetup(
                "enabled",
                "Payouts are on",
                "You are paid automatically. Stripe will need a few more details soon; add them "
                "now so payouts never pause.",
                "Add the details",
                missing,
            )
        return PayoutSetup(
            "enabled",
            "Payouts are on",
            "Approved posts are paid to your bank account automatically.",
            None,
            [],
        )
    if not account.details_submitted:
        return PayoutSetup(
            "started",
            "Finish setting up payouts",
            "You started on Stripe but did not finish. Pick up where you left off.",
            "Continue on Stripe",
            missing,
        )
    if missing:
        return PayoutSetup(
            "needs_info",
            "Stripe needs more information",
            "Payouts are paused until you add what Stripe asks for.",
            "Add the details",
            missing,
        )
    if account.requirements_pending or account.transfers_capability == "pending":
        return PayoutSetup(
            "verifying",
            "Stripe is checking your details",
            "This usually takes a few minutes, sometimes a day or two. Nothing to do: we show "
            "it here as soon as payouts are on.",
            None,
            requirement_labels(account.requirements_pending),
        )
    return PayoutSetup(
        "paused",
        "Payouts are paused",
        "Stripe has paused payouts on your account"
        + (f" ({account.disabled_reason.replace('_', ' ')})" if account.disabled_reason else "")
        + ". Open Stripe to see what it needs.",
        "Open Stripe",
        missing,
    )


def fundings_for_campaign(access: OrgAccess, campaign: Campaign) -> list[Funding]:
    return list(
        Funding.objects.for_access(access)
        .filter(campaign=campaign)
        .order_by("-created_at", "-id")[:50]
    )
