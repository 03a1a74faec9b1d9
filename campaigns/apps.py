from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from campaigns import activity

        activity.register()

        from campaigns.models import BRIEF_ASSET
        from campaigns.selectors import brief_asset_for_member
        from core.files import register_file_kind

        register_file_kind(BRIEF_ASSET, brief_asset_for_member, key="campaigns.members")
