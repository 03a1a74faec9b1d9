from django.contrib import admin

from organizations.models import ApiKey, AuditEvent, Brand, Invitation, Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "created_at")
    search_fields = ("name", "slug")
    readonly_fields = ("public_id",)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "created_at")
    list_select_related = ("organization",)
    readonly_fields = ("public_id",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "brand")
    list_select_related = ("user", "organization", "brand")
    list_filter = ("role",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organization", "role", "expires_at", "accepted_at", "revoked_at")
    list_select_related = ("organization",)
    exclude = ("token_hash",)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "organization", "role", "last_used_at", "revoked_at")
    list_select_related = ("organization",)
    exclude = ("key_hash",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organization", "actor", "action", "target_type", "target_id")
    list_select_related = ("organization", "actor")
    list_filter = ("action",)
