"""Integer-only averages and engagement rates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platforms.metrics import average, engagement_rate_bp, rounded_div
from platforms.youtube import seconds_until_quota_reset


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(7, 2, 4), (5, 2, 3), (4, 3, 1), (5, 3, 2), (0, 5, 0), (5, 0, 0)],
)
def test_rounded_div_rounds_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert rounded_div(numerator, denominator) == expected


def test_average_of_counts() -> None:
    assert average([100, 200, 301]) == 200
    assert average([]) == 0


def test_engagement_rate_is_interactions_per_post_over_followers_in_basis_points() -> None:
    # 2 posts, 345 + 345 interactions, 10,000 followers → 3.45 % → 345 bp
    assert engagement_rate_bp([345, 345], 10_000) == 345
    assert engagement_rate_bp([1], 3) == 3333
    assert engagement_rate_bp([], 1000) == 0
    assert engagement_rate_bp([10], 0) == 0
    assert isinstance(engagement_rate_bp([7, 9], 123), int)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 1, 15, 7, 0, tzinfo=UTC), 3600),  # 23:00 PST
        (datetime(2026, 1, 15, 8, 0, tzinfo=UTC), 24 * 3600),  # 00:00 PST: a whole day
        (datetime(2026, 7, 15, 6, 59, tzinfo=UTC), 60),  # 23:59 PDT
        (datetime(2026, 3, 8, 8, 0, tzinfo=UTC), 23 * 3600),  # DST starts: a 23-hour day
    ],
)
def test_youtube_quota_resets_at_pacific_midnight(now: datetime, expected: int) -> None:
    assert seconds_until_quota_reset(now) == expected
