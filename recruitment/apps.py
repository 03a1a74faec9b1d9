from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = "Recruitment"

    def ready(self) -> None:
        from recruitment import activity, notifications

        notifications.register_kinds()
        activity.register()
