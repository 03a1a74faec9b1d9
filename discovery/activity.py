"""Recent-activity sentences for discovery audit events (shortlists, bulk invitations)."""

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

from campaigns.activity import campaign_link
from campaigns.models import Campaign
from discovery.models import InviteBatch, Shortlist
from organizations.audit import actor_html, link, register_audit_renderer, url_or_none
from organizations.models import AuditEvent, Organization


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _shortlists(events: Sequence[AuditEvent], organization: Organization) -> dict[int, SafeString]:
    lists = {
        s.public_id: s
        for s in Shortlist.objects.filter(
            organization=organization, public_id__in={e.target_id for e in events}
        )
    }
    out: dict[int, SafeString] = {}
    for e in events:
        who, d, verb = actor_html(e), e.data or {}, e.action.partition(".")[2]
        found = lists.get(e.target_id)
        url = (
            url_or_none(
                "discovery:shortlist", org_slug=organization.slug, shortlist_id=found.public_id
            )
            if found
            else None
        )
        name = link(
            found.name if found else str(d.get("name") or d.get("to") or "a shortlist"), url
        )
        if verb == "created":
            out[e.pk] = format_html("{} created the shortlist {}", who, name)
        elif verb == "renamed":
            out[e.pk] = format_html(
                "{} renamed the shortlist {} to {}", who, d.get("from", ""), name
            )
        elif verb == "deleted":
            out[e.pk] = format_html("{} deleted the shortlist {}", who, d.get("name", ""))
        elif verb == "creators_added":
            out[e.pk] = format_html(
                "{} added {} to {}", who, _plural(int(d.get("count", 0)), "creator"), name
            )
        elif verb == "creators_removed":
            out[e.pk] = format_html(
                "{} removed {} from {}", who, _plural(int(d.get("count", 0)), "creator"), name
            )
    return out


def _batches(events: Sequence[AuditEvent], organization: Organization) -> dict[int, SafeString]:
    batches = set(
        InviteBatch.objects.filter(
            organization=organization, public_id__in={e.target_id for e in events}
        ).values_list("public_id", flat=True)
    )
    campaigns = {
        c.public_id: c
        for c in Campaign.objects.filter(
            organization=organization,
            public_id__in={str(e.data.get("campaign", "")) for e in events},
        )
    }
    out: dict[int, SafeString] = {}
    for e in events:
        if e.action != "invite_batch.created":
            continue
        d = e.data or {}
        url = (
            url_or_none("discovery:batch", org_slug=organization.slug, batch_id=e.target_id)
            if e.target_id in batches
            else None
        )
        out[e.pk] = format_html(
            "{} started {} to {}",
            actor_html(e),
            link(f"inviting {_plural(int(d.get('total', 0)), 'creator')}", url),
            campaign_link(organization, campaigns.get(str(d.get("campaign", ""))), ""),
        )
    return out


def register() -> None:
    register_audit_renderer("shortlist", _shortlists)
    register_audit_renderer("invite_batch", _batches)
