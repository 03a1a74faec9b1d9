"""Lifecycle: draft → recruiting → active → completed → archived (rules in ``campaigns.rules``)."""

from django.db import transaction
from django.utils import timezone

from campaigns import rules
from campaigns.changes import campaign_terms_changed
from campaigns.models import Campaign
from campaigns.services.editing import (
    _current_values,
    _existing_specs,
)
from campaigns.services.guards import _lock, _require_writer
from campaigns.services.validation import (
    _check_date_order,
    _check_deadline_not_past,
    _check_publishable,
    _Errors,
)
from core.errors import ChorusError
from core.ownership import require_owns
from organizations.access import OrgAccess
from organizations.audit import audit_record


def _transition(access: OrgAccess, campaign: Campaign, action: str) -> Campaign:
    _require_writer(access)
    require_owns(access, campaign, what="campaign")
    sources, target = rules.TRANSITIONS[action]
    with transaction.atomic(durable=True):
        locked = _lock(campaign)
        if not rules.campaign_can(locked, action):
            status = locked.get_status_display().lower()
            if locked.status in sources:  # archive of a recruiting campaign with creators in it
                message = (
                    "Creators have already joined this campaign: complete it before archiving."
                )
            else:
                allowed = " or ".join(Campaign.Status(s).label.lower() for s in sources)
                message = f"Only a {allowed} campaign can be {_PAST[action]}; this one is {status}."
            raise ChorusError("invalid_transition", message, status_code=409)
        update_fields = ["status", "updated_at"]
        if action == "publish":
            errors = _Errors()
            values = _current_values(locked)
            _check_publishable(
                values, _existing_specs(locked), errors, remaining=locked.remaining_cents
            )
            _check_date_order(values, errors)
            _check_deadline_not_past(values, errors)
            if locked.funding_blocks_publishing:  # set on the campaign's Funding page (payouts)
                errors.add(
                    "funding_required",
                    "budget_cents",
                    "This campaign requires funding: fund the whole budget before publishing.",
                )
            errors.raise_if_any()
            locked.published_at = timezone.now()
            update_fields.append("published_at")
        if action == "complete":
            locked.completed_at = timezone.now()
            update_fields.append("completed_at")
        previous = locked.status
        locked.status = target
        locked.save(update_fields=update_fields)
        campaign_terms_changed(campaign_ids=[locked.pk])
        audit_record(
            organization=access.organization,
            access=access,
            action=f"campaign.{action}",
            target=locked,
            data={"from": previous, "to": target},
        )
    return locked


_PAST = {
    "publish": "published",
    "start": "started",
    "complete": "completed",
    "archive": "archived",
}


def campaign_publish(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Draft → recruiting. Refused without deliverables and fees, without all four dates (in
    order, deadline not past), or when the budget does not cover one creator's deliverables."""
    return _transition(access, campaign, "publish")


def campaign_start(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Recruiting → active: creators are making content."""
    return _transition(access, campaign, "start")


def campaign_complete(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Recruiting/active → completed: no new applications or submissions from now on."""
    return _transition(access, campaign, "complete")


def campaign_archive(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Draft, completed, or recruiting with nobody committed → archived (hidden from lists)."""
    return _transition(access, campaign, "archive")
