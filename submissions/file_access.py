"""Who may fetch a draft's file, thumbnail or poster through the one file view (core.files).

Three kinds, each addressed by the draft version's public id (``/files/<kind>/drv_…``):

- ``draft``: the uploaded file itself (video or image), shown inline; ``?download=1`` asks for
  ``Content-Disposition: attachment`` (the content library's download);
- ``draft-thumb``: the image thumbnail, ``draft-poster``: a video's poster frame (both made by
  core.media when the server can, else absent: pages then show a placeholder).

Two authorizers per kind: members of the draft's organization whose role reads submissions,
within their brand limit; and the creator who uploaded it. Anyone else gets None, which the
view answers with 404, exactly as for a missing file (no existence leak).
"""

from django.http import HttpRequest

from core import files
from creators.models import CreatorProfile
from organizations.access import access_for_request
from organizations.roles import Scope
from submissions.models import DraftVersion
from submissions.uploads import DRAFT

DRAFT_FILE = DRAFT.name  # "draft"
DRAFT_THUMB = "draft-thumb"
DRAFT_POSTER = "draft-poster"
KINDS = (DRAFT_FILE, DRAFT_THUMB, DRAFT_POSTER)


def _draft(public_id: str) -> DraftVersion | None:
    return (
        DraftVersion.objects.select_related("organization", "campaign")
        .filter(public_id=str(public_id))
        .first()
    )


def _served(request: HttpRequest, draft: DraftVersion, kind: str) -> files.ServedFile | None:
    if kind == DRAFT_FILE:
        if not draft.file_key:
            return None
        return files.ServedFile(
            key=draft.file_key,
            content_type=draft.content_type,
            download_name=draft.original_name or f"{draft.campaign.name} draft v{draft.number}",
            attachment=request.GET.get("download") == "1",
        )
    key = draft.thumbnail_key if kind == DRAFT_THUMB else draft.poster_key
    if not key:
        return None
    return files.ServedFile(key=key, content_type=files.content_type_for_key(key))


def _for_member(kind: str) -> files.FileAuthorizer:
    def authorize(request: HttpRequest, public_id: str) -> files.ServedFile | None:
        draft = _draft(public_id)
        if draft is None:
            return None
        access = access_for_request(request, draft.organization)
        if access is None or not access.has(Scope.SUBMISSIONS_READ) or not access.owns(draft):
            return None
        return _served(request, draft, kind)

    return authorize


def _for_creator(kind: str) -> files.FileAuthorizer:
    def authorize(request: HttpRequest, public_id: str) -> files.ServedFile | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        creator_id = CreatorProfile.objects.filter(user=user).values_list("pk", flat=True).first()
        if creator_id is None:
            return None
        draft = _draft(public_id)
        if draft is None or draft.creator_id != creator_id:
            return None
        return _served(request, draft, kind)

    return authorize


def register() -> None:
    """Called from SubmissionsConfig.ready()."""
    for kind in KINDS:
        files.register_file_kind(kind, _for_member(kind), key="submissions.members")
        files.register_file_kind(kind, _for_creator(kind), key="submissions.creator")


def draft_file_url(draft: DraftVersion, *, download: bool = False) -> str:
    url = files.file_url(DRAFT_FILE, draft.public_id)
    return f"{url}?download=1" if download else url


def draft_preview_url(draft: DraftVersion) -> str:
    """The still image that stands for a draft in lists ("" when there is none yet)."""
    if draft.thumbnail_key:
        return files.file_url(DRAFT_THUMB, draft.public_id)
    if draft.poster_key:
        return files.file_url(DRAFT_POSTER, draft.public_id)
    return ""


def draft_poster_url(draft: DraftVersion) -> str:
    return files.file_url(DRAFT_POSTER, draft.public_id) if draft.poster_key else ""
