from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"
    verbose_name = "Creators"

    def ready(self) -> None:
        from core.files import register_file_kind
        from creators import notifications
        from creators.models import CREATOR_PHOTO
        from creators.oauth import connect_signals
        from creators.selectors import creator_photo_for_request

        connect_signals()
        notifications.register()

        register_file_kind(CREATOR_PHOTO, creator_photo_for_request, key="creators.photo")
