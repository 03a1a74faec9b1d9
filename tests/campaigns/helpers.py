"""Shared helpers for the campaigns tests."""

import datetime
from typing import Any

from django.utils import timezone


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def campaign_fields(**overrides: Any) -> dict[str, Any]:
    """Valid keyword arguments for campaign_create (besides access and brand)."""
    fields: dict[str, Any] = {
        "name": "Summer Launch",
        "objective": "Awareness",
        "brief": "Show the **serum** in your routine.",
        "landing_url": "https://example.com/serum",
        "currency": "USD",
        "budget_cents": 100_000,
        "application_deadline": days(7),
        "draft_due": days(14),
        "posting_starts": days(21),
        "posting_ends": days(35),
        "max_creators": 10,
        "deliverables": [
            {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15_000},
            {"platform": "instagram", "format": "reel", "quantity": 1, "fee_cents": 20_000},
        ],
    }
    fields.update(overrides)
    return fields
