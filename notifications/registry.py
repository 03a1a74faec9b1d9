"""Notification kinds, registered by the apps that send them.

A kind is a key (stored on each row) with what the notifications app needs to know about it:

- ``render(context) -> Rendered``: the sentence (title), the optional body and the link target,
  made from the JSON-safe ``context`` the caller passes (stored on the row as ``data``);
- ``email_template``: the plain-text e-mail template, or ``None`` for in-app only;
- ``audience``: who may receive it (members of the notification's organization, or creators);
- ``personal``: whether it may concern no organization at all.

Apps register their kinds at start-up (``AppConfig.ready``), so a new kind (draft approved,
payout sent) is code in the app that sends it, never a migration here. Sending an unknown kind
is refused: a typo must not become a row nobody can render.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from organizations.models import Membership, Organization

DEFAULT_EMAIL_TEMPLATE = "notifications/email/default.txt"


class UnknownNotificationKind(LookupError):
    pass


class RecipientNotAllowed(ValueError):
    """The caller chose a recipient the kind's audience does not include (a programming error:
    for example a brand-side notice addressed to a creator who is no member)."""


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str = ""
    url: str = ""


class Audience(StrEnum):
    MEMBERS = "members"  # members of the notification's organization (checked here)
    CREATORS = "creators"  # creators, global users (checked by the creators app)


# (user ids, organization) -> the ids among them the audience includes; one query.
AudienceCheck = Callable[[Collection[int], Organization | None], set[int]]


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    audience: Audience
    render: Callable[[Mapping[str, Any]], Rendered]
    email_template: str | None = DEFAULT_EMAIL_TEMPLATE
    personal: bool = False  # True: may be sent with no organization (a purely personal notice)


_KINDS: dict[str, NotificationKind] = {}
_AUDIENCES: dict[Audience, AudienceCheck] = {}


def register(kind: NotificationKind) -> NotificationKind:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.key!r} is already registered.")
    _KINDS[kind.key] = kind
    return kind


def kind_get(key: str) -> NotificationKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise UnknownNotificationKind(f"No notification kind {key!r} is registered.") from None


def kinds() -> dict[str, NotificationKind]:
    return dict(_KINDS)


def register_audience(audience: Audience, check: AudienceCheck) -> None:
    _AUDIENCES[audience] = check


def audience_check(audience: Audience) -> AudienceCheck:
    try:
        return _AUDIENCES[audience]
    except KeyError:  # fail closed: nobody may receive what nobody can vet
        raise RecipientNotAllowed(f"No check is registered for audience {audience!r}.") from None


def _members_of(user_ids: Collection[int], organization: Organization | None) -> set[int]:
    if organization is None:
        return set()
    return set(
        Membership.objects.filter(
            organization=organization, user_id__in=list(user_ids), user__is_active=True
        ).values_list("user_id", flat=True)
    )


def register_builtin_audiences() -> None:
    register_audience(Audience.MEMBERS, _members_of)
