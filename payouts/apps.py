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

        from campaigns.changes import on_campaign_terms_changed
        from payouts.funding_expiry import funding_expiry_queue_many

        # A budget or status change may leave open Checkout sessions stale (payouts pulls).
        on_campaign_terms_changed(funding_expiry_queue_many)
