"""The creator's slot page (phone first): what is due when, where the work stands, the brief's
requirements, the draft upload with its caption, every version with its feedback, the live
post's link and its checks.

Drafts go straight to storage: the page's script asks ``upload-request`` for a direct-upload
form, posts the file there with progress, then calls ``confirm``. Without JavaScript the form
posts the file through the app (``draft``). Endpoints are pages (session and CSRF), not the API.
Someone else's slot answers 404, as a missing one does.
"""

import json
from typing import Any

from django.contrib import messages
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import files
from core.errors import ChorusError
from creators.models import CreatorProfile
from recruitment.models import ParticipationSlot
from recruitment.views import creator_page
from submissions import selectors, services
from submissions.checks import PLATFORM_NAMES
from submissions.creator_forms import (
    ACCEPT,
    ConfirmForm,
    DraftForm,
    PostForm,
    UploadRequestForm,
    add_service_error,
)
from submissions.creator_work import slot_work, unfinished_upload
from submissions.models import DraftVersion, LivePost, Submission
from submissions.uploads import DRAFT, IMAGE_TYPES, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES

_DRAFT_ALIASES = {"content_type": "file", "size": "file", "key": "__all__"}


def _slot_url(slot_id: str) -> str:
    return reverse("submissions:slot", kwargs={"slot_id": slot_id})


def _render(
    request: HttpRequest,
    creator: CreatorProfile,
    slot_id: str,
    *,
    draft_form: DraftForm | None = None,
    confirm_form: ConfirmForm | None = None,
    post_form: PostForm | None = None,
    status: int = 200,
) -> HttpResponse:
    slot = selectors.creator_slot_detail(creator, slot_id)
    submission = selectors.submission_of(slot)
    history: dict[str, Any] = (
        selectors.submission_history(submission)
        if submission
        else {"drafts": [], "posts": [], "decisions": []}
    )
    work = slot_work(slot, submission, timezone.localdate())
    takes_draft = work.active and work.stage in ("draft_due", "draft_changes")
    takes_post = work.active and work.stage in ("post_due", "post_changes")
    pending = unfinished_upload(creator, slot) if takes_draft else None
    if pending is not None and confirm_form is None:
        confirm_form = ConfirmForm(initial={"key": pending.key})
    drafts: list[DraftVersion] = history["drafts"]
    posts: list[LivePost] = history["posts"]
    latest_feedback = _latest_feedback(submission, drafts, posts)
    for draft in drafts:
        _dress_draft(draft)
    for post in posts:
        _dress_post(post)
    context = {
        "creator": creator,
        "slot": slot,
        "campaign": slot.campaign,
        "submission": submission,
        "work": work,
        "drafts": list(reversed(drafts)),  # newest first
        "posts": list(reversed(posts)),
        "decisions": history["decisions"],
        "feedback": latest_feedback,
        "takes_draft": takes_draft,
        "takes_post": takes_post,
        "pending_upload": pending,
        # A new version starts from the last caption: usually only a part of it changes.
        "draft_form": draft_form
        or DraftForm(initial={"caption": drafts[-1].caption} if drafts else None),
        "confirm_form": confirm_form,
        "post_form": post_form or PostForm(),
        "accept": ACCEPT,
        "image_types": ",".join(IMAGE_TYPES),
        "max_image_bytes": MAX_IMAGE_BYTES,
        "max_video_bytes": MAX_VIDEO_BYTES,
        "platform_name": PLATFORM_NAMES.get(slot.platform, slot.platform),
    }
    return render(request, "submissions/creator/slot.html", context, status=status)


_STATE_TONES = {
    "checking": "muted",
    "in_review": "muted",
    "approved": "ok",
    "changes_requested": "warn",
    "rejected": "danger",
}
_CHECK_TONES = {"passed": "ok", "failed": "danger", "pending": "muted"}
_CHECK_LABELS = {
    "lookup": "Lookup",
    "public": "Public",
    "account": "Your account",
    "window": "Posting dates",
    "hashtag": "Hashtag",
    "mention": "Mention",
    "disclosure": "Disclosure",
}


