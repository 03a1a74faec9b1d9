"""Following a creator's tracking link: record the click, send the visitor to the brand."""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings

from analytics.models import Click
from campaigns.models import Campaign
from recruitment.models import Participation

TRACKING_CODE_MAX = 16


@dataclass(frozen=True)
class TrackedVisit:
    destination: str
    participation: Participation


def unscoped_participation_by_tracking_code(code: str) -> Participation | None:
    """Tracking links are public by design: the code is all a visitor has."""
    if not code or len(code) > TRACKING_CODE_MAX or not code.isascii():
        return None
    return (
        Participation.objects.select_related("campaign", "campaign__brand")
        .filter(tracking_code=code)
        .first()
    )


ENDED_STATUSES = (Campaign.Status.COMPLETED, Campaign.Status.ARCHIVED)


def tracking_link_state(code: str) -> str:
    """'live', 'ended' (the campaign is completed or archived) or 'unknown'."""
    participation = unscoped_participation_by_tracking_code(code)
    if participation is None:
        return "unknown"
    return "ended" if participation.campaign.status in ENDED_STATUSES else "live"


def _destination(participation: Participation) -> str:
    campaign = participation.campaign
    base = campaign.landing_url or campaign.brand.website
    # Checked again here, not only when the campaign is saved: the brand's domains may have
    # changed since, and older campaigns were saved before the rule.
    if not base or not campaign.brand.allows_landing_url(base):
        return ""
    # UTM parameters let the brand's own analytics see which creator sent the visit.
    parts = urlsplit(base)
    utm = urlencode(
        {
            "utm_source": "chorus",
            "utm_medium": "creator",
            "utm_campaign": campaign.public_id,
            "utm_content": participation.tracking_code,
        }
    )
    query = f"{parts.query}&{utm}" if parts.query else utm
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def click_record(*, code: str, ip: str, user_agent: str, referrer: str) -> TrackedVisit | None:
    """Record one click (append-only, no transaction needed: a single insert)."""
    participation = unscoped_participation_by_tracking_code(code)
    if participation is None:
        return None
    salt = settings.SECRET_KEY.encode()
    Click.objects.create(
        organization_id=participation.organization_id,
        participation=participation,
        visitor_hash=hashlib.sha256(salt + ip.encode() + user_agent.encode()).hexdigest(),
        referrer_host=(urlsplit(referrer).hostname or "")[:255],
        user_agent=user_agent[:300],
    )
    return TrackedVisit(destination=_destination(participation), participation=participation)
