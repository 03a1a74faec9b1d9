"""``{% load notification_tags %}``.

``{% unread_notifications as n %}`` — the signed-in user's unread notifications, all of them
(creator portal); ``{% unread_notifications org_access.organization as n %}`` — one
organization's. One query per request and organization, however often a page asks.
"""

from django import template

from notifications.selectors import unread_count_for_request
from organizations.models import Organization

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(
    context: template.Context, organization: Organization | None = None
) -> int:
    return unread_count_for_request(context.get("request"), organization)
