"""Uploaded files: server-chosen keys, types from bytes, served only through the authorizing view.

The polyglot ``GIF89a<script>…`` named ``x.html`` is the attack: before, it was stored as
``x.html`` and served from ``/media/`` as ``text/html`` to anyone.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campaigns import services as campaign_services
from campaigns.models import BRIEF_ASSET, Campaign, CampaignAsset
from core import files
from creators.services import creator_photo_set
from organizations.roles import Role
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import BrandFactory, MembershipFactory, UserFactory
from tests.factories.recruitment import CampaignInvitationFactory
from tests.s3server import S3Bucket
from users.models import User

pytestmark = pytest.mark.django_db

POLYGLOT = b"GIF89a/*<script>fetch('/api/v1/creator/profile/').then(r=>r.text())</script>*/"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PHP = b"<?php system($_GET['c']); ?>"
JS = b"fetch('/api/v1/').then(r => r.text())"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return CampaignFactory(brand=tenant_a.brand, name="Glow Launch")


def upload(
    tenant: Tenant, campaign: Campaign, name: str, content: bytes, content_type: str = "text/html"
) -> CampaignAsset:
    return campaign_services.campaign_asset_add(
        access=tenant.access(),
        campaign=campaign,
        upload=SimpleUploadedFile(name, content, content_type=content_type),
    )


def assert_safe_file_headers(response: Any) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "html" not in response["Content-Type"]
    assert "javascript" not in response["Content-Type"]


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# -- storing --------------------------------------------------------------------------------------


def test_polyglot_named_html_is_stored_as_a_gif_under_a_server_chosen_key(
    tenant_a: Tenant, campaign: Campaign, media_root: Path
) -> None:
    asset = upload(tenant_a, campaign, "x.html", POLYGLOT)
    assert asset.content_type == "image/gif"
    assert asset.name == "x.html"  # the original name is data only
    assert re.fullmatch(rf"{tenant_a.org.public_id}/brief-asset/[\w-]{{24}}\.gif", asset.file.name)
    assert [p.name for p in media_root.rglob("*.html")] == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("x.svg", SVG), ("x.php", PHP), ("x.js", JS), ("x.html", b"<html><script>1</script>")],
)
def test_script_files_are_refused_whatever_their_name(
    tenant_a: Tenant, campaign: Campaign, media_root: Path, name: str, content: bytes
) -> None:
    with pytest.raises(files.UploadRejected) as caught:
        upload(tenant_a, campaign, name, content, content_type="image/png")
    assert caught.value.code == "file_type_not_allowed"
    assert not campaign.assets.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("name", ["x.js", "x.php", "x.svg", "../../x.html"])
def test_a_real_image_with_a_script_name_gets_the_images_extension(
    tenant_a: Tenant, campaign: Campaign, name: str
) -> None:
    asset = upload(tenant_a, campaign, name, PNG)
    assert asset.file.name.endswith(".png")
    assert "/x" not in asset.file.name
    assert ".." not in asset.file.name


def test_the_original_name_is_shown_escaped(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client]
) -> None:
    upload(tenant_a, campaign, '"><img src=x onerror=alert(1)>.png', PNG)
    page = client_for(tenant_a.owner).get(f"/o/{tenant_a.org.slug}/campaigns/{campaign.public_id}/")
    html = page.content.decode()
    assert "<img src=x onerror" not in html


# -- serving --------------------------------------------------------------------------------------


def test_polyglot_is_never_served_as_html_or_script_to_anyone(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client]
) -> None:
    asset = upload(tenant_a, campaign, "x.html", POLYGLOT)
    creator = CreatorProfileFactory()
    clients = {
        "owner": client_for(tenant_a.owner),
        "creator": client_for(creator.user),
        "anonymous": Client(),
        "stranger": client_for(UserFactory()),
    }
    for who, client in clients.items():
        response = client.get(asset.url)
        if who in ("owner", "creator"):
            assert response.status_code == 200, who
            assert response["Content-Type"] == "image/gif"
            assert response["Content-Disposition"].startswith("inline")
            assert response["Content-Disposition"].endswith('.gif"')  # never x.html
            assert_safe_file_headers(response)
            assert body_of(response) == POLYGLOT
        else:
            assert response.status_code == 404, who
            assert POLYGLOT not in response.content
        # The old public path serves nothing, on any settings.
        old = client.get(f"/media/{asset.file.name}")
        assert old.status_code == 404
        assert POLYGLOT not in old.content


def test_a_pdf_is_downloaded_not_shown(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client]
) -> None:
    asset = upload(tenant_a, campaign, "Guide.pdf", PDF)
    response = client_for(tenant_a.owner).get(asset.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Guide.pdf"'
    assert_safe_file_headers(response)


def test_draft_campaign_files_are_404_for_creators_and_other_tenants(
    tenant_a: Tenant, tenant_b: Tenant, client_for: Callable[[User], Client]
) -> None:
    draft = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    asset = upload(tenant_a, draft, "secret.png", PNG)
    creator = CreatorProfileFactory()
    assert client_for(creator.user).get(asset.url).status_code == 404
    stranger_owner = UserFactory()
    MembershipFactory(organization=tenant_b.org, user=stranger_owner, role=Role.OWNER)
    assert client_for(stranger_owner).get(asset.url).status_code == 404
    assert client_for(tenant_a.owner).get(asset.url).status_code == 200


def test_invite_only_campaign_files_only_reach_invited_creators(
    tenant_a: Tenant, client_for: Callable[[User], Client]
) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand, visibility=Campaign.Visibility.INVITE_ONLY)
    asset = upload(tenant_a, campaign, "brief.pdf", PDF)
    outsider, invited = CreatorProfileFactory(), CreatorProfileFactory()
    CampaignInvitationFactory(campaign=campaign, creator=invited)
    assert client_for(outsider.user).get(asset.url).status_code == 404
    assert client_for(invited.user).get(asset.url).status_code == 200


def test_brand_limited_member_gets_only_their_brands_files(
    tenant_a: Tenant, client_for: Callable[[User], Client]
) -> None:
    other_brand = BrandFactory(organization=tenant_a.org, name="Other")
    asset = upload(tenant_a, CampaignFactory(brand=other_brand), "x.png", PNG)
    mine = upload(tenant_a, CampaignFactory(brand=tenant_a.brand), "y.png", PNG)
    limited = UserFactory()
    MembershipFactory(
        organization=tenant_a.org, user=limited, role=Role.ADMIN, brand=tenant_a.brand
    )
    client = client_for(limited)
    assert client.get(asset.url).status_code == 404
    assert client.get(mine.url).status_code == 200


def test_api_keys_fetch_their_organizations_files_only(
    tenant_a: Tenant,
    tenant_b: Tenant,
    campaign: Campaign,
    api_client_for: Callable[..., Any],
) -> None:
    asset = upload(tenant_a, campaign, "x.png", PNG)
    assert api_client_for(tenant_a, Role.VIEWER).get(asset.url).status_code == 200
    assert api_client_for(tenant_b).get(asset.url).status_code == 404
    bad = Client(HTTP_AUTHORIZATION="Bearer chorus_not-a-real-key-at-all-000000")
    assert bad.get(asset.url).status_code == 404


def test_profile_photo_reaches_its_owner_and_organization_members_only(
    tenant_a: Tenant, client_for: Callable[[User], Client]
) -> None:
    creator = CreatorProfileFactory()
    creator_photo_set(creator=creator, photo=SimpleUploadedFile("me.html", PNG, "text/html"))
    creator.refresh_from_db()
    assert creator.photo.name.startswith("creators/creator-photo/")
    url = creator.photo_url
    assert url.startswith(f"/files/creator-photo/{creator.public_id}?v=")
    for user, status in [
        (creator.user, 200),
        (tenant_a.owner, 200),
        (CreatorProfileFactory().user, 404),
        (UserFactory(), 404),
    ]:
        response = client_for(user).get(url)
        assert response.status_code == status
        if status == 200:
            assert response["Content-Type"] == "image/png"
            assert_safe_file_headers(response)
    assert Client().get(url).status_code == 404


def test_unknown_kinds_and_ids_are_404(client_for: Callable[[User], Client]) -> None:
    client = client_for(UserFactory())
    assert client.get("/files/nope/x").status_code == 404
    assert client.get("/files/brief-asset/cas_missing").status_code == 404


# -- migrating old keys ---------------------------------------------------------------------------


def test_rekey_moves_an_uploader_named_file_to_a_server_chosen_key(
    tenant_a: Tenant, media_root: Path
) -> None:
    old = default_storage.save("campaigns/assets/2026/01/x.html", SimpleUploadedFile("x", POLYGLOT))
    stored = files.rekey(old, kind=BRIEF_ASSET, owner=tenant_a.org.public_id)
    assert stored is not None
    assert stored.key.endswith(".gif")
    assert stored.content_type == "image/gif"
    assert not default_storage.exists(old)
    assert default_storage.open(stored.key).read() == POLYGLOT
    junk = default_storage.save("campaigns/assets/x.php", SimpleUploadedFile("x", PHP))
    assert files.rekey(junk, kind=BRIEF_ASSET, owner=tenant_a.org.public_id) is None


# -- S3 (moto in server mode, over real HTTP: tests/s3server.py) -------------------------------------


@pytest.fixture
def s3(s3_bucket: S3Bucket) -> Any:
    """A boto3 client of the local S3 server, whose fresh bucket is the default storage."""
    return s3_bucket.client


def test_on_s3_objects_are_private_with_the_sniffed_type_and_served_by_presigned_redirect(
    s3: Any,
    s3_bucket: S3Bucket,
    tenant_a: Tenant,
    campaign: Campaign,
    client_for: Callable[[User], Client],
) -> None:
    asset = upload(tenant_a, campaign, "x.html", POLYGLOT, content_type="text/html")
    head = s3.head_object(Bucket=s3_bucket.name, Key=asset.file.name)
    assert head["ContentType"] == "image/gif"  # the sniffed type, never the client's
    grants = s3.get_object_acl(Bucket=s3_bucket.name, Key=asset.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # owner only: private
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)

    # Not readable without a signature.
    plain = httpx.get(f"{s3.meta.endpoint_url}/{s3_bucket.name}/{asset.file.name}")
    assert plain.status_code == 403

    response = client_for(tenant_a.owner).get(asset.url)
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    location = response["Location"]
    assert "Signature=" in location or "X-Amz-Signature=" in location
    assert "Expires=" in location or "X-Amz-Expires=300" in location
    fetched = httpx.get(location)
    assert fetched.status_code == 200
    assert fetched.content == POLYGLOT
    assert fetched.headers["content-type"] == "image/gif"
    assert fetched.headers["content-disposition"].startswith("inline")

    assert Client().get(asset.url).status_code == 404  # no redirect for the anonymous


def test_presigned_post_uploads_straight_to_s3_then_confirm_checks_the_bytes(
    s3: Any, s3_bucket: S3Bucket, tenant_a: Tenant
) -> None:
    owner = tenant_a.org.public_id
    form = files.presigned_post(kind=BRIEF_ASSET, owner=owner, content_type="image/png")
    assert re.fullmatch(rf"{owner}/brief-asset/[\w-]{{24}}\.png", form["key"])
    posted = httpx.post(form["url"], data=form["fields"], files={"file": ("a.png", PNG)})
    assert posted.status_code in (200, 204)
    stored = files.confirm_upload(form["key"], kind=BRIEF_ASSET, owner=owner)
    assert (stored.content_type, stored.size) == ("image/png", len(PNG))

    # Bytes that are not what the key says: refused and deleted.
    lying = files.presigned_post(kind=BRIEF_ASSET, owner=owner, content_type="image/png")
    httpx.post(lying["url"], data=lying["fields"], files={"file": ("a.png", POLYGLOT)})
    with pytest.raises(files.UploadRejected):
        files.confirm_upload(lying["key"], kind=BRIEF_ASSET, owner=owner)
    assert "Contents" not in s3.list_objects_v2(Bucket=s3_bucket.name, Prefix=lying["key"])
    # Another owner's folder is not confirmable.
    with pytest.raises(files.UploadRejected):
        files.confirm_upload(form["key"], kind=BRIEF_ASSET, owner="org_someone_else")
    # Only the allowed types get a form.
    with pytest.raises(files.UploadRejected):
        files.presigned_post(kind=BRIEF_ASSET, owner=owner, content_type="text/html")
