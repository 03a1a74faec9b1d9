"""Cross-tenant builders for the submissions API (organization side: ``/api/v1/submissions/``;
creator side: ``/api/v1/creator/slots/``).

The victim's submission sits on the first slot of the victim creator's participation in B's
campaign (the recruitment builders' rows, shared through ``owner.once``), with a draft in
review — so a decision by an attacker would change something — and an approved earlier version,
so the content library of B is not empty.
"""

from django.utils import timezone

from submissions.models import ReviewState, Submission
from tests.cross_tenant.objects_recruitment import _participation
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.submissions import DraftVersionFactory, submission_in_review


def victim_submission(owner: Owner) -> Submission:
    def make() -> Submission:
        slot = _participation(owner).slots.order_by("id").first()
        submission = submission_in_review(target="draft", slot=slot)
        DraftVersionFactory(
            submission=submission,
            number=0,
            state=ReviewState.APPROVED,
            decided_at=timezone.now(),
            caption="Victim's approved asset",
        )
        return submission

    return owner.once("submissions:submission", make)


@url_param("api:submission")
def api_submission(owner: Owner) -> str:
    return victim_submission(owner).public_id


@url_param("api:creator-slot")
def api_creator_slot(owner: Owner) -> str:
    return victim_submission(owner).slot.public_id
