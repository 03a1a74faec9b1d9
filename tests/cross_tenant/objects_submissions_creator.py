"""Cross-tenant builder for the creator's slot pages (``/creator/work/<slot_id>/…``): a slot of
the victim creator's participation in organization B, with a draft in review, so a page that
leaked would have a version, a caption and a state to show."""

from recruitment.models import ParticipationSlot
from tests.cross_tenant.objects_recruitment import participation_id
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.submissions import submission_in_review


def _slot(owner: Owner) -> ParticipationSlot:
    def make() -> ParticipationSlot:
        participation_id(owner)  # the victim creator's participation in B (with its slots)
        slot = ParticipationSlot.objects.filter(creator__user=owner.creator).order_by("id").first()
        assert slot is not None
        submission_in_review(slot=slot)
        return slot

    return owner.once("submissions:creator_slot", make)


@url_param("slot_id")
def slot_id(owner: Owner) -> str:
    return _slot(owner).public_id
