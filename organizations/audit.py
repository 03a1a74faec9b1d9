"""Append-only audit trail: every state-changing service records who did what — and the one
place that turns those records into sentences people read ("Maya Lopez applied to Glow Serum
Summer Launch", with the campaign and the creator linked).

Apps register a renderer per entity (the part of the action before the dot: ``application``,
``campaign`` …) from their ``AppConfig.ready``. A renderer gets all the events of its entity on
a page at once (so it loads what it names in one query, not one per line, through
``for_access``) and returns a sentence per event — or ``None`` for an event about something the
reader may not see (another brand's campaign, for a member limited to one brand), which is then
left out. An action nobody renders falls back to a readable form of its code.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from organizations.access import OrgAccess
from organizations.models import AuditEvent, Organization
from users.models import User

# (the events of one entity, who reads) -> {event id: sentence (safe HTML), or None: hidden}
AuditRenderer = Callable[[Sequence[AuditEvent], OrgAccess], dict[int, SafeString | None]]
_RENDERERS: dict[str, AuditRenderer] = {}


def audit_record(
    *,
    organization: Organization,
    action: str,
    actor: User | None = None,
    access: OrgAccess | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    user = access.user if access else actor
    return AuditEvent.objects.create(
        organization=organization,
        actor=user if user is not None and user.is_authenticated else None,
        actor_api_key=access.api_key if access else None,
        action=action,
        target_type=target._meta.model_name or "" if target is not None else "",
        target_id=str(getattr(target, "public_id", "")) if target is not None else "",
        data=data or {},
    )


def audit_record_many(
    *,
    organization: Organization,
    access: OrgAccess | None,
    events: Sequence[tuple[str, models.Model, dict[str, Any]]],
) -> list[AuditEvent]:
    """Many events by one actor in one insert (bulk decisions): ``(action, target, data)``."""
    user = access.user if access else None
    actor = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                organization=organization,
                actor=actor,
                actor_api_key=access.api_key if access else None,
                action=action,
                target_type=target._meta.model_name or "",
                target_id=str(getattr(target, "public_id", "")),
                data=data,
            )
            for action, target, data in events
        ]
    )


# -- sentences -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityLine:
    event: AuditEvent
    sentence: SafeString


def register_audit_renderer(entity: str, renderer: AuditRenderer) -> None:
    _RENDERERS[entity] = renderer


def actor_html(event: AuditEvent) -> SafeString:
    """Who acted, in bold: a person, an API key, or Chorus itself (periodic work)."""
    if event.actor is not None:
        name = event.actor.display_name
    elif event.actor_api_key is not None:
        name = f"API key {event.actor_api_key.name}"
    else:
        name = "Chorus"
    return format_html("<strong>{}</strong>", name)


def link(text: str, url: str | None) -> SafeString:
    """``text`` linked to ``url``; plain text when there is nowhere to go."""
    return format_html('<a href="{}">{}</a>', url, text) if url else format_html("{}", text)


def url_or_none(name: str, **kwargs: Any) -> str | None:
    """A page's URL, or None when that page does not exist (an app not installed)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def readable_action(action: str) -> str:
    """``campaign_invitation.sent`` -> ``campaign invitation sent``: a fallback, never a code."""
    entity, _, verb = action.partition(".")
    return " ".join(f"{entity} {verb}".replace("_", " ").split())


def _fallback(event: AuditEvent) -> SafeString:
    return format_html("{} recorded: {}", actor_html(event), readable_action(event.action))


def audit_sentences(
    events: Sequence[AuditEvent], access: OrgAccess, limit: int | None = None
) -> list[ActivityLine]:
    """One sentence per event the reader may see, in the order given (at most ``limit``)."""
    by_entity: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_entity.setdefault(event.action.partition(".")[0], []).append(event)
    sentences: dict[int, SafeString | None] = {}
    for entity, group in by_entity.items():
        renderer = _RENDERERS.get(entity)
        if renderer is not None:
            sentences.update(renderer(group, access))
        elif access.brand_id is not None:
            sentences.update(dict.fromkeys((e.pk for e in group), None))  # unknown: not for a brand
    lines = [
        ActivityLine(e, sentences.get(e.pk) or _fallback(e))
        for e in events
        if not (e.pk in sentences and sentences[e.pk] is None)
    ]
    return lines[:limit] if limit is not None else lines


# -- this app's own actions ----------------------------------------------------------------------


def _organization_sentences(
    events: Sequence[AuditEvent], access: OrgAccess
) -> dict[int, SafeString | None]:
    organization = access.organization
    slug = organization.slug
    members = url_or_none("organizations:members", org_slug=slug)
    brands = url_or_none("organizations:brands", org_slug=slug)
    keys = url_or_none("organizations:api_keys", org_slug=slug)
    out: dict[int, SafeString | None] = {}
    for e in events:
        who, a, d = actor_html(e), e.action, e.data or {}
        role = f" as {d['role']}" if d.get("role") else ""
        if a == "organization.created":
            out[e.pk] = format_html("{} created the workspace {}", who, organization.name)
        elif a == "organization.updated":
            out[e.pk] = format_html("{} updated the workspace settings", who)
        elif a == "brand.created":
            out[e.pk] = format_html("{} added a {}", who, link("brand", brands))
        elif a == "brand.updated":
            out[e.pk] = format_html("{} updated a {}", who, link("brand", brands))
        elif a == "invitation.created":
            out[e.pk] = format_html(
                "{} invited {}{} to the {}", who, d.get("email", "someone"), role,
                link("team", members),
            )  # fmt: skip
        elif a == "invitation.revoked":
            out[e.pk] = format_html("{} withdrew an {}", who, link("invitation", members))
        elif a == "invitation.accepted":
            out[e.pk] = format_html("{} joined the {}{}", who, link("team", members), role)
        elif a == "member.role_changed":
            change = f" from {d['from']} to {d['to']}" if d.get("from") and d.get("to") else ""
            out[e.pk] = format_html(
                "{} changed a {}'s role{}", who, link("member", members), change
            )
        elif a == "member.removed":
            out[e.pk] = format_html(
                "{} removed {} from the {}",
                who,
                d.get("email") or "a member",
                link("team", members),
            )
        elif a == "member.left":
            out[e.pk] = format_html("{} left the workspace", who)
        elif a == "api_key.created":
            out[e.pk] = format_html(
                "{} created an {}{}",
                who,
                link("API key", keys),
                f" ({d['role']})" if d.get("role") else "",
            )
        elif a == "api_key.revoked":
            out[e.pk] = format_html("{} revoked an {}", who, link("API key", keys))
    return out


def register_builtin_renderers() -> None:
    for entity in ("organization", "brand", "invitation", "member", "api_key"):
        register_audit_renderer(entity, _organization_sentences)
