"""What publishing a campaign would do, item by item, shown before the brand publishes.

Blocking items are the ones ``campaign_publish`` refuses (it stays the judge: this only shows
them ahead of time); warnings leave the campaign usable but probably not what was meant.
"""

from dataclasses import dataclass

from campaigns.models import Campaign
from core.taxonomy import format_money


@dataclass(frozen=True)
class CheckItem:
    code: str
    ok: bool
    blocking: bool
    text: str  # what is wrong (or right), in a brand's words

    @property
    def level(self) -> str:
        return "ok" if self.ok else ("blocking" if self.blocking else "warning")


def publish_checklist(campaign: Campaign) -> list[CheckItem]:
    """Reads ``campaign.deliverables.all()`` (prefetched by the campaign selectors)."""
    per_creator = campaign.per_creator_fee_cents
    has_fees = bool(list(campaign.deliverables.all())) and per_creator > 0
    remaining = campaign.remaining_cents
    dates = (
        campaign.application_deadline,
        campaign.draft_due,
        campaign.posting_starts,
        campaign.posting_ends,
    )
    affordable = remaining // per_creator if per_creator > 0 else 0
    money = format_money(remaining, campaign.currency)
    items = [
        CheckItem(
            "deliverables",
            has_fees,
            True,
            "Deliverables with fees are set."
            if has_fees
            else "Add at least one deliverable with a fee.",
        ),
        CheckItem(
            "dates",
            all(d is not None for d in dates),
            True,
            "The four dates are set."
            if all(d is not None for d in dates)
            else "Set the application deadline, draft due date and posting window.",
        ),
        CheckItem(
            "landing_url",
            bool(campaign.landing_url),
            True,
            "Tracking links land on your landing page."
            if campaign.landing_url
            else "Add a landing page: every creator gets a tracking link, and without a landing "
            "page their clicks go nowhere.",
        ),
        CheckItem(
            "budget",
            not has_fees or affordable >= 1,
            True,
            f"The budget left ({money}) pays for at least one creator."
            if not has_fees or affordable >= 1
            else f"The budget left ({money}) does not cover one creator's fees "
            f"({format_money(per_creator, campaign.currency)}).",
        ),
        CheckItem(
            "brief",
            bool(campaign.brief.strip()),
            False,
            "The brief is written."
            if campaign.brief.strip()
            else "The brief is empty: creators will not know what to make.",
        ),
        CheckItem(
            "budget_covers_maximum",
            not has_fees or affordable >= campaign.max_creators,
            False,
            f"The budget covers the maximum of {campaign.max_creators:,} creators."
            if not has_fees or affordable >= campaign.max_creators
            else f"The budget pays for {affordable:,} creators, fewer than the maximum of "
            f"{campaign.max_creators:,}: raise the budget or lower the maximum.",
        ),
    ]
    if campaign.requires_funding:  # set on the campaign's Funding page (payouts)
        funded = format_money(campaign.funded_cents, campaign.currency)
        items.insert(
            4,
            CheckItem(
                "funding",
                campaign.is_fully_funded,
                True,
                "The budget is funded."
                if campaign.is_fully_funded
                else f"Fund the budget before publishing: {funded} of "
                f"{format_money(campaign.budget_cents, campaign.currency)} paid in.",
            ),
        )
    return items
