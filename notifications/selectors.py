"""Reading a user's notifications. A notification is its recipient's only: another user's id
answers exactly like a missing one."""

from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from notifications.models import Notification
from organizations.models import Organization
from users.models import User


def notifications_for_user(
    user: User, *, organization: Organization | None = None
) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs


def unread_notification_count(user: User, *, organization: Organization | None = None) -> int:
    """One COUNT on the partial unread index."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.count()


def unread_count_for_request(request: Any, organization: Organization | None = None) -> int:
    """The signed-in user's unread count, computed once per request (and organization): the
    sidebar badge and a page heading share one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cache: dict[int | None, int] = request.__dict__.setdefault("_unread_notifications", {})
    key = organization.pk if organization is not None else None
    if key not in cache:
        cache[key] = unread_notification_count(user, organization=organization)
    return cache[key]


def forget_unread_count(request: Any) -> None:
    """After marking read in this request, the next count must be fresh."""
    request.__dict__.pop("_unread_notifications", None)


def notification_get_for_user(user: User, public_id: str) -> Notification:
    notification = (
        Notification.objects.filter(recipient=user, public_id=str(public_id))
        .select_related("organization")
        .first()
    )
    if notification is None:
        raise NotFound("No such notification.")
    return notification
