from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "payouts"
    verbose_name = "Payouts"

    def ready(self) -> None:
        # Importing these registers their Stripe webhook handlers (payouts.events.handles).
        from payouts import activity, connect, funding, transfer_events  # noqa: F401

        activity.register()
