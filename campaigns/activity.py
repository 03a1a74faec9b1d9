"""Recent-activity sentences for campaign audit events ("Ann published Glow Serum Summer Launch")."""

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

from campaigns.models import Campaign
from organizations.audit import actor_html, link, register_audit_renderer, url_or_none
from organizations.models import AuditEvent, Organization

_PAST = {"publish": "published", "start": "started", "complete": "completed", "archive": "archived"}


def campaign_link(
    organization: Organization, campaign: Campaign | None, fallback: str
) -> SafeString:
    """The campaign's name linked to its page; the recorded name, unlinked, once it is gone."""
    if campaign is None:
        return format_html("{}", fallback or "a campaign")
    url = url_or_none(
        "campaigns:detail", org_slug=organization.slug, campaign_id=campaign.public_id
    )
    return link(campaign.name, url)


def _sentences(events: Sequence[AuditEvent], organization: Organization) -> dict[int, SafeString]:
    ids = {e.target_id for e in events} | {str(e.data.get("source", "")) for e in events}
    campaigns = {
        c.public_id: c
        for c in Campaign.objects.filter(organization=organization, public_id__in=ids - {""})
    }
    out: dict[int, SafeString] = {}
    for e in events:
        who, d = actor_html(e), e.data or {}
        verb = e.action.partition(".")[2]
        this = campaign_link(organization, campaigns.get(e.target_id), str(d.get("name", "")))
        if verb == "create":
            out[e.pk] = format_html("{} created the campaign {}", who, this)
        elif verb == "update":
            out[e.pk] = format_html("{} edited {}", who, this)
        elif verb in _PAST:
            out[e.pk] = format_html("{} {} {}", who, _PAST[verb], this)
        elif verb == "duplicate":
            source = campaign_link(organization, campaigns.get(str(d.get("source", ""))), "")
            out[e.pk] = format_html("{} duplicated {} as {}", who, source, this)
        elif verb == "asset_add":
            out[e.pk] = format_html(
                "{} added {} to the brief of {}", who, d.get("name", "a file"), this
            )
        elif verb == "asset_remove":
            out[e.pk] = format_html(
                "{} removed {} from the brief of {}", who, d.get("name", "a file"), this
            )
    return out


def register() -> None:
    register_audit_renderer("campaign", _sentences)
