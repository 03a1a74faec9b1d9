from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


class PlatformsConfig(AppConfig):
    # No models: the app exists so Django knows the package and can wire the signal below.
    name = "platforms"
    verbose_name = "Social platforms"

    def ready(self) -> None:
        setting_changed.connect(_clear_clients_on_change, dispatch_uid="platforms-settings")


def _clear_clients_on_change(*, setting: str, **kwargs: Any) -> None:
    # override_settings(PLATFORM_BASE_URLS=...) in tests must not reuse stale clients.
    from platforms.registry import SETTING_NAMES, clear_client_cache

    if setting in SETTING_NAMES:
        clear_client_cache()
