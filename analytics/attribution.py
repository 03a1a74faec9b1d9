"""Who gets credit for an order: the creator it is attributed to, and every creator whose link
the customer followed before buying (aggregate attribution).

Each campaign carries its own settings (``Campaign.attribution_window_days``, click lookback,
1-90 days, default 30; ``attribution_half_life_days``, 1-30 days and at most the window, default
7). They are read when an order is recorded: credits already recorded keep the settings of their
day (a refund rescales them with their recorded weights), so changing a campaign's settings never
rewrites past credits silently.

Attribution (``conversion_attribute``) looks, in the organization of the store (and its brand
when the store or key is limited to one), for:
1. a participation whose promo code is one of the order's discount codes (case-insensitive),
   whatever the age of the code's use: no window applies;
2. else the tracking reference the order carries (``utm_content`` of its landing page or an
   explicit ``tracking_code``): the customer arrived through that link, so it counts whatever
   its age;
3. else the latest click by the same visitor (``Click.visitor_hash`` equals the order's hashed
   browser address, or that of an earlier order of the same hashed customer) that is within
   the window of *its own campaign*.
A code of another organization never matches: every look-up carries the organization.

Exposure: the distinct participations whose links the customer clicked, each click counted only
within its own campaign's window (an order may follow clicks of several campaigns of the brand,
a 3-day flash sale's and a 60-day launch's), plus the attributed one (a promo code is an exposure
too). Credits per model:
- ``last_touch``: the attributed participation gets everything;
- ``linear``: equal shares;
- ``time_decay``: weight ``2 ** (-age / half_life)``, age = order time - last click (0 for a
  promo code or tracking reference without a click), half_life = the half-life of the touch's
  own campaign (so each campaign's clicks fade at its own pace; the weights are then normalised
  over all touches of the order).
Weights are integer parts per million summing to 1,000,000, revenue shares integer cents summing
to the order's net revenue (revenue - refunded), both by largest remainder (ties: lower
participation id first). Decimal arithmetic, never floats.

Every model's credits are recorded; ``Campaign.attribution_model`` only picks the one the
campaign's dashboard shows first (``dashboard_credit_model``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Any

from django.db.models import Count, Max, Q, Sum

from analytics.models import Click, Conversion, ConversionCredit
from campaigns.models import ATTRIBUTION_WINDOW_DEFAULT_DAYS, Campaign
from recruitment.models import Participation

PPM = 1_000_000
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class Touch:
    participation_id: int
    campaign_id: int
    creator_id: int
    at: datetime
    half_life_days: int  # of the touch's campaign, for time decay


@dataclass(frozen=True)
class Attribution:
    participation: Participation | None
    method: str
    touches: tuple[Touch, ...]  # every credited participation, the attributed one included


def _participations(organization_id: int, brand_id: int | None) -> Any:
    qs = Participation.objects.filter(organization_id=organization_id)
    if brand_id is not None:
        qs = qs.filter(campaign__brand_id=brand_id)
    return qs.select_related("campaign")


def by_promo_code(
    organization_id: int, brand_id: int | None, codes: Sequence[str]
) -> Participation | None:
    """The first of ``codes`` (in the order's order) that is a participation's promo code."""
    wanted = [c.strip() for c in codes if c and c.strip()]
    if not wanted:
        return None
    query = Q()
    for code in wanted:
        query |= Q(promo_code__iexact=code)
    found = {
        p.promo_code.lower(): p for p in _participations(organization_id, brand_id).filter(query)
    }
    for code in wanted:
        if code.lower() in found:
            return found[code.lower()]
    return None


def by_tracking_code(organization_id: int, brand_id: int | None, code: str) -> Participation | None:
    if not code:
        return None
    return _participations(organization_id, brand_id).filter(tracking_code=code).first()


def visitor_hashes(conversion: Conversion) -> set[str]:
    """The order's visitor, and the visitors of earlier orders of the same customer."""
    hashes = {conversion.visitor_hash} if conversion.visitor_hash else set()
    if conversion.customer_hash:
        hashes |= set(
            Conversion.objects.filter(
                organization_id=conversion.organization_id,
                customer_hash=conversion.customer_hash,
                occurred_at__lte=conversion.occurred_at,
            )
            .exclude(visitor_hash="")
            .values_list("visitor_hash", flat=True)
        )
    return hashes


def _longest_window(organization_id: int, brand_id: int | None) -> timedelta:
    """The longest window of the organization's (brand's) campaigns: it bounds the click query
    (the clicks are read by time range), then each click's own campaign's window decides, in
    Python (per-row interval arithmetic is not portable to SQLite)."""
    campaigns = Campaign.objects.filter(organization_id=organization_id)
    if brand_id is not None:
        campaigns = campaigns.filter(brand_id=brand_id)
    days = campaigns.aggregate(longest=Max("attribution_window_days"))["longest"]
    return timedelta(days=days or ATTRIBUTION_WINDOW_DEFAULT_DAYS)


def clicks_of_visitors(conversion: Conversion, brand_id: int | None, hashes: set[str]) -> Any:
    """The clicks of ``hashes`` up to the order within the longest window, with their
    campaign's settings. Organization, visitor hash and time range are one probe of the index
    ``click_org_visitor_time`` per hash, so the cost follows the buyer's clicks, not the
    organization's."""
    longest = _longest_window(conversion.organization_id, brand_id)
    earliest = datetime.min.replace(tzinfo=UTC) + longest  # an order dated in year 1
    clicks = Click.objects.filter(
        organization_id=conversion.organization_id,
        visitor_hash__in=sorted(hashes),  # sorted: one statement text for the same hashes
        created_at__gte=max(conversion.occurred_at, earliest) - longest,
        created_at__lte=conversion.occurred_at,
    )
    if brand_id is not None:
        clicks = clicks.filter(participation__campaign__brand_id=brand_id)
    return clicks.values_list(
        "participation_id",
        "participation__campaign_id",
        "participation__creator_id",
        "created_at",
        "participation__campaign__attribution_window_days",
        "participation__campaign__attribution_half_life_days",
    )


def clicked_touches(conversion: Conversion, brand_id: int | None) -> list[Touch]:
    """One touch per participation clicked before the order within its campaign's window (its
    last such click), newest first."""
    hashes = visitor_hashes(conversion)
    if not hashes:
        return []
    latest: dict[int, Touch] = {}
    rows = clicks_of_visitors(conversion, brand_id, hashes)
    for participation_id, campaign_id, creator_id, at, window_days, half_life_days in rows:
        if conversion.occurred_at - at > timedelta(days=window_days):
            continue  # outside its own campaign's window
        seen = latest.get(participation_id)
        if seen is None or at > seen.at:
            latest[participation_id] = Touch(
                participation_id, campaign_id, creator_id, at, half_life_days
            )
    return sorted(latest.values(), key=lambda t: (t.at, t.participation_id), reverse=True)


def conversion_attribute(
    conversion: Conversion, *, brand_id: int | None, promo_codes: Sequence[str]
) -> Attribution:
    org = conversion.organization_id
    touches = clicked_touches(conversion, brand_id)
    participation = by_promo_code(org, brand_id, promo_codes)
    method = Conversion.Method.PROMO_CODE
    if participation is None:
        participation = by_tracking_code(org, brand_id, conversion.tracking_code)
        method = Conversion.Method.TRACKING_REF
    if participation is None and touches:
        participation = (
            Participation.objects.select_related("campaign")
            .filter(pk=touches[0].participation_id)
            .first()
        )
        method = Conversion.Method.TRACKING_REF
    if participation is None:
        return Attribution(None, Conversion.Method.NONE, ())
    if all(t.participation_id != participation.pk for t in touches):
        touches.insert(
            0,
            Touch(
                participation.pk,
                participation.campaign_id,
                participation.creator_id,
                conversion.occurred_at,
                participation.campaign.attribution_half_life_days,
            ),
        )
    return Attribution(participation, method, tuple(touches))


# -- integer shares ------------------------------------------------------------------------------


def largest_remainder(weights: Sequence[Decimal], total: int) -> list[int]:
    """Integers proportional to ``weights`` summing to ``total`` exactly (Hamilton's method).
    Ties go to the earlier weight."""
    whole = sum(weights, Decimal(0))
    if total == 0 or whole <= 0:
        return [0] * len(weights)
    with localcontext() as ctx:
        ctx.prec = 50
        exact = [w * total / whole for w in weights]
    floors = [int(x) for x in exact]  # weights are non-negative: int() is floor
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def model_weights(
    model: str, touches: Sequence[Touch], attributed_id: int, at: datetime
) -> list[Decimal]:
    if model == ConversionCredit.Model.LAST_TOUCH:
        return [Decimal(1 if t.participation_id == attributed_id else 0) for t in touches]
    if model == ConversionCredit.Model.LINEAR:
        return [Decimal(1)] * len(touches)
    with localcontext() as ctx:
        ctx.prec = 40
        return [
            Decimal(2)
            ** (
                -Decimal((at - t.at).total_seconds()).max(Decimal(0))
                / Decimal(t.half_life_days * DAY_SECONDS)
            )
            for t in touches
        ]


def credits_build(conversion: Conversion, attribution: Attribution) -> list[ConversionCredit]:
    """The credit rows of an attributed conversion (none for an unattributed one)."""
    if attribution.participation is None:
        return []
    touches = sorted(attribution.touches, key=lambda t: t.participation_id)
    net = conversion.revenue_cents - conversion.refunded_cents
    rows: list[ConversionCredit] = []
    for model in ConversionCredit.Model.values:
        ppm = largest_remainder(
            model_weights(model, touches, attribution.participation.pk, conversion.occurred_at),
            PPM,
        )
        revenue = largest_remainder([Decimal(p) for p in ppm], net)
        for touch, weight, cents in zip(touches, ppm, revenue, strict=True):
            if weight == 0:
                continue
            rows.append(
                ConversionCredit(
                    organization_id=conversion.organization_id,
                    conversion=conversion,
                    model=model,
                    campaign_id=touch.campaign_id,
                    participation_id=touch.participation_id,
                    weight_ppm=weight,
                    revenue_cents=cents,
                    occurred_at=conversion.occurred_at,
                )
            )
    return rows


def creators_exposed(touches: Iterable[Touch]) -> int:
    return len({t.creator_id for t in touches})


# -- selectors for the dashboard ---------------------------------------------------------------


def dashboard_credit_model(campaign: Campaign, requested: str | None = None) -> str:
    """The credit model the dashboard shows: the one asked for (a known one), else the
    campaign's own default."""
    if requested in ConversionCredit.Model.values:
        return str(requested)
    return str(campaign.attribution_model)


@dataclass(frozen=True)
class ExposureBucket:
    label: str  # "1", "2", "3", "4+"
    customers: int
    revenue_cents: int


@dataclass(frozen=True)
class CreatorCredit:
    participation_id: int
    participation_public_id: str
    creator_id: int
    creator_public_id: str
    creator_name: str
    conversions_last_touch: int
    revenue_cents: dict[str, int]  # model → credited net revenue


def campaign_exposure_distribution(campaign: Campaign) -> list[ExposureBucket]:
    """Converting customers of ``campaign`` by how many creators reached them: 1, 2, 3, 4+.

    A customer is the hashed customer when the store gave one, else the order. Each customer
    counts in the bucket of their largest exposure; revenue is their orders' net revenue.
    """
    rows = (
        Conversion.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .values_list("pk", "customer_hash", "creators_exposed", "revenue_cents", "refunded_cents")
        .order_by()
    )
    customers: dict[str, tuple[int, int]] = {}
    for pk, customer, exposed, revenue, refunded in rows:
        key = customer or f"order:{pk}"
        was_exposed, was_revenue = customers.get(key, (0, 0))
        customers[key] = (max(was_exposed, exposed), was_revenue + revenue - refunded)
    labels = ("1", "2", "3", "4+")
    counts = dict.fromkeys(labels, 0)
    revenue_by = dict.fromkeys(labels, 0)
    for exposed, revenue in customers.values():
        if exposed < 1:
            continue
        label = labels[min(exposed, 4) - 1]
        counts[label] += 1
        revenue_by[label] += revenue
    return [ExposureBucket(label, counts[label], revenue_by[label]) for label in labels]


def campaign_creator_credits(campaign: Campaign) -> list[CreatorCredit]:
    """Credited net revenue per creator under each model (last touch, linear, time decay),
    highest linear credit first; two queries."""
    sums = (
        ConversionCredit.objects.filter(organization_id=campaign.organization_id, campaign=campaign)
        .values("participation_id", "model")
        .annotate(revenue=Sum("revenue_cents"), conversions=Count("conversion_id"))
        .order_by()
    )
    by_participation: dict[int, dict[str, int]] = {}
    last_touch_counts: dict[int, int] = {}
    for row in sums:
        by_participation.setdefault(row["participation_id"], {})[row["model"]] = int(
            row["revenue"] or 0
        )
        if row["model"] == ConversionCredit.Model.LAST_TOUCH:
            last_touch_counts[row["participation_id"]] = int(row["conversions"])
    participations = Participation.objects.filter(pk__in=by_participation).select_related("creator")
    result = []
    for p in participations:
        revenue = {m: by_participation[p.pk].get(m, 0) for m in ConversionCredit.Model.values}
        result.append(
            CreatorCredit(
                participation_id=p.pk,
                participation_public_id=p.public_id,
                creator_id=p.creator_id,
                creator_public_id=p.creator.public_id,
                creator_name=p.creator.display_name,
                conversions_last_touch=last_touch_counts.get(p.pk, 0),
                revenue_cents=revenue,
            )
        )
    result.sort(key=lambda c: (-c.revenue_cents[ConversionCredit.Model.LINEAR], c.participation_id))
    return result


@dataclass(frozen=True)
class ModelCreditRow:
    participation_id: int
    participation_public_id: str
    creator_public_id: str
    creator_name: str
    revenue_cents: int  # credited net revenue under the model
    share_pct: Decimal  # of the campaign's credited revenue under the model, one decimal


@dataclass(frozen=True)
class ModelCredits:
    model: str
    total_cents: int
    creators: int  # creators credited under any model
    rows: list[ModelCreditRow]  # highest first, at most ``limit``


def campaign_credits_under(campaign: Campaign, model: str, *, limit: int = 10) -> ModelCredits:
    """Credited net revenue per creator under one model, for the dashboard; two queries."""
    credits = campaign_creator_credits(campaign)
    total = sum(c.revenue_cents[model] for c in credits)
    ranked = sorted(credits, key=lambda c: (-c.revenue_cents[model], c.participation_id))
    rows = [
        ModelCreditRow(
            participation_id=c.participation_id,
            participation_public_id=c.participation_public_id,
            creator_public_id=c.creator_public_id,
            creator_name=c.creator_name,
            revenue_cents=c.revenue_cents[model],
            share_pct=(Decimal(c.revenue_cents[model] * 100) / total).quantize(Decimal("0.1"))
            if total
            else Decimal(0),
        )
        for c in ranked[:limit]
    ]
    return ModelCredits(model=model, total_cents=total, creators=len(credits), rows=rows)
