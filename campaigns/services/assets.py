"""Files attached to a campaign's brief: sniffed types, size and count limits."""

from typing import Any

from django.db import transaction

from campaigns.models import BRIEF_ASSET, Campaign, CampaignAsset
from campaigns.services.guards import _lock, _require_writer
from core import files
from core.errors import ChorusError, NotFound
from core.ownership import require_owns
from organizations.access import OrgAccess
from organizations.audit import audit_record

MAX_ASSET_BYTES = BRIEF_ASSET.max_bytes
MAX_ASSETS_PER_CAMPAIGN = 20
ASSET_TYPES = BRIEF_ASSET.allowed
ASSET_KINDS = BRIEF_ASSET.label


def _asset_error(code: str, message: str, status_code: int | None = None) -> ChorusError:
    return ChorusError(code, message, fields={"file": [message]}, status_code=status_code)


def campaign_asset_add(*, access: OrgAccess, campaign: Campaign, upload: Any) -> CampaignAsset:
    """Attach a file to the campaign's brief. The type is read from the file's bytes (JPEG, PNG,
    WebP, GIF, PDF, MP4, MOV), never its name; at most ``MAX_ASSET_BYTES`` each and
    ``MAX_ASSETS_PER_CAMPAIGN`` per campaign; refused once the campaign is completed or archived.
    The stored file is removed again if the row cannot be written."""
    _require_writer(access)
    require_owns(access, campaign, what="campaign")
    files.check_upload(upload, kind=BRIEF_ASSET)  # refuse before taking the lock
    stored: files.StoredUpload | None = None
    try:
        with transaction.atomic(durable=True):
            locked = _lock(campaign)
            if not locked.is_editable:
                raise _asset_error(
                    "campaign_closed",
                    f"This campaign is {locked.get_status_display().lower()}: its brief can no "
                    "longer take files.",
                    status_code=409,
                )
            if locked.assets.count() >= MAX_ASSETS_PER_CAMPAIGN:
                raise _asset_error(
                    "too_many_assets",
                    f"A campaign holds at most {MAX_ASSETS_PER_CAMPAIGN} files. Remove one "
                    "before adding another.",
                )
            # Stored under <org>/brief-asset/<opaque>.<sniffed ext>; the name is data only.
            stored = files.store_upload(
                upload, kind=BRIEF_ASSET, owner=locked.organization.public_id
            )
            asset = CampaignAsset.objects.create(
                organization=locked.organization,
                campaign=locked,
                file=stored.key,
                name=stored.name,
                content_type=stored.content_type,
                size_bytes=stored.size,
                uploaded_by=access.user,
            )
            audit_record(
                organization=access.organization,
                access=access,
                action="campaign.asset_add",
                target=locked,
                data={
                    "asset": asset.public_id,
                    "name": stored.name,
                    "content_type": stored.content_type,
                },
            )
    except BaseException:
        if stored is not None:
            files.delete_stored(stored.key)
        raise
    return asset


def campaign_asset_remove(*, access: OrgAccess, campaign: Campaign, asset: CampaignAsset) -> None:
    """Delete the asset row; its stored file is deleted once the transaction commits."""
    _require_writer(access)
    require_owns(access, campaign, what="campaign")
    require_owns(access, asset, what="file")
    if asset.campaign_id != campaign.pk:
        raise NotFound("No such file.")
    with transaction.atomic(durable=True):
        row = CampaignAsset.objects.select_for_update().filter(pk=asset.pk).first()
        if row is None:
            raise NotFound("No such file.")
        storage, stored_name = row.file.storage, row.file.name
        public_id, name = row.public_id, row.name
        row.delete()
        audit_record(
            organization=access.organization,
            access=access,
            action="campaign.asset_remove",
            target=campaign,
            data={"asset": public_id, "name": name},
        )
        if stored_name:
            transaction.on_commit(lambda: storage.delete(stored_name))
