"""Cross-tenant builders for notifications: pages (``notifications/<id>/``, ``…/read/``), the
organization API (``api:notification``) and the creator API (``api:creator-notification``).

A notification belongs to one person: the victim creator's (from organization B) for the pages
and the creator API, B's owner's for the organization API. Attackers are a member of A, A's API
key and another creator; each must get the same 404 as for a missing id.
"""

from notifications.models import Notification
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.notifications import NotificationFactory


def _creator_notification(owner: Owner) -> Notification:
    return owner.once(
        "notifications:creator",
        lambda: NotificationFactory(
            recipient=owner.creator, organization=owner.tenant.org, title="Victim's notice"
        ),
    )


def _member_notification(owner: Owner) -> Notification:
    return owner.once(
        "notifications:member",
        lambda: NotificationFactory(
            recipient=owner.tenant.owner,
            organization=owner.tenant.org,
            kind="application_received",
            title="Victim member's notice",
        ),
    )


@url_param("notification_id")
def notification_id(owner: Owner) -> str:
    _member_notification(owner)
    return _creator_notification(owner).public_id


@url_param("api:notification")
def api_notification(owner: Owner) -> str:
    return _member_notification(owner).public_id


@url_param("api:creator-notification")
def api_creator_notification(owner: Owner) -> str:
    return _creator_notification(owner).public_id
