"""Recent-activity sentences for recruitment audit events, naming and linking the creator and the
campaign: "Maya Lopez applied to Glow Serum Summer Launch", "Ann declined Maya Lopez's application
to Glow Serum Summer Launch"."""

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from campaigns.activity import campaign_link
from organizations.audit import actor_html, link, register_audit_renderer
from organizations.models import AuditEvent, Organization
from recruitment.models import Application, CampaignInvitation, Participation

_MODELS: dict[str, Any] = {
    "application": Application,
    "campaign_invitation": CampaignInvitation,
    "participation": Participation,
}


def _creator(organization: Organization, row: Any) -> SafeString:
    """The creator's name, linked to where the brand sees them in this campaign."""
    page = (
        "applications_for_campaign"
        if isinstance(row, Application)
        else "participations_for_campaign"
    )
    url = reverse(
        f"recruitment:{page}",
        kwargs={"org_slug": organization.slug, "campaign_id": row.campaign.public_id},
    )
    return link(row.creator.display_name, url)


def _sentence(e: AuditEvent, organization: Organization, row: Any) -> SafeString | None:
    entity, _, verb = e.action.partition(".")
    who = actor_html(e)
    creator = _creator(organization, row)
    campaign = campaign_link(organization, row.campaign, "")
    if entity == "application":
        return {
            "submitted": lambda: format_html("{} applied to {}", creator, campaign),
            "withdrawn": lambda: format_html(
                "{} withdrew their application to {}", creator, campaign
            ),
            "accepted": lambda: format_html("{} accepted {} into {}", who, creator, campaign),
            "declined": lambda: format_html(
                "{} declined {}'s application to {}", who, creator, campaign
            ),
            "waitlisted": lambda: format_html("{} wait-listed {} for {}", who, creator, campaign),
        }.get(verb, lambda: None)()
    if entity == "campaign_invitation":
        return {
            "sent": lambda: format_html("{} invited {} to {}", who, creator, campaign),
            "withdrawn": lambda: format_html(
                "{} withdrew {}'s invitation to {}", who, creator, campaign
            ),
            "accepted": lambda: format_html("{} accepted the invitation to {}", creator, campaign),
            "declined": lambda: format_html("{} declined the invitation to {}", creator, campaign),
        }.get(verb, lambda: None)()
    if entity == "participation" and verb == "cancelled":
        return format_html("{} took {} off {}", who, creator, campaign)
    return None


def _sentences(events: Sequence[AuditEvent], organization: Organization) -> dict[int, SafeString]:
    entity = events[0].action.partition(".")[0]
    model = _MODELS[entity]
    rows = {
        r.public_id: r
        for r in model.objects.filter(
            organization=organization, public_id__in={e.target_id for e in events}
        ).select_related("campaign", "creator")
    }
    out: dict[int, SafeString] = {}
    for e in events:
        row = rows.get(e.target_id)
        sentence = _sentence(e, organization, row) if row is not None else None
        if sentence is not None:
            out[e.pk] = sentence
    return out


def register() -> None:
    for entity in _MODELS:
        register_audit_renderer(entity, _sentences)
