"""Brief assets: files a brand attaches to a campaign (brand page, API, creator page and API)."""

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign, CampaignAsset
from core.errors import ChorusError
from core.files import safe_file_name
from organizations.models import AuditEvent
from organizations.roles import Role
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from users.models import User

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 32
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 32


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return CampaignFactory(brand=tenant_a.brand, name="Glow Launch")


def upload(name: str = "serum.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(tenant: Tenant, campaign: Campaign, **kwargs: Any) -> CampaignAsset:
    return services.campaign_asset_add(
        access=tenant.access(), campaign=campaign, upload=upload(**kwargs)
    )


def detail_url(tenant: Tenant, campaign: Campaign) -> str:
    return reverse("campaigns:detail", args=[tenant.org.slug, campaign.public_id])


def add_url(tenant: Tenant, campaign: Campaign) -> str:
    return reverse("campaigns:asset_add", args=[tenant.org.slug, campaign.public_id])


def api_assets_url(campaign: Campaign) -> str:
    return f"/api/v1/campaigns/{campaign.public_id}/assets/"


def stored(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()]


# -- brand page -----------------------------------------------------------------------------


def test_owner_uploads_an_asset_on_the_campaign_page(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client], media_root: Path
) -> None:
    client = client_for(tenant_a.owner)
    response = client.post(add_url(tenant_a, campaign), {"file": upload("Serum shot.png")})
    assert response.status_code == 302
    asset = campaign.assets.get()
    assert (asset.name, asset.content_type, asset.size_bytes) == ("Serum shot.png", "image/png", 72)
    assert asset.organization_id == tenant_a.org.pk
    assert asset.uploaded_by == tenant_a.owner
    assert re.fullmatch(rf"{tenant_a.org.public_id}/brief-asset/[\w-]{{24}}\.png", asset.file.name)
    assert (media_root / asset.file.name).read_bytes() == PNG
    assert AuditEvent.objects.filter(
        organization=tenant_a.org, action="campaign.asset_add"
    ).exists()
    page = client.get(detail_url(tenant_a, campaign)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Serum shot.png" in page
    assert f'href="/files/brief-asset/{asset.public_id}"' in page
    assert reverse("campaigns:asset_remove", args=[tenant_a.org.slug, campaign.public_id, asset.public_id]) in page  # fmt: skip


def test_text_file_renamed_pdf_is_refused_with_a_message_saying_what_to_fix(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client], media_root: Path
) -> None:
    client = client_for(tenant_a.owner)
    response = client.post(
        add_url(tenant_a, campaign), {"file": upload("guidelines.pdf", b"just some text\n")},
    )  # fmt: skip
    # The page comes back with the problem beside the file input, tied to it for screen readers.
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'<small id="asset-error" class="field-error">(.*?)</small>', html, re.S)
    assert error
    assert "is not a JPEG, PNG, WebP, GIF, PDF, MP4 or MOV file" in error.group(1)
    file_input = re.search(r'<input type="file" id="asset-file"[^>]*>', html).group(0)
    assert 'aria-describedby="asset-error asset-help"' in file_input
    assert 'aria-invalid="true"' in file_input
    assert not campaign.assets.exists()
    assert stored(media_root) == []


def test_upload_without_a_file_says_to_choose_one(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client]
) -> None:
    response = client_for(tenant_a.owner).post(add_url(tenant_a, campaign), {})
    assert response.status_code == 400
    assert 'id="asset-error"' in response.content.decode()
    assert "Choose a file to upload" in response.content.decode()
    assert not campaign.assets.exists()


def test_viewer_cannot_upload_an_asset(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client]
) -> None:
    viewer = tenant_a.add_member(Role.VIEWER)
    response = client_for(viewer).post(add_url(tenant_a, campaign), {"file": upload()})
    assert response.status_code == 403
    assert not campaign.assets.exists()
    page = client_for(viewer).get(detail_url(tenant_a, campaign)).content.decode()
    assert 'name="file"' not in page


