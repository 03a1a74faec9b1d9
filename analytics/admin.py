from django.contrib import admin

from analytics.models import Click


@admin.register(Click)
class ClickAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organization", "participation", "referrer_host")
    list_select_related = ("organization", "participation")
    readonly_fields = ("created_at",)
