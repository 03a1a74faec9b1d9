from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"
    verbose_name = "Creators"

    def ready(self) -> None:
        from creators import notifications
        from creators.oauth import connect_signals

        connect_signals()
        notifications.register()
