"""Cross-tenant builders for the brand's review desk (submissions: queue, detail, decide,
library). A file of its own (not ``objects_submissions.py``) so the API's builders can live
beside it without sharing rows: its victim campaign and slots are its own.

The victim organization gets a submission in review (the object the routes name) and an
approved draft, so the list pages (queue, library) have something of B's that A must not see.
"""

from django.utils import timezone

from campaigns.models import Campaign
from submissions.models import DraftVersion, ReviewState, Submission
from tests.cross_tenant.objects_creators import victim_creator_profile
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import submission_in_review


def _review_campaign(owner: Owner) -> Campaign:
    return owner.once(
        "submissions_brand:campaign",
        lambda: CampaignFactory(
            brand=owner.tenant.brand,
            name="Victim Review Campaign",
            deliverables=[("tiktok", "video", 2, 15_000)],
        ),
    )


def _slots(owner: Owner) -> list:
    def make() -> list:
        participation = ParticipationFactory(
            campaign=_review_campaign(owner), creator=victim_creator_profile(owner)
        )
        return list(participation.slots.order_by("id"))

    return owner.once("submissions_brand:slots", make)


def victim_submission_in_review(owner: Owner) -> Submission:
    """B's submission with a draft waiting for a decision."""
    return owner.once(
        "submissions_brand:in_review",
        lambda: submission_in_review(target="draft", slot=_slots(owner)[0]),
    )


def victim_approved_draft(owner: Owner) -> DraftVersion:
    """B's approved draft: an asset of B's content library."""

    def make() -> DraftVersion:
        submission = submission_in_review(target="post", slot=_slots(owner)[1])
        draft = submission.current_draft
        DraftVersion.objects.filter(pk=draft.pk).update(
            state=ReviewState.APPROVED, decided_at=timezone.now(), caption="Victim asset caption"
        )
        return draft

    return owner.once("submissions_brand:approved", make)


@url_param("submission_id")
def submission_id(owner: Owner) -> str:
    victim_approved_draft(owner)  # so B's library has an asset too
    return victim_submission_in_review(owner).public_id
