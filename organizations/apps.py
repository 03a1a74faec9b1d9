from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from organizations import api_schema  # noqa: F401  (registers the OpenAPI extension)
        from organizations.audit import register_builtin_renderers

        register_builtin_renderers()
