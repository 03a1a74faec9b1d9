from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "recipient",
        "organization",
        "kind",
        "title",
        "created_at",
        "read_at",
        "emailed_at",
    )
    list_filter = ("kind",)
    search_fields = ("public_id", "recipient__email", "title")
    raw_id_fields = ("recipient", "organization")
    list_select_related = ("recipient", "organization")
