from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "payouts"
    verbose_name = "Payouts"

    def ready(self) -> None:
        # Importing these registers their Stripe webhook handlers (payouts.events.handles).
        from payouts import (  # noqa: F401
            activity,
            connect,
            funding,
            postings,
            transfer_events,
            transfer_reactions,
        )

        activity.register()
