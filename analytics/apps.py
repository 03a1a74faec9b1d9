from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from analytics import reconnect, signals  # noqa: F401  (signals: the link-cache receivers)
        from analytics.reconnect_selectors import creator_home_reconnect
        from creators.connections import on_account_connected
        from creators.portal import register_home_section

        reconnect.register_kind()
        # Creators cannot call analytics: a reconnect makes the refused posts due through this.
        on_account_connected(reconnect.reconnect_resume)
        register_home_section("analytics.reconnect", creator_home_reconnect, order=0, slot="top")
