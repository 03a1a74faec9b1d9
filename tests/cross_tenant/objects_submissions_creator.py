"""Cross-tenant builder for the creator's slot pages (``/creator/work/<slot_id>/…``): the slot
of the victim creator's submission in organization B (shared with the API's builders), with a
draft in review, so a page that leaked would have a version, a caption and a state to show."""

from tests.cross_tenant.objects_submissions_api import victim_submission
from tests.cross_tenant.registry import Owner, url_param


@url_param("slot_id")
def slot_id(owner: Owner) -> str:
    return str(victim_submission(owner).slot.public_id)
