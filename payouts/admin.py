"""Read-mostly admin for what Stripe told us: these rows are written by services, not by hand."""

from django.contrib import admin

from payouts.models import ConnectedAccount, Funding, StripeEvent


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = (
        "event_id",
        "type",
        "account",
        "stripe_created",
        "received_at",
        "processed_at",
        "attempts",
    )
    list_filter = ("type", "livemode")
    search_fields = ("event_id", "account")
    readonly_fields = [f.name for f in StripeEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(admin.ModelAdmin):
    list_display = (
        "creator",
        "stripe_account_id",
        "details_submitted",
        "payouts_enabled",
        "transfers_capability",
        "synced_at",
    )
    list_filter = ("payouts_enabled", "transfers_capability")
    list_select_related = ("creator",)
    search_fields = ("stripe_account_id", "creator__display_name", "creator__user__email")
    readonly_fields = [f.name for f in ConnectedAccount._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "organization",
        "campaign",
        "amount_cents",
        "currency",
        "status",
        "paid_at",
    )
    list_filter = ("status", "currency")
    list_select_related = ("organization", "campaign")
    search_fields = ("public_id", "checkout_session_id", "campaign__name")
    readonly_fields = [f.name for f in Funding._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
