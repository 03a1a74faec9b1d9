from typing import Any

from django.contrib import admin

from campaigns.changes import TERMS_FIELDS, campaign_terms_changed
from campaigns.models import Campaign, Deliverable


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0
    fields = ("platform", "format", "quantity", "fee_cents", "notes", "position")
    readonly_fields = ("public_id",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "organization",
        "brand",
        "status",
        "visibility",
        "budget_cents",
        "committed_cents",
        "currency",
        "created_at",
    )
    list_filter = ("status", "visibility", "currency")
    search_fields = ("name", "public_id", "organization__name", "brand__name")
    list_select_related = ("organization", "brand")
    raw_id_fields = ("organization", "brand")
    # Committed spend changes only through ledger.services (the ledger is its record).
    readonly_fields = (
        "public_id",
        "committed_cents",
        "created_at",
        "updated_at",
        "published_at",
        "completed_at",
    )
    inlines = (DeliverableInline,)

    def save_model(self, request: Any, obj: Campaign, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and TERMS_FIELDS.intersection(form.changed_data):
            campaign_terms_changed(campaign_ids=[obj.pk])  # the admin's save is atomic

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for obj in formset.save(commit=False):
            if isinstance(obj, Deliverable) and not obj.organization_id:
                obj.organization_id = form.instance.organization_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
