"""Tracking-link clicks: append-only time series, one row per click."""

from typing import Any, ClassVar

from django.db import models

from organizations.models import Organization, OrgScopedQuerySet
from recruitment.models import Participation


class Click(models.Model):
    """A visit through a creator's tracking link. Never updated; counts are sums over rows.

    Shaped to be range-partitioned by month later: no foreign key points at it, and every
    query carries organization and created_at.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="clicks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A salted hash, never the address itself: enough to tell unique visitors apart.
    visitor_hash = models.CharField(max_length=64)
    referrer_host = models.CharField(max_length=255, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    brand_path: ClassVar[str | None] = "participation__campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=("organization", "created_at"), name="click_org_time"),
            models.Index(fields=("participation", "created_at"), name="click_participation_time"),
        ]

    def __str__(self) -> str:
        return f"click on {self.participation_id} at {self.created_at:%Y-%m-%d %H:%M}"