def test_remove_deletes_the_row_and_the_stored_file(
    tenant_a: Tenant,
    campaign: Campaign,
    client_for: Callable[[User], Client],
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    asset = add(tenant_a, campaign, name="logo.png")
    path = media_root / asset.file.name
    assert path.exists()
    url = reverse(
        "campaigns:asset_remove", args=[tenant_a.org.slug, campaign.public_id, asset.public_id]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant_a.owner).post(url)
    assert response.status_code == 302
    assert not CampaignAsset.objects.filter(pk=asset.pk).exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(
        organization=tenant_a.org, action="campaign.asset_remove"
    ).exists()


def test_other_tenants_asset_is_not_found(
    tenant_a: Tenant,
    tenant_b: Tenant,
    campaign: Campaign,
    client_for: Callable[[User], Client],
) -> None:
    theirs = CampaignFactory(brand=tenant_b.brand)
    their_asset = add(tenant_b, theirs)
    client = client_for(tenant_a.owner)
    # Their asset under our campaign, and under their campaign with our slug: both 404.
    for campaign_id in (campaign.public_id, theirs.public_id):
        url = reverse(
            "campaigns:asset_remove", args=[tenant_a.org.slug, campaign_id, their_asset.public_id]
        )
        assert client.post(url).status_code == 404
    api = f"{api_assets_url(campaign)}{their_asset.public_id}/"
    assert client.delete(api, HTTP_X_CHORUS_ORGANIZATION=tenant_a.org.slug).status_code == 404
    assert CampaignAsset.objects.filter(pk=their_asset.pk).exists()


def test_detail_page_query_count_is_fixed_whatever_the_number_of_assets(
    tenant_a: Tenant,
    client_for: Callable[[User], Client],
    django_assert_num_queries: Any,
) -> None:
    client = client_for(tenant_a.owner)
    one = CampaignFactory(brand=tenant_a.brand)
    five = CampaignFactory(brand=tenant_a.brand)
    add(tenant_a, one)
    for i in range(5):
        add(tenant_a, five, name=f"shot-{i}.png")
    client.get(detail_url(tenant_a, one))  # warm caches (session, site)
    with CaptureQueriesContext(connection) as small:
        assert client.get(detail_url(tenant_a, one)).status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(detail_url(tenant_a, five))
    assert response.content.decode().count("shot-") >= 5


# -- service rules --------------------------------------------------------------------------


def test_asset_types_are_read_from_the_content(tenant_a: Tenant, campaign: Campaign) -> None:
    assert add(tenant_a, campaign, name="brief.bin", content=PDF).content_type == "application/pdf"
    assert add(tenant_a, campaign, name="clip.mp4", content=MP4).content_type == "video/mp4"
    assert add(tenant_a, campaign, name="clip.mov", content=MOV).content_type == "video/quicktime"
    gif = b"GIF89a" + b"\x00" * 20
    assert add(tenant_a, campaign, name="a.gif", content=gif).content_type == "image/gif"


def test_too_large_file_is_refused(
    tenant_a: Tenant, campaign: Campaign, monkeypatch: pytest.MonkeyPatch, media_root: Path
) -> None:
    monkeypatch.setattr(
        services.assets, "BRIEF_ASSET", replace(services.assets.BRIEF_ASSET, max_bytes=50)
    )
    with pytest.raises(ChorusError) as exc:
        add(tenant_a, campaign)
    assert exc.value.code == "file_too_large"
    assert "limit is 50 bytes" in exc.value.fields["file"][0]
    assert not campaign.assets.exists()
    assert stored(media_root) == []


def test_twenty_first_asset_is_refused(
    tenant_a: Tenant, campaign: Campaign, media_root: Path
) -> None:
    for i in range(services.MAX_ASSETS_PER_CAMPAIGN):
        add(tenant_a, campaign, name=f"{i}.png")
    with pytest.raises(ChorusError) as exc:
        add(tenant_a, campaign, name="one-too-many.png")
    assert exc.value.code == "too_many_assets"
    assert "file" in exc.value.fields
    assert campaign.assets.count() == 20
    assert len(stored(media_root)) == 20  # the refused upload left no file behind


@pytest.mark.parametrize("status", [Campaign.Status.COMPLETED, Campaign.Status.ARCHIVED])
def test_closed_campaign_takes_no_new_assets(tenant_a: Tenant, status: str) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand, status=status)
    with pytest.raises(ChorusError) as exc:
        add(tenant_a, campaign)
    assert (exc.value.code, exc.value.status_code) == ("campaign_closed", 409)
    assert not campaign.assets.exists()


