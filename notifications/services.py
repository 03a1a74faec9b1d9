"""Sending notifications and marking them read.

``notification_send`` is called inside the caller's transaction: the rows are written with the
change they describe, and each e-mail is enqueued on commit through ``notification_email_enqueue``
(the one place that hands e-mail to the broker: through the transactional outbox, core.outbox).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.errors import NotFound
from core.ids import new_public_id
from core.outbox import SEND_WINDOW, deliver_at_most_once, outbox_enqueue, outbox_enqueue_many
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
    from notifications.tasks import notification_deliver_email  # tasks import services

    outbox_enqueue_many(
        notification_deliver_email,
        calls=[([row.pk], f"notification-email:{row.pk}") for row in created if row.email_wanted],
    )
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


class _NotificationEmailClaim:
    """The at-most-once claim of one notification's e-mail (``email_claimed_at``/``emailed_at``),
    for ``core.outbox.deliver_at_most_once``."""

    def __init__(self, notification_id: int, *, loaded: Notification | None = None) -> None:
        self.owed = Notification.objects.filter(
            pk=notification_id, email_wanted=True, emailed_at__isnull=True
        )
        self.loaded = loaded  # the row as just read (owed): saves reading it again

    def current(self) -> tuple[bool, datetime | None]:
        if self.loaded is not None:
            claimed_at, self.loaded = self.loaded.email_claimed_at, None
            return False, claimed_at
        claimed = list(self.owed.values_list("email_claimed_at", flat=True)[:1])
        return (not claimed, claimed[0] if claimed else None)

    def claim(self, token: datetime, *, replacing: list[datetime]) -> bool:
        free = Q(email_claimed_at__isnull=True)
        if replacing:
            free |= Q(email_claimed_at__in=replacing)
        return bool(self.owed.filter(free).update(email_claimed_at=token))

    def release(self, token: datetime) -> None:
        self.owed.filter(email_claimed_at=token).update(email_claimed_at=None)

    def mark_sent(self, token: datetime) -> None:
        self.owed.filter(email_claimed_at=token).update(emailed_at=timezone.now())

    def mark_unknown(self, claimed_at: datetime) -> None:
        """Nothing to write: a claim older than SEND_WINDOW without ``emailed_at`` *is* the
        record ("unknown" in ``Notification.email_state`` and the admin)."""


def notification_email_deliver(
    *, notification_id: int, resume: dict[str, Any] | None = None
) -> bool:
    """Send one notification's e-mail if it is still owed, at most once: the row is claimed
    (committed) before SMTP and marked ``emailed_at`` right after (core.outbox,
    ``deliver_at_most_once``). Returns whether this call sent it. Raises ``DeliveryRetry``
    when the task must come back (``resume`` is what this attempt learnt)."""
    row = (
        Notification.objects.select_related("recipient")
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

    def send() -> None:
        send_mail(
            subject=row.title, message=body, from_email=None, recipient_list=[row.recipient.email]
        )

    claim = _NotificationEmailClaim(notification_id, loaded=row)
    outcome = deliver_at_most_once(claim, send, resume=resume)
    return outcome == "sent"


def notification_email_resend(*, notification_ids: list[int]) -> int:
    """An operator's decision that e-mails whose outcome is unknown (claimed, never marked sent,
    the claim older than ``SEND_WINDOW``) did not arrive: free their claims and send them again.
    Returns how many were queued."""
    stale = timezone.now() - SEND_WINDOW
    with transaction.atomic(durable=True):
        ids = list(
            Notification.objects.select_for_update()
            .filter(
                pk__in=notification_ids,
                email_wanted=True,
                emailed_at__isnull=True,
                email_claimed_at__lt=stale,
            )
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(email_claimed_at=None)
        for notification_id in ids:
            notification_email_enqueue(notification_id=notification_id)
    return len(ids)


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
