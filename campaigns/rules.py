"""Questions downstream apps ask about a campaign's state. Pure functions, no queries.

recruitment/ asks ``campaign_accepts_applications`` before taking an application (or an
invitation's acceptance); submissions/ asks ``campaign_accepts_submissions`` before taking a draft
or a live post. Completing a campaign turns both off.
"""

import datetime

from django.utils import timezone

from campaigns.models import Campaign


def _today() -> datetime.date:
    return timezone.localdate()


def campaign_deadline_passed(campaign: Campaign, *, today: datetime.date | None = None) -> bool:
    """True once the application deadline is behind us (the deadline day itself still counts)."""
    deadline = campaign.application_deadline
    return deadline is not None and deadline < (today or _today())


def campaign_accepts_applications(
    campaign: Campaign, *, today: datetime.date | None = None
) -> bool:
    """Creators may apply (or accept an invitation) only while recruiting, until the deadline."""
    return campaign.status == Campaign.Status.RECRUITING and not campaign_deadline_passed(
        campaign, today=today
    )


def campaign_accepts_submissions(campaign: Campaign) -> bool:
    """Accepted creators may hand in drafts and live posts while recruiting or active."""
    return campaign.status in (Campaign.Status.RECRUITING, Campaign.Status.ACTIVE)


def campaign_is_listed(campaign: Campaign, *, today: datetime.date | None = None) -> bool:
    """Shown in the creator marketplace: open, recruiting, deadline not passed."""
    return campaign.visibility == Campaign.Visibility.OPEN and campaign_accepts_applications(
        campaign, today=today
    )


# Which lifecycle transitions exist: action -> (statuses it starts from, status it ends in).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "publish": ((Campaign.Status.DRAFT,), Campaign.Status.RECRUITING),
    "start": ((Campaign.Status.RECRUITING,), Campaign.Status.ACTIVE),
    "complete": ((Campaign.Status.RECRUITING, Campaign.Status.ACTIVE), Campaign.Status.COMPLETED),
    "archive": (
        (Campaign.Status.DRAFT, Campaign.Status.RECRUITING, Campaign.Status.COMPLETED),
        Campaign.Status.ARCHIVED,
    ),
}


def campaign_can(campaign: Campaign, action: str) -> bool:
    """Whether the lifecycle ``action`` is allowed from the campaign's status (buttons use it).

    Archiving a recruiting campaign is allowed only while no money is committed to creators.
    """
    if action == "duplicate":
        return True
    if action == "edit":
        return campaign.status in (
            Campaign.Status.DRAFT,
            Campaign.Status.RECRUITING,
            Campaign.Status.ACTIVE,
        )
    sources, _ = TRANSITIONS[action]
    if campaign.status not in sources:
        return False
    if action == "archive" and campaign.status == Campaign.Status.RECRUITING:
        return campaign.committed_cents == 0
    return True


def deliverables_locked(campaign: Campaign) -> bool:
    """Deliverables, fees and currency are the promise made to creators: fixed once one is in."""
    if campaign.status == Campaign.Status.DRAFT:
        return False
    return campaign.status != Campaign.Status.RECRUITING or campaign.committed_cents > 0
