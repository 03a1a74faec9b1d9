"""The notification kinds recruitment sends, and who gets them.

Each kind renders a sentence that names the campaign and the people in it from a small JSON-safe
context (kept on the row as ``data``); the services below choose the recipients and call
``notify`` inside their transaction (e-mails leave on commit, through the notifications app).
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.urls import reverse

from campaigns.models import Campaign
from notifications.models import Notification
from notifications.registry import Audience, NotificationKind, Rendered, register
from notifications.services import notification_send
from organizations.models import Membership
from organizations.roles import Scope, role_has_scope
from users.models import User


class Kind(StrEnum):
    INVITATION_RECEIVED = "invitation_received"
    INVITATION_ANSWERED = "invitation_answered"
    INVITATION_WITHDRAWN = "invitation_withdrawn"
    APPLICATION_RECEIVED = "application_received"
    APPLICATION_DECIDED = "application_decided"
    PARTICIPATION_CANCELLED = "participation_cancelled"
    DEADLINE_REMINDER = "deadline_reminder"


def _my_work() -> str:
    return reverse("recruitment:my_work")


def _queue(c: Mapping[str, Any]) -> str:
    return reverse(
        "recruitment:applications_for_campaign",
        kwargs={"org_slug": c["org_slug"], "campaign_id": c["campaign_id"]},
    )


def _participants(c: Mapping[str, Any]) -> str:
    return reverse(
        "recruitment:participations_for_campaign",
        kwargs={"org_slug": c["org_slug"], "campaign_id": c["campaign_id"]},
    )


def _invitation_received(c: Mapping[str, Any]) -> Rendered:
    deadline = f" Reply by {c['deadline']}." if c.get("deadline") else ""
    body = f"{c['brand']} invites you to {c['campaign']}, paying {c['fee']} per creator.{deadline}"
    if c.get("message"):
        body += f'\n\n"{c["message"]}"'
    return Rendered(f"{c['brand']} invited you to {c['campaign']}", body, _my_work())


def _invitation_answered(c: Mapping[str, Any]) -> Rendered:
    return Rendered(
        f"{c['creator']} {c['verb']} your invitation to {c['campaign']}", "", _participants(c)
    )


def _invitation_withdrawn(c: Mapping[str, Any]) -> Rendered:
    return Rendered(f"{c['brand']} withdrew its invitation to {c['campaign']}", "", _my_work())


def _application_received(c: Mapping[str, Any]) -> Rendered:
    return Rendered(f"{c['creator']} applied to {c['campaign']}", c.get("pitch", ""), _queue(c))


def _application_decided(c: Mapping[str, Any]) -> Rendered:
    decision = c["decision"]
    if decision == "accepted":
        title = f"You're in: {c['campaign']}"
        body = (
            f"{c['brand']} accepted you for {c['campaign']}.\n"
            f"Your tracking link: {c['tracking_url']}\n"
            f"Your promo code: {c['promo_code']}\n"
            f"You are paid within {c['pay_by_days']} days of each approved post."
        )
    elif decision == "waitlisted":
        title = f"You're on the wait-list for {c['campaign']}"
        body = f"{c['brand']} may offer you a place if one opens up."
    else:
        title = f"Your application to {c['campaign']} was not accepted"
        body = f"{c['brand']} chose other creators this time. Keep applying!"
    if c.get("reason"):
        body += f'\n\n{c["brand"]} said: "{c["reason"]}"'
    return Rendered(title, body, _my_work())


def _participation_cancelled(c: Mapping[str, Any]) -> Rendered:
    return Rendered(
        f"{c['brand']} took you off {c['campaign']}",
        "Questions? Reply to the brand through your usual contact.",
        _my_work(),
    )


def _deadline_reminder(c: Mapping[str, Any]) -> Rendered:
    return Rendered(
        f"2 days left to answer {c['brand']}'s invitation",
        f"Your invitation to {c['campaign']} closes on {c['deadline']}. "
        "Accept or decline it in My work.",
        _my_work(),
    )


KINDS = [
    NotificationKind(
        Kind.INVITATION_RECEIVED, "Invitation received", Audience.CREATORS, _invitation_received
    ),
    NotificationKind(
        Kind.INVITATION_ANSWERED, "Invitation answered", Audience.MEMBERS, _invitation_answered
    ),
    NotificationKind(
        Kind.INVITATION_WITHDRAWN,
        "Invitation withdrawn",
        Audience.CREATORS,
        _invitation_withdrawn,
        email_template=None,  # nothing to do about it: in the app only
    ),
    NotificationKind(
        Kind.APPLICATION_RECEIVED,
        "Application received",
        Audience.MEMBERS,
        _application_received,
        email_template=None,  # a team gets these in the app; the queue is where they act
    ),
    NotificationKind(
        Kind.APPLICATION_DECIDED, "Application decided", Audience.CREATORS, _application_decided
    ),
    NotificationKind(
        Kind.PARTICIPATION_CANCELLED,
        "Participation cancelled",
        Audience.CREATORS,
        _participation_cancelled,
    ),
    NotificationKind(
        Kind.DEADLINE_REMINDER, "Deadline reminder", Audience.CREATORS, _deadline_reminder
    ),
]


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)


def campaign_context(campaign: Campaign) -> dict[str, Any]:
    """What every recruitment notice says about its campaign."""
    return {
        "campaign_id": campaign.public_id,
        "campaign": campaign.name,
        "brand": campaign.brand.name,
        "org_slug": campaign.organization.slug,
    }


def notify(
    kind: Kind,
    *,
    recipients: Iterable[User],
    campaign: Campaign,
    email: bool = True,
    **context: Any,
) -> list[Notification]:
    """Notify ``recipients`` about ``campaign`` (its organization is the tenant)."""
    return notification_send(
        kind=kind,
        recipients=recipients,
        organization=campaign.organization,
        context=campaign_context(campaign) | context,
        email=email,
    )


def campaign_members_with_scope(campaign: Campaign, scope: Scope) -> list[User]:
    """Active members of the campaign's organization whose role grants ``scope`` and who are
    not limited to another brand (one query): who is told about work on this campaign."""
    memberships = Membership.objects.filter(
        organization_id=campaign.organization_id, user__is_active=True
    ).select_related("user")
    return [
        m.user
        for m in memberships
        if role_has_scope(m.role, scope) and (m.brand_id is None or m.brand_id == campaign.brand_id)
    ]


def recruiters_for_campaign(campaign: Campaign) -> list[User]:
    """The campaign's organization members who may decide on applications (one query)."""
    return campaign_members_with_scope(campaign, Scope.RECRUITMENT_WRITE)
