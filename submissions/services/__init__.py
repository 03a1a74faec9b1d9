"""Every operation that changes submission state. Each top-level service owns one durable
transaction. One module per part: drafts, live posts and their checks, review decisions,
deadline reminders."""

from submissions.services._common import creator_slot, require_active_slot
from submissions.services.drafts import (
    DraftUploadRequest,
    draft_preview_make,
    draft_submit,
    draft_upload_request,
)
from submissions.services.posts import (
    live_post_checks_retry_due,
    live_post_submit,
    live_posts_check,
)
from submissions.services.reminders import overdue, slot_reminders_send
from submissions.services.review import (
    BulkDecisionResult,
    BulkFailure,
    check_decision,
    submission_decide,
    submissions_auto_approve,
    submissions_decide_bulk,
)

__all__ = [
    "BulkDecisionResult",
    "BulkFailure",
    "DraftUploadRequest",
    "check_decision",
    "creator_slot",
    "draft_preview_make",
    "draft_submit",
    "draft_upload_request",
    "live_post_checks_retry_due",
    "live_post_submit",
    "live_posts_check",
    "overdue",
    "require_active_slot",
    "slot_reminders_send",
    "submission_decide",
    "submissions_auto_approve",
    "submissions_decide_bulk",
]
