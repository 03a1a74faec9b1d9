"""Read-only views of the ledger: it is append-only, corrections are new transactions."""

from typing import Any

from django.contrib import admin

from ledger.models import Entry, LedgerAccount, Transaction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "organization",
        "campaign",
        "creator",
        "kind",
        "currency",
        "balance_cents",
    )
    list_filter = ("kind", "currency")
    raw_id_fields = ("organization", "campaign", "creator")


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ("account", "amount_cents", "currency")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "organization", "campaign", "kind", "key", "capped_cents")
    list_filter = ("kind",)
    search_fields = ("public_id", "key")
    raw_id_fields = ("organization", "campaign")
    inlines = (EntryInline,)
