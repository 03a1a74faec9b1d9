"""Forms of the brand's review desk: queue and library filters, one decision, bulk approval.

Filters never fail: an unknown value falls back to the default (an unknown or foreign id simply
matches nothing, as the selectors do)."""

from collections.abc import Mapping
from typing import Any

from django import forms

from platforms.types import Platform
from submissions.models import FEEDBACK_MAX_CHARS, ReviewDecision, Submission
from submissions.services.review import MAX_BULK_DECISIONS

# The queue's status filter: what waits (the default) first, then every stage, then all.
STAGE_FILTERS: list[tuple[str, str]] = [
    ("", "Waiting for review"),
    (Submission.Stage.DRAFT_REVIEW, "Drafts in review"),
    (Submission.Stage.POST_REVIEW, "Live posts in review"),
    (Submission.Stage.DRAFT_CHANGES, "Draft changes requested"),
    (Submission.Stage.POST_CHANGES, "Post changes requested"),
    (Submission.Stage.DRAFT_DUE, "Draft due"),
    (Submission.Stage.POST_DUE, "Approved, not posted yet"),
    (Submission.Stage.DONE, "Done"),
    (Submission.Stage.REJECTED, "Rejected"),
    ("all", "All"),
]
PLATFORM_FILTERS: list[tuple[str, str]] = [("", "All platforms"), *Platform.choices]
_ID_MAX = 40  # public ids are ~20 characters; anything longer names nothing


def _clean_id(value: Any) -> str:
    text = str(value or "").strip()
    return text if 0 < len(text) <= _ID_MAX and text.isprintable() else ""


def queue_filters(query: Mapping[str, Any]) -> dict[str, str]:
    """The queue's filters from a query string (campaign, brand, creator, platform, stage)."""
    stage = str(query.get("stage") or "")
    platform = str(query.get("platform") or "")
    return {
        "campaign": _clean_id(query.get("campaign")),
        "brand": _clean_id(query.get("brand")),
        "creator": _clean_id(query.get("creator")),
        "platform": platform if platform in Platform.values else "",
        "stage": stage if stage in dict(STAGE_FILTERS) else "",
    }


def library_filters(query: Mapping[str, Any]) -> dict[str, str]:
    """The content library's filters (campaign, brand, creator, platform)."""
    platform = str(query.get("platform") or "")
    return {
        "campaign": _clean_id(query.get("campaign")),
        "brand": _clean_id(query.get("brand")),
        "creator": _clean_id(query.get("creator")),
        "platform": platform if platform in Platform.values else "",
    }


class DecisionForm(forms.Form):
    """One decision on what a submission has in review. Feedback is required for changes and
    rejections (the service says so, with the message shown beside the field)."""

    decision = forms.ChoiceField(choices=ReviewDecision.Decision.choices)
    feedback = forms.CharField(required=False, max_length=FEEDBACK_MAX_CHARS, strip=True)
    # The draft / post the reviewer looked at: a newer one arriving meanwhile refuses the decision.
    item = forms.CharField(required=False, max_length=_ID_MAX)


class BulkApproveForm(forms.Form):
    ids = forms.CharField(required=False)  # repeated ?ids=…; read with getlist in clean()

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self._ids = [i for i in (data.getlist("ids") if data is not None else []) if i]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        ids = list(dict.fromkeys(_clean_id(i) for i in self._ids if _clean_id(i)))
        if not ids:
            raise forms.ValidationError("Select at least one submission to approve.")
        if len(ids) > MAX_BULK_DECISIONS:
            raise forms.ValidationError(
                f"Approve at most {MAX_BULK_DECISIONS} at once (you selected {len(ids)})."
            )
        cleaned["ids"] = ids
        return cleaned
