from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The audience this app can check itself; apps above register their kinds (and any
        # audience they own, e.g. creators) in their own ready().
        from notifications import registry

        registry.register_builtin_audiences()
