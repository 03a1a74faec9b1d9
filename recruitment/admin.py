from django.contrib import admin

from recruitment.models import Application, CampaignInvitation, Participation


@admin.register(CampaignInvitation)
class CampaignInvitationAdmin(admin.ModelAdmin):
    list_display = ("public_id", "organization", "campaign", "creator", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("public_id", "creator__display_name", "campaign__name")
    raw_id_fields = ("organization", "campaign", "creator", "invited_by")
    list_select_related = ("organization", "campaign", "creator")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("public_id", "organization", "campaign", "creator", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("public_id", "creator__display_name", "campaign__name")
    raw_id_fields = ("organization", "campaign", "creator", "social_account", "decided_by")
    list_select_related = ("organization", "campaign", "creator")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = (
        "public_id", "organization", "campaign", "creator", "agreed_total_cents", "currency",
        "promo_code", "status",
    )  # fmt: skip
    list_filter = ("status",)
    search_fields = ("public_id", "promo_code", "tracking_code", "creator__display_name")
    raw_id_fields = (
        "organization", "campaign", "creator", "social_account", "application", "invitation",
    )  # fmt: skip
    list_select_related = ("organization", "campaign", "creator")
    # The agreed fees and the budget they reserved are changed through services, not here.
    readonly_fields = (
        "agreed_fees",
        "agreed_total_cents",
        "currency",
        "tracking_code",
        "promo_code",
    )
