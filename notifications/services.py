"""Sending notifications and marking them read.

``notification_send`` is called inside the caller's transaction: the rows are written with the
change they describe, and each e-mail is enqueued on commit through ``notification_email_enqueue``
(the one place that hands e-mail to the broker: through the transactional outbox, core.outbox).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.errors import NotFound
from core.ids import new_public_id
from core.outbox import outbox_enqueue
from notifications.models import Notification
from notifications.registry import RecipientNotAllowed, audience_check, kind_get
from organizations.models import Organization
from users.models import User

TITLE_MAX = 200
URL_MAX = 500


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def notification_send(
    *,
    kind: str,
    recipients: Iterable[User],
    organization: Organization | None,
    context: Mapping[str, Any],
    email: bool = True,
) -> list[Notification]:
    """Notify each of ``recipients`` (chosen by the caller) with one row each.

    ``context`` is JSON-safe data the kind renders into a sentence and a link (and is kept on
    the row). With ``email`` and a kind that has an e-mail template, each recipient with an
    address is e-mailed after commit. Refuses an unknown kind, a tenant kind without an
    organization, and recipients outside the kind's audience.
    """
    spec = kind_get(kind)
    if organization is None and not spec.personal:
        raise ValueError(f"Notification kind {kind!r} concerns a tenant: pass its organization.")
    people = list({u.pk: u for u in recipients}.values())
    if not people:
        return []
    allowed = audience_check(spec.audience)({u.pk for u in people}, organization)
    refused = [u.pk for u in people if u.pk not in allowed]
    if refused:
        raise RecipientNotAllowed(
            f"Users {refused} are not in the audience ({spec.audience}) of {kind!r}."
        )
    rendered = spec.render(context)
    wants_email = bool(email and spec.email_template)
    rows = [
        Notification(
            public_id=new_public_id(Notification.public_id_prefix),  # bulk_create skips save()
            recipient=user,
            organization=organization,
            kind=spec.key,
            title=rendered.title[:TITLE_MAX],
            body=rendered.body,
            url=rendered.url[:URL_MAX],
            data=dict(context),
            email_wanted=wants_email and bool(user.email),
        )
        for user in people
    ]
    created = Notification.objects.bulk_create(rows)
    for row in created:
        if row.email_wanted:
            notification_email_enqueue(notification_id=row.pk)
    return created


def notification_send_many(
    *,
    kind: str,
    organization: Organization | None,
    messages: Sequence[tuple[User, Mapping[str, Any]]],
    email: bool = True,
) -> list[Notification]:
    """One notification per ``(recipient, context)`` of one kind, in one insert and one audience
    check (bulk decisions notify hundreds of creators at once). Same rules as
    ``notification_send``."""
    spec = kind_get(kind)
    if organization is None and not spec.personal:
        raise ValueError(f"Notification kind {kind!r} concerns a tenant: pass its organization.")
    if not messages:
        return []
    user_ids = {user.pk for user, _ in messages}
    allowed = audience_check(spec.audience)(user_ids, organization)
    refused = sorted(user_ids - set(allowed))
    if refused:
        raise RecipientNotAllowed(
            f"Users {refused} are not in the audience ({spec.audience}) of {kind!r}."
        )
    wants_email = bool(email and spec.email_template)
    rows = []
    for user, context in messages:
        rendered = spec.render(context)
        rows.append(
            Notification(
                public_id=new_public_id(Notification.public_id_prefix),
                recipient=user,
                organization=organization,
                kind=spec.key,
                title=rendered.title[:TITLE_MAX],
                body=rendered.body,
                url=rendered.url[:URL_MAX],
                data=dict(context),
                email_wanted=wants_email and bool(user.email),
            )
        )
    created = Notification.objects.bulk_create(rows)
    for row in created:
        if row.email_wanted:
            notification_email_enqueue(notification_id=row.pk)
    return created


def notification_email_enqueue(*, notification_id: int) -> None:
    """Record one notification's e-mail in the transactional outbox, with the row it describes:
    it is published after commit, and a broker outage only delays it (core.outbox)."""
    from notifications.tasks import notification_deliver_email  # tasks import services

    outbox_enqueue(
        notification_deliver_email,
        args=[notification_id],
        dedupe_key=f"notification-email:{notification_id}",
    )


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send one notification's e-mail if it is still owed. Idempotent: ``emailed_at`` records
    the send, and the row lock keeps two workers from sending it twice. Returns whether sent."""
    with transaction.atomic(durable=True):
        row = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "organization")
            .filter(pk=notification_id, email_wanted=True, emailed_at__isnull=True)
            .first()
        )
        if row is None or not row.recipient.email:
            return False
        spec = kind_get(row.kind)
        if spec.email_template is None:
            return False
        body = render_to_string(
            spec.email_template, {"notification": row, "link": absolute_url(row.url)}
        ).strip()
        send_mail(
            subject=row.title, message=body, from_email=None, recipient_list=[row.recipient.email]
        )
        row.emailed_at = timezone.now()
        row.save(update_fields=["emailed_at"])
    return True


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: User, organization: Organization | None = None) -> int:
    """Mark the user's unread notifications read: those of one organization, or all of them."""
    qs = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.update(read_at=timezone.now())
