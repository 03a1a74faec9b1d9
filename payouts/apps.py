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

        from django.db.models.signals import post_save

        from campaigns.models import Campaign
        from payouts.funding_expiry import on_campaign_saved

        # A budget or status change may leave open Checkout sessions stale (payouts pulls).
        post_save.connect(on_campaign_saved, sender=Campaign, dispatch_uid="payouts.funding_expiry")