def _dress_draft(draft: DraftVersion) -> None:
    """What the page shows of a version: its files through the authorizing view."""
    draft.tone = _STATE_TONES.get(draft.state, "muted")  # type: ignore[attr-defined]
    draft.file_url = files.file_url("draft", draft.public_id)  # type: ignore[attr-defined]
    # An image's thumbnail, else a video's poster frame; neither (no ffmpeg): a placeholder.
    thumb = (
        ("draft-thumb", draft.thumbnail_key)
        if draft.thumbnail_key
        else ("draft-poster", draft.poster_key)
    )
    draft.thumb_url = (  # type: ignore[attr-defined]
        files.file_url(thumb[0], draft.public_id, version=thumb[1][-12:]) if thumb[1] else ""
    )
    draft.duration_s = round(draft.duration_ms / 1000) if draft.duration_ms else None  # type: ignore[attr-defined]


def _dress_post(post: LivePost) -> None:
    post.tone = _STATE_TONES.get(post.state, "muted")  # type: ignore[attr-defined]
    checks = []
    for item in post.check_results or []:
        key = str(item.get("key", ""))
        kind = key.partition(":")[0]  # "hashtag:#glow": the message names the tag
        status = str(item.get("status", "pending"))
        checks.append(
            {
                "label": _CHECK_LABELS.get(kind, kind.capitalize()) + ":",
                "status_label": status.capitalize(),
                "tone": _CHECK_TONES.get(status, "muted"),
                "message": str(item.get("message", "")),
            }
        )
    post.checks = checks  # type: ignore[attr-defined]


def _latest_feedback(
    submission: Submission | None, drafts: list[DraftVersion], posts: list[LivePost]
) -> str:
    """What the brand asked for, while the creator is working on it (changes or rejection)."""
    if submission is None:
        return ""
    if submission.stage in ("draft_changes",) or (
        submission.stage == "rejected" and submission.current_post_id is None
    ):
        return drafts[-1].feedback if drafts else ""
    if submission.stage in ("post_changes", "rejected"):
        return posts[-1].feedback if posts else ""
    return ""


@creator_page(object_page=True)
def slot_page(request: HttpRequest, creator: CreatorProfile, slot_id: str) -> HttpResponse:
    return _render(request, creator, slot_id)


# -- drafts ------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _json_error(exc: ChorusError) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=exc.status_code)


def _form_error(form: Any) -> ChorusError:
    fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    first = next(iter(fields.values()), ["Check what you sent."])[0]
    return ChorusError("invalid", first, fields=fields)


