from django.contrib import admin

from creators.models import CreatorNiche, CreatorProfile, PortfolioItem, SocialAccount


class CreatorNicheInline(admin.TabularInline):
    model = CreatorNiche
    extra = 0


class PortfolioItemInline(admin.TabularInline):
    model = PortfolioItem
    extra = 0
    readonly_fields = ("public_id",)


class SocialAccountInline(admin.TabularInline):
    model = SocialAccount
    extra = 0
    fields = ("platform", "handle", "follower_count", "engagement_rate_bp", "verified_at")
    readonly_fields = ("platform", "handle", "follower_count", "engagement_rate_bp", "verified_at")
    show_change_link = True
    can_delete = False


@admin.register(CreatorProfile)
class CreatorProfileAdmin(admin.ModelAdmin):
    list_display = (
        "display_name",
        "user",
        "country",
        "total_followers",
        "has_verified_account",
        "created_at",
    )
    list_filter = ("has_verified_account", "country")
    list_select_related = ("user",)
    search_fields = ("display_name", "user__email")
    readonly_fields = ("public_id", "total_followers", "best_engagement_bp", "has_verified_account")
    inlines = (CreatorNicheInline, PortfolioItemInline, SocialAccountInline)


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    list_display = (
        "handle",
        "platform",
        "creator",
        "follower_count",
        "engagement_rate_bp",
        "verified_at",
        "last_refreshed_at",
    )
    list_filter = ("platform", "verification_method")
    list_select_related = ("creator",)
    search_fields = ("handle", "creator__display_name", "creator__user__email")
    readonly_fields = ("public_id", "verification_code", "last_refreshed_at", "last_refresh_error")
    raw_id_fields = ("creator",)
