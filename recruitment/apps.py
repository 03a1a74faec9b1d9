from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "Recruitment"

    def ready(self) -> None:
        from recruitment import activity, notifications

        notifications.register_kinds()
        activity.register()

        from campaigns.models import BRIEF_ASSET
        from core.files import register_file_kind
        from recruitment.selectors import brief_asset_for_creator

        register_file_kind(BRIEF_ASSET, brief_asset_for_creator, key="recruitment.creators")
