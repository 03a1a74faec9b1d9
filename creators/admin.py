from django.contrib import admin

from creators.models import CreatorProfile


@admin.register(CreatorProfile)
class CreatorProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "country", "created_at")
    list_select_related = ("user",)
    search_fields = ("display_name", "user__email")
    readonly_fields = ("public_id",)
