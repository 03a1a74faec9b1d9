from django.contrib import admin

from discovery.models import InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry


class ShortlistEntryInline(admin.TabularInline):
    model = ShortlistEntry
    extra = 0
    raw_id_fields = ("creator", "added_by")
    readonly_fields = ("organization", "created_at")


@admin.register(Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "brand", "created_at")
    list_select_related = ("organization", "brand")
    search_fields = ("name", "public_id", "organization__name")
    readonly_fields = ("public_id", "created_at", "updated_at")
    raw_id_fields = ("organization", "brand", "created_by")
    inlines = (ShortlistEntryInline,)


class InviteBatchRowInline(admin.TabularInline):
    model = InviteBatchRow
    extra = 0
    can_delete = False
    fields = ("line_number", "raw_input", "platform", "handle", "creator", "outcome", "reason")
    readonly_fields = fields


@admin.register(InviteBatch)
class InviteBatchAdmin(admin.ModelAdmin):
    list_display = (
        "public_id", "organization", "campaign", "source", "status",
        "processed", "total", "invited", "failed_count", "created_at",
    )  # fmt: skip
    list_filter = ("status", "source")
    list_select_related = ("organization", "campaign")
    search_fields = ("public_id", "organization__name", "campaign__name")
    readonly_fields = (
        "public_id", "created_at", "updated_at", "started_at", "finished_at",
        "total", "processed", "invited", "failed_count",
    )  # fmt: skip
    raw_id_fields = ("organization", "campaign", "created_by", "created_by_api_key", "shortlist")
    inlines = (InviteBatchRowInline,)
