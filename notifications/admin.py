from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.outbox import SEND_WINDOW
from notifications.models import Notification


class EmailStateFilter(admin.SimpleListFilter):
    """Operators find e-mails whose outcome is unknown (the sending process died between its
    claim and its sent mark; not sent again, see core.outbox) and resend them by hand."""

    title = "e-mail"
    parameter_name = "email"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            ("pending", "pending"),
            ("sending", "sending"),
            ("sent", "sent"),
            ("unknown", "outcome unknown"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        stale = timezone.now() - SEND_WINDOW
        owed = queryset.filter(email_wanted=True, emailed_at__isnull=True)
        match self.value():
            case "pending":
                return owed.filter(email_claimed_at__isnull=True)
            case "sending":
                return owed.filter(email_claimed_at__gte=stale)
            case "sent":
                return queryset.filter(emailed_at__isnull=False)
            case "unknown":
                return owed.filter(Q(email_claimed_at__lt=stale))
        return queryset


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
        "email_state",
    )
    list_filter = ("kind", EmailStateFilter)
    search_fields = ("public_id", "recipient__email", "title")
    raw_id_fields = ("recipient", "organization")
    list_select_related = ("recipient", "organization")
    actions = ("email_again",)

    @admin.action(description="Send the e-mail again (outcome unknown only)")
    def email_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        from notifications.services import notification_email_resend

        sent = notification_email_resend(
            notification_ids=list(
                queryset.filter(
                    email_wanted=True,
                    emailed_at__isnull=True,
                    email_claimed_at__lt=timezone.now() - SEND_WINDOW,
                ).values_list("pk", flat=True)
            )
        )
        self.message_user(request, f"{sent} e-mail(s) queued again.")
