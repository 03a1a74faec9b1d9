"""In-app notifications, e-mailed too when they matter. Called inside the caller's transaction:
the row is written with the change it describes, the e-mail leaves on commit (never before)."""

from collections.abc import Iterable

from django.db import transaction

from campaigns.models import Campaign
from core.ids import new_public_id
from core.links import absolute_url
from core.tasks import send_email
from organizations.models import Membership, Organization
from organizations.roles import role_has_scope
from recruitment.models import Notification
from users.models import User


def notify(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    organization: Organization | None = None,
    email: bool = True,
) -> Notification:
    """One notice for one user; with ``email`` the same text goes out by e-mail on commit."""
    notification = Notification.objects.create(
        recipient=recipient,
        organization=organization,
        kind=kind,
        title=title[:200],
        body=body,
        url=url[:500],
    )
    if email and recipient.email:
        text = body
        if url:
            text = f"{body}\n\n{absolute_url(url)}" if body else absolute_url(url)
        to, subject = [recipient.email], title[:200]
        transaction.on_commit(lambda: send_email.delay(to=to, subject=subject, body=text))
    return notification


def notify_many(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    organization: Organization | None = None,
) -> list[Notification]:
    """The same in-app notice for several users (no e-mail: a team gets these in the app)."""
    rows = [
        Notification(
            recipient=user,
            organization=organization,
            kind=kind,
            title=title[:200],
            body=body,
            url=url[:500],
        )
        for user in {u.pk: u for u in recipients}.values()
    ]
    for row in rows:  # bulk_create skips save(), where public ids are made
        row.public_id = new_public_id(Notification.public_id_prefix)
    return Notification.objects.bulk_create(rows)


def recruiters_for_campaign(campaign: Campaign) -> list[User]:
    """The campaign's organization members who may decide on applications (one query)."""
    memberships = (
        Membership.objects.filter(organization_id=campaign.organization_id)
        .select_related("user")
        .filter(user__is_active=True)
    )
    return [
        m.user
        for m in memberships
        if role_has_scope(m.role, "recruitment:write")
        and (m.brand_id is None or m.brand_id == campaign.brand_id)
    ]
