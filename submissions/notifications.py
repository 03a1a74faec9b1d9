"""The notification kinds submissions send, and who gets them (see recruitment/notifications.py
for the pattern: a sentence from a small JSON-safe context, sent inside the service's
transaction, e-mailed on commit)."""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.urls import reverse

from campaigns.models import Campaign
from notifications.models import Notification
from notifications.registry import Audience, NotificationKind, Rendered, register
from notifications.services import notification_send
from organizations.roles import Scope
from recruitment.notifications import campaign_context, campaign_members_with_scope
from users.models import User


class Kind(StrEnum):
    SUBMISSION_RECEIVED = "submission_received"  # a draft or live post waits for review
    SUBMISSION_DECIDED = "submission_decided"  # the creator hears the decision
    SUBMISSION_DUE_REMINDER = "submission_due_reminder"


def _slot_page(c: Mapping[str, Any]) -> str:
    return reverse("submissions:slot", kwargs={"slot_id": c["slot_id"]})


def _review_page(c: Mapping[str, Any]) -> str:
    return reverse(
        "submissions:detail",
        kwargs={"org_slug": c["org_slug"], "submission_id": c["submission_id"]},
    )


def _received(c: Mapping[str, Any]) -> Rendered:
    what = "a live post" if c["target"] == "post" else f"draft {c.get('version', 1)}"
    return Rendered(f"{c['creator']} sent {what} for {c['campaign']}", "", _review_page(c))


_DECIDED_TITLES = {
    "approve": "approved your {what} for {campaign}",
    "request_changes": "asked for changes to your {what} for {campaign}",
    "reject": "rejected your {what} for {campaign}",
}


def _decided(c: Mapping[str, Any]) -> Rendered:
    what = "live post" if c["target"] == "post" else "draft"
    title = f"{c['brand']} " + _DECIDED_TITLES[c["decision"]].format(
        what=what, campaign=c["campaign"]
    )
    body = ""
    if c.get("feedback"):
        body = f'{c["brand"]} said: "{c["feedback"]}"'
    if c["decision"] == "approve" and c["target"] == "draft":
        body = (body + "\n\n" if body else "") + "Post it, then paste the post's link in Chorus."
    if c.get("automatic"):
        body = (body + "\n\n" if body else "") + "Approved automatically: no decision in time."
    return Rendered(title, body, _slot_page(c))


def _due_reminder(c: Mapping[str, Any]) -> Rendered:
    what = "draft" if c["what"] == "draft" else "live post"
    return Rendered(
        f"Your {what} for {c['campaign']} is due on {c['due']}",
        f"{c['brand']} expects your {what} ({c['deliverable']}) by {c['due']}.",
        _slot_page(c),
    )


KINDS = [
    NotificationKind(
        Kind.SUBMISSION_RECEIVED,
        "Submission received",
        Audience.MEMBERS,
        _received,
        email_template=None,  # reviewers work from the queue; no e-mail per item
    ),
    NotificationKind(Kind.SUBMISSION_DECIDED, "Submission decided", Audience.CREATORS, _decided),
    NotificationKind(
        Kind.SUBMISSION_DUE_REMINDER, "Submission due", Audience.CREATORS, _due_reminder
    ),
]


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)


def notify(
    kind: Kind,
    *,
    recipients: Iterable[User],
    campaign: Campaign,
    email: bool = True,
    **context: Any,
) -> list[Notification]:
    return notification_send(
        kind=kind,
        recipients=recipients,
        organization=campaign.organization,
        context=campaign_context(campaign) | context,
        email=email,
    )


def reviewers_for_campaign(campaign: Campaign) -> list[User]:
    """Members who may review this campaign's submissions (one query)."""
    return campaign_members_with_scope(campaign, Scope.SUBMISSIONS_REVIEW)
