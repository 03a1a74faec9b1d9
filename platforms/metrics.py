"""Integer-only aggregates over recent posts (no floats are ever stored).

Engagement rate is defined once for every platform, so rates are comparable:
average interactions per recent post divided by followers, in basis points.
Interactions are what each platform exposes publicly: likes + comments (+ shares on TikTok).
"""

from __future__ import annotations

from collections.abc import Sequence

BASIS_POINTS = 10_000


def rounded_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for non-negative integers."""
    if denominator <= 0:
        return 0
    return (2 * numerator + denominator) // (2 * denominator)


def average(values: Sequence[int]) -> int:
    """Rounded mean of integer counts; 0 for no values."""
    return rounded_div(sum(values), len(values))


def engagement_rate_bp(interactions: Sequence[int], follower_count: int) -> int:
    """Average interactions per post over followers, in basis points (345 = 3.45 %).

    0 when there are no posts or no (public) followers: there is nothing to divide by.
    """
    if not interactions or follower_count <= 0:
        return 0
    return rounded_div(sum(interactions) * BASIS_POINTS, len(interactions) * follower_count)