def _body(request: HttpRequest) -> Any:
    if request.content_type != "application/json":
        return request.POST
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ChorusError("invalid", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ChorusError("invalid", "Send a JSON object.")
    return data


@require_POST
@creator_page(object_page=True)
def slot_upload_request(
    request: HttpRequest, creator: CreatorProfile, slot_id: str
) -> HttpResponse:
    """JSON: a direct-upload form for one file (``content_type``, ``size``, ``name``)."""
    slot = services.creator_slot(creator=creator, slot_id=slot_id)
    try:
        form = UploadRequestForm(_body(request))
        if not form.is_valid():
            raise _form_error(form)
        granted = services.draft_upload_request(
            creator=creator,
            slot=slot,
            content_type=form.cleaned_data["content_type"],
            size_bytes=form.cleaned_data["size"],
            name=form.cleaned_data["name"] or "",
        )
    except ChorusError as exc:
        return _json_error(exc)
    upload = granted.upload
    return JsonResponse(
        {
            "key": upload.key,
            "url": upload.url,
            "method": getattr(upload, "method", "POST"),
            "fields": dict(upload.fields),
            "ticket": granted.ticket.public_id,
        }
    )


def _draft_received(request: HttpRequest, draft: DraftVersion) -> None:
    messages.success(
        request,
        f"Draft version {draft.number} sent. {draft.submission.campaign.brand.name} will review "
        "it; we'll let you know.",
    )


@require_POST
@creator_page(object_page=True)
def slot_confirm(request: HttpRequest, creator: CreatorProfile, slot_id: str) -> HttpResponse:
    """Record a direct upload with its caption (JSON from the page's script, or the plain
    "finish this upload" form)."""
    slot = services.creator_slot(creator=creator, slot_id=slot_id)
    as_json = _wants_json(request)
    try:
        form = ConfirmForm(_body(request))
    except ChorusError as exc:
        return _json_error(exc)
    if form.is_valid():
        try:
            draft = services.draft_submit(
                creator=creator,
                slot=slot,
                key=form.cleaned_data["key"],
                caption=form.cleaned_data["caption"],
            )
        except ChorusError as exc:
            if as_json:
                return _json_error(exc)
            if "caption" not in exc.fields:
                # The work moved on (another tab, a decision) or the upload is gone: nothing
                # in the form can fix it, so say so on top of the page.
                messages.error(request, exc.message)
                return redirect(_slot_url(slot_id))
            add_service_error(form, exc, aliases=_DRAFT_ALIASES)
        else:
            _draft_received(request, draft)
            if as_json:
                return JsonResponse({"draft": draft.public_id, "redirect": _slot_url(slot_id)})
            return redirect(_slot_url(slot_id))
    elif as_json:
        return _json_error(_form_error(form))
    return _render(request, creator, slot_id, confirm_form=form, status=400)


def _store_through_app(
    creator: CreatorProfile, slot: ParticipationSlot, upload: UploadedFile, caption: str
) -> DraftVersion:
    """The plain form's path: the same ticket and confirmation as a direct upload, with the app
    writing the bytes to the key it was given."""
    content_type = files.check_upload(upload, kind=DRAFT)  # sniffed from the bytes
    granted = services.draft_upload_request(
        creator=creator,
        slot=slot,
        content_type=content_type,
        size_bytes=upload.size or 0,
        name=upload.name or "",
    )
    upload.seek(0)
    key = granted.upload.key
    saved = default_storage.save(key, File(upload, name=key))
    if saved != key:  # the storage renamed it: drop it rather than confirm a stranger's key
        files.delete_stored(saved)
        raise ChorusError("upload_failed", "The upload could not be stored. Try again.")
    return services.draft_submit(creator=creator, slot=slot, key=key, caption=caption)


@require_POST
@creator_page(object_page=True)
def slot_draft(request: HttpRequest, creator: CreatorProfile, slot_id: str) -> HttpResponse:
    """The upload form without JavaScript: the file comes through the app."""
    slot = services.creator_slot(creator=creator, slot_id=slot_id)
    form = DraftForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            draft = _store_through_app(
                creator, slot, form.cleaned_data["file"], form.cleaned_data["caption"]
            )
        except ChorusError as exc:
            if not exc.fields:
                messages.error(request, exc.message)
                return redirect(_slot_url(slot_id))
            add_service_error(form, exc, aliases=_DRAFT_ALIASES)
        else:
            _draft_received(request, draft)
            return redirect(_slot_url(slot_id))
    return _render(request, creator, slot_id, draft_form=form, status=400)


# -- the live post -----------------------------------------------------------------------------


@require_POST
@creator_page(object_page=True)
def slot_post(request: HttpRequest, creator: CreatorProfile, slot_id: str) -> HttpResponse:
    slot = services.creator_slot(creator=creator, slot_id=slot_id)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            services.live_post_submit(creator=creator, slot=slot, url=form.cleaned_data["url"])
        except ChorusError as exc:
            if not exc.fields:
                messages.error(request, exc.message)
                return redirect(_slot_url(slot_id))
            add_service_error(form, exc, aliases={})
        else:
            messages.success(
                request,
                f"Link received. We are checking the post on "
                f"{PLATFORM_NAMES.get(slot.platform, slot.platform)}; the results show below.",
            )
            return redirect(_slot_url(slot_id))
    return _render(request, creator, slot_id, post_form=form, status=400)
