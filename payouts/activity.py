"""Recent-activity sentences for funding ("Ann started funding Glow Launch (USD 1,000.00)")."""

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.taxonomy import format_money
from organizations.access import OrgAccess
from organizations.audit import actor_html, link, register_audit_renderer, url_or_none
from organizations.models import AuditEvent
from payouts.models import Funding


def _sentences(events: Sequence[AuditEvent], access: OrgAccess) -> dict[int, SafeString | None]:
    slug = access.organization.slug
    rows = {
        f.public_id: f
        for f in Funding.objects.for_access(access)
        .filter(public_id__in={e.target_id for e in events})
        .select_related("campaign")
    }
    out: dict[int, SafeString | None] = {}
    for e in events:
        row = rows.get(e.target_id)
        if row is None:
            out[e.pk] = None  # another brand's, for a member limited to one brand
            continue
        url = url_or_none(
            "payouts:campaign_funding", org_slug=slug, campaign_id=row.campaign.public_id
        )
        campaign = link(row.campaign.name, url)
        if e.action == "funding.paid":
            amount = format_money(row.paid_cents, row.currency)
            out[e.pk] = format_html("Stripe received {} for {}", amount, campaign)
        else:
            amount = format_money(row.amount_cents, row.currency)
            out[e.pk] = format_html("{} started funding {} ({})", actor_html(e), campaign, amount)
    return out


def register() -> None:
    register_audit_renderer("funding", _sentences)