def test_file_names_are_sanitised() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("C:\\Users\\me\\<b>shot.png") == "b_shot.png"
    assert safe_file_name("r\u00e9sum\u00e9\x00\n.pdf") == "r\u00e9sum\u00e9_.pdf"
    assert safe_file_name("...") == "file"


# -- brand API ------------------------------------------------------------------------------


def test_api_uploads_lists_and_removes_an_asset(
    tenant_a: Tenant,
    campaign: Campaign,
    api_client_for: Any,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    api = api_client_for(tenant_a, Role.MANAGER)
    response = api.post(
        api_assets_url(campaign), {"file": upload("spec.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("cas_")
    assert (body["name"], body["content_type"], body["size_bytes"]) == (
        "spec.pdf",
        "application/pdf",
        len(PDF),
    )
    assert body["url"] == f"/files/brief-asset/{body['id']}"
    detail = api.get(f"/api/v1/campaigns/{campaign.public_id}/").json()
    assert detail["assets"] == [body]
    listed = api.get("/api/v1/campaigns/").json()["results"]
    assert [a["id"] for a in listed[0]["assets"]] == [body["id"]]
    asset = CampaignAsset.objects.get(public_id=body["id"])
    path = media_root / asset.file.name
    with django_capture_on_commit_callbacks(execute=True):
        removed = api.delete(f"{api_assets_url(campaign)}{body['id']}/")
    assert removed.status_code == 204
    assert not campaign.assets.exists()
    assert not path.exists()


def test_api_refuses_a_disguised_file_with_the_field_named(
    tenant_a: Tenant, campaign: Campaign, api_client_for: Any
) -> None:
    api = api_client_for(tenant_a, Role.MANAGER)
    response = api.post(
        api_assets_url(campaign), {"file": upload("notes.pdf", b"plain text")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "file_type_not_allowed"
    assert "file" in response.json()["fields"]
    missing = api.post(api_assets_url(campaign), {}, format="multipart")
    assert (missing.status_code, missing.json()["code"]) == (400, "file_required")


def test_api_viewer_gets_403_on_upload(
    tenant_a: Tenant, campaign: Campaign, api_client_for: Any
) -> None:
    api = api_client_for(tenant_a, Role.VIEWER)
    response = api.post(api_assets_url(campaign), {"file": upload()}, format="multipart")
    assert response.status_code == 403
    assert not campaign.assets.exists()


def test_api_other_tenants_campaign_assets_are_not_found(
    tenant_a: Tenant, tenant_b: Tenant, api_client_for: Any
) -> None:
    theirs = CampaignFactory(brand=tenant_b.brand)
    their_asset = add(tenant_b, theirs)
    api = api_client_for(tenant_a, Role.ADMIN)
    assert api.post(api_assets_url(theirs), {"file": upload()}, format="multipart").status_code == 404  # fmt: skip
    assert api.delete(f"{api_assets_url(theirs)}{their_asset.public_id}/").status_code == 404
    assert theirs.assets.count() == 1


# -- creator side ---------------------------------------------------------------------------


def test_creator_sees_the_assets_on_the_campaign_page_and_in_the_api(
    tenant_a: Tenant, campaign: Campaign, client_for: Callable[[User], Client]
) -> None:
    asset = add(tenant_a, campaign, name="Product guide.pdf", content=PDF)
    creator = CreatorProfileFactory()
    client = client_for(creator.user)
    page = client.get(reverse("recruitment:campaign", kwargs={"campaign_id": campaign.public_id}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Product guide.pdf" in html
    assert f'href="{asset.url}"' in html
    body = client.get(f"/api/v1/creator/campaigns/{campaign.public_id}/").json()
    assert body["assets"] == [
        {
            "id": asset.public_id,
            "name": "Product guide.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(PDF),
            "url": asset.url,
        }
    ]
