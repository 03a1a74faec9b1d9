"""In-app notifications for one person each, sent by any app above this one.

``organization`` is the tenant the notice concerns. It is nullable on purpose, for purely
personal notices that concern no tenant (a creator's own account: "your TikTok account is
verified", "connect payouts") — a creator is a global user, and inventing a tenant for those would
put a row in an organization that has nothing to do with it. Every kind that concerns a tenant
is registered with ``personal=False`` and the send service refuses it without an organization,
so only kinds declared personal produce rows without one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import PublicIdModel
from organizations.models import Organization


class Notification(PublicIdModel):
    """One notice for one user (a creator or a brand member), often also e-mailed."""

    public_id_prefix = "ntf"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A key of notifications.registry (no choices here: kinds are registered by apps in code).
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)  # the link target, site-relative
    data = models.JSONField(default=dict, blank=True)  # the context the kind rendered
    read_at = models.DateTimeField(null=True, blank=True)
    # E-mail state a sweeper can find: wanted and not yet sent.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set (and committed) just before the e-mail goes to SMTP; ``emailed_at`` right after. A
    # claim without ``emailed_at`` older than ``core.outbox.SEND_WINDOW``: the process died while
    # sending, the outcome is unknown and it is not sent again (see core.outbox, at-most-once).
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("recipient", "-created_at"), name="ntf_recipient_time"),
            models.Index(
                fields=("recipient", "organization"),
                condition=Q(read_at__isnull=True),
                name="ntf_unread",
            ),
            models.Index(
                fields=("created_at",),
                condition=Q(email_wanted=True, emailed_at__isnull=True),
                name="ntf_email_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def email_state(self) -> str:
        """ "" (no e-mail), "pending", "sending", "sent" or "unknown" (see ``email_claimed_at``)."""
        from core.outbox import SEND_WINDOW

        if not self.email_wanted:
            return ""
        if self.emailed_at is not None:
            return "sent"
        if self.email_claimed_at is None:
            return "pending"
        if timezone.now() - self.email_claimed_at < SEND_WINDOW:
            return "sending"
        return "unknown"
