"""View bonuses: a campaign's ``bonus_per_1k_views_cents`` per 1,000 views of each approved
post, up to ``bonus_cap_per_post_cents`` per post, accrued from the platform metric pulls.

Pull model: a beat sweeper finds tracked posts whose latest views are beyond what the bonus
was computed for (``PostMetrics.bonus_views``), and for each accrues the difference between
what the post has earned so far and what its newest snapshot earns, keyed
``ledger.services.bonus_key(post, snapshot)``: a snapshot accrues at most once (the ledger's
unique key), the per-post row lock makes concurrent sweeps compute one difference, and
``bonus_accrue`` caps it at what the campaign's budget has left (what it caps is recorded and
not asked again, so a spent budget does not post an empty movement on every pull).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, Sum

from analytics.models import PostMetrics, PostMetricSnapshot
from core.errors import ChorusError
from ledger.models import Transaction
from ledger.services import accrued_for_prefix, bonus_accrue, bonus_key
from submissions.models import LivePost

logger = logging.getLogger("payouts.bonuses")


def bonus_for_views(views: int, *, per_1k_cents: int, cap_cents: int) -> int:
    """Whole cents a post with ``views`` has earned (rounded down), at most the cap."""
    if views <= 0 or per_1k_cents <= 0 or cap_cents <= 0:
        return 0
    return min(views * per_1k_cents // 1_000, cap_cents)


def _post_prefix(live_post_id: int) -> str:
    return bonus_key(live_post_id, 0).rsplit(":", 1)[0] + ":"


def bonuses_due(*, limit: int = 500) -> list[int]:
    """PostMetrics ids whose views moved past what their bonus was computed for."""
    return list(
        PostMetrics.objects.filter(
            views__gt=F("bonus_views"),
            campaign__bonus_per_1k_views_cents__gt=0,
            campaign__bonus_cap_per_post_cents__gt=0,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def post_bonus_accrue(metrics_id: int) -> int:
    """Accrue what one post's newest snapshot adds to its bonus; returns the cents granted."""
    with transaction.atomic():
        # Locked first (then the campaign, inside the ledger): concurrent sweeps of one post
        # wait here and then see the other's accrual.
        row = (
            PostMetrics.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .filter(pk=metrics_id)
            .first()
        )
        if row is None:
            return 0
        latest = (
            PostMetricSnapshot.objects.filter(
                organization_id=row.organization_id,
                live_post_id=row.live_post_id,
                views__isnull=False,
            )
            .order_by("-retrieved_at")
            .values_list("pk", "views")
            .first()
        )
        snapshot_id, views = latest if latest else (0, None)
        if views is None or views <= row.bonus_views:
            # Nothing new to earn from (a recount went down): not due again until views grow.
            PostMetrics.objects.filter(pk=row.pk).update(bonus_views=row.views or 0)
            return 0
        campaign = row.campaign
        earned = bonus_for_views(
            views,
            per_1k_cents=campaign.bonus_per_1k_views_cents,
            cap_cents=campaign.bonus_cap_per_post_cents,
        )
        prefix = _post_prefix(row.live_post_id)
        capped = Transaction.objects.filter(
            organization_id=row.organization_id, campaign_id=campaign.pk, key__startswith=prefix
        ).aggregate(total=Sum("capped_cents"))["total"]
        asked = accrued_for_prefix(campaign=campaign, key_prefix=prefix) + int(capped or 0)
        owed = earned - asked
        granted = 0
        if owed > 0:
            creator_id = LivePost.objects.values_list("creator_id", flat=True).get(
                pk=row.live_post_id
            )
            try:
                with transaction.atomic():
                    txn = bonus_accrue(
                        campaign=campaign,
                        creator=creator_id,
                        key=bonus_key(row.live_post_id, snapshot_id),
                        amount_cents=owed,
                        data={"views": views, "snapshot": snapshot_id},
                    )
                granted = owed - txn.capped_cents if txn.created_now else 0
            except ChorusError as exc:  # e.g. the amount is out of range: leave it for a human
                logger.warning("view bonus of post %s refused: %s", row.live_post_id, exc)
                return 0
        PostMetrics.objects.filter(pk=row.pk).update(bonus_views=views)
        return granted


def bonuses_sweep(*, limit: int = 500) -> int:
    """Beat: accrue the view bonuses of every post whose views grew; returns cents granted."""
    return sum(post_bonus_accrue(metrics_id) for metrics_id in bonuses_due(limit=limit))
