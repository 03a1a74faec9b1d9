"""Tracking-link clicks: append-only time series, one row per counted click."""

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from organizations.models import Organization, OrgScopedQuerySet
from recruitment.models import Participation


class Click(models.Model):
    """A visit through a creator's tracking link. Never updated; counts are sums over rows.

    Shaped to be range-partitioned by month later: no foreign key points at it, and every
    query carries organization and created_at. Rows come in batches from the click buffer
    (``analytics.services.clicks_flush``): ``click_id`` and ``created_at`` are set when the
    visitor clicks, so a batch written twice inserts nothing the second time.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="clicks"
    )
    click_id = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # A keyed hash of the visitor's address, never the address itself: enough to tell unique
    # visitors apart and to count a flood from one address once.
    visitor_hash = models.CharField(max_length=64)
    referrer_host = models.CharField(max_length=255, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    brand_path: ClassVar[str | None] = "participation__campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            # (organization, created_at) is served by the unique constraint's index below.
            models.Index(fields=("participation", "created_at"), name="click_participation_time"),
        ]
        constraints = [
            # With created_at: a unique key of a table partitioned by month must hold it.
            models.UniqueConstraint(
                fields=("organization", "created_at", "click_id"), name="click_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"click on {self.participation_id} at {self.created_at:%Y-%m-%d %H:%M}"
