"""Drafts, their thumbnails and posters are served only through the authorizing file view:
to members of the draft's organization who may read submissions (within their brand limit) and
to the creator who uploaded it. Everyone else gets 404, exactly as for a missing file."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from core import files
from organizations.models import Membership
from organizations.roles import Role
from submissions.file_access import DRAFT_FILE, DRAFT_POSTER, DRAFT_THUMB
from submissions.models import DraftVersion
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import BrandFactory, UserFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import submission_in_review

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _draft(tenant: Tenant, *, brand: Any = None) -> DraftVersion:
    campaign = CampaignFactory(organization=tenant.org, brand=brand or tenant.brand)
    slot = ParticipationFactory(campaign=campaign).slots.order_by("id").first()
    draft = submission_in_review(slot=slot).current_draft
    owner = tenant.org.public_id
    draft.file_key = default_storage.save(f"{owner}/draft/v1.mp4", ContentFile(MP4))
    draft.thumbnail_key = default_storage.save(f"{owner}/draft-thumb/t1.jpg", ContentFile(JPEG))
    draft.poster_key = default_storage.save(f"{owner}/draft-poster/p1.jpg", ContentFile(JPEG))
    draft.original_name = "my video.mp4"
    draft.save(update_fields=["file_key", "thumbnail_key", "poster_key", "original_name"])
    return draft


def _get(client: Client, kind: str, draft: DraftVersion, query: str = "") -> Any:
    return client.get(files.file_url(kind, draft.public_id) + query)


def test_members_get_the_draft_inline_its_thumbnail_and_poster(tenant_a, client_for):
    draft = _draft(tenant_a)
    client = client_for(tenant_a.owner)
    response = _get(client, DRAFT_FILE, draft)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == MP4
    for kind in (DRAFT_THUMB, DRAFT_POSTER):
        response = _get(client, kind, draft)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"


def test_download_asks_for_an_attachment_named_after_the_upload(tenant_a, client_for):
    draft = _draft(tenant_a)
    response = _get(client_for(tenant_a.owner), DRAFT_FILE, draft, "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my video.mp4"'
    assert response["Content-Type"] == "video/mp4"


def test_a_viewer_may_see_drafts(tenant_a, client_for):
    draft = _draft(tenant_a)
    viewer = tenant_a.add_member(Role.VIEWER)
    assert _get(client_for(viewer), DRAFT_FILE, draft).status_code == 200


def test_the_creator_who_uploaded_it_may_see_it_and_no_other_creator(tenant_a, client_for):
    draft = _draft(tenant_a)
    assert _get(client_for(draft.creator.user), DRAFT_FILE, draft).status_code == 200
    assert _get(client_for(draft.creator.user), DRAFT_THUMB, draft).status_code == 200
    other = CreatorProfileFactory()
    for kind in (DRAFT_FILE, DRAFT_THUMB, DRAFT_POSTER):
        assert _get(client_for(other.user), kind, draft).status_code == 404


def test_another_tenant_gets_404_as_for_a_missing_file(tenant_a, tenant_b, client_for):
    draft = _draft(tenant_b)
    client = client_for(tenant_a.owner)
    for kind in (DRAFT_FILE, DRAFT_THUMB, DRAFT_POSTER):
        assert _get(client, kind, draft).status_code == 404
    assert client.get(files.file_url(DRAFT_FILE, "drv_doesnotexist000000")).status_code == 404
    # nor is the draft reachable as another kind of file
    assert client.get(files.file_url("brief-asset", draft.public_id)).status_code == 404


def test_a_member_limited_to_another_brand_gets_404(tenant_a, client_for):
    socks = BrandFactory(organization=tenant_a.org, name="Acme Socks")
    draft = _draft(tenant_a)
    limited = tenant_a.add_member(Role.ADMIN)
    Membership.objects.filter(user=limited).update(brand=socks)
    for kind in (DRAFT_FILE, DRAFT_THUMB, DRAFT_POSTER):
        assert _get(client_for(limited), kind, draft).status_code == 404
    own = _draft(tenant_a, brand=socks)
    assert _get(client_for(limited), DRAFT_FILE, own).status_code == 200


def test_strangers_and_anonymous_visitors_get_404(tenant_a, stranger, client_for):
    draft = _draft(tenant_a)
    assert _get(Client(), DRAFT_FILE, draft).status_code == 404
    assert _get(client_for(stranger), DRAFT_FILE, draft).status_code == 404
    assert _get(client_for(UserFactory()), DRAFT_POSTER, draft).status_code == 404


def test_a_missing_preview_answers_404(tenant_a, client_for: Callable[..., Client]):
    draft = _draft(tenant_a)
    DraftVersion.objects.filter(pk=draft.pk).update(thumbnail_key="", poster_key="")
    client = client_for(tenant_a.owner)
    assert _get(client, DRAFT_THUMB, draft).status_code == 404
    assert _get(client, DRAFT_POSTER, draft).status_code == 404
    assert _get(client, DRAFT_FILE, draft).status_code == 200
