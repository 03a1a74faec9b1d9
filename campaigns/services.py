"""Every change to a campaign: create, edit, deliverables, lifecycle, duplicate, budget.

Brand-side services take ``access: OrgAccess`` and require the ``campaigns:write`` scope. Each
validates *all* of its input before writing anything and raises one ``ChorusError`` whose
``fields`` name every field to fix (deliverable rows as ``deliverables.<index>.<field>``,
0-based, in the order given), so nothing is ever half-written.

The two budget services (``campaign_budget_reserve`` / ``campaign_budget_release``) are for
recruitment: they run inside the caller's transaction and lock the campaign row, so the money
committed to creators can never exceed the budget, whatever the concurrency.
"""

import datetime
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeIs

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone

from campaigns import rules
from campaigns.models import (
    BRIEF_ASSET,
    PLATFORM_FORMATS,
    Campaign,
    CampaignAsset,
    Deliverable,
)
from core import files
from core.errors import ChorusError, NotFound
from core.taxonomy import COUNTRIES, CURRENCY_EXPONENT, Niche, format_money, is_currency
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.models import Brand
from platforms.types import Platform

WRITE_SCOPE = "campaigns:write"

# Sanity limits (far above any real campaign; they keep integers inside the columns).
MAX_AMOUNT_CENTS = 10**12  # 10 billion in a 2-decimal currency
MAX_FOLLOWERS = 1_000_000_000
MAX_CREATORS = 10_000
MAX_QUANTITY = 50
MAX_DELIVERABLES = 12
MAX_LIST_ITEMS = 30
MAX_PAID_USAGE_MONTHS = 60
MAX_PAY_BY_DAYS = 120
MAX_BRIEF_CHARS = 20_000

_HASHTAG = re.compile(r"^\w{1,100}$")
_MENTION = re.compile(r"^[A-Za-z0-9._]{1,100}$")
_url_validator = URLValidator(schemes=["http", "https"])

# Fields a brand may set through campaign_create / campaign_update (besides brand/deliverables).
EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "objective",
    "brief",
    "reference_links",
    "dos",
    "donts",
    "product_name",
    "landing_url",
    "required_hashtags",
    "required_mentions",
    "disclosure_required",
    "usage_rights",
    "paid_usage_months",
    "currency",
    "budget_cents",
    "bonus_per_1k_views_cents",
    "bonus_cap_per_post_cents",
    "commission_per_conversion_cents",
    "application_deadline",
    "draft_due",
    "posting_starts",
    "posting_ends",
    "pay_by_days",
    "min_followers",
    "max_followers",
    "niches",
    "countries",
    "min_engagement_bp",
    "max_creators",
    "visibility",
)
DATE_FIELDS: tuple[str, ...] = (
    "application_deadline",
    "draft_due",
    "posting_starts",
    "posting_ends",
)
DATE_LABELS = {
    "application_deadline": "the application deadline",
    "draft_due": "the draft due date",
    "posting_starts": "the start of the posting window",
    "posting_ends": "the end of the posting window",
}
_DELIVERABLE_FIELDS = ("platform", "format", "quantity", "fee_cents", "notes")


@dataclass(frozen=True)
class DeliverableSpec:
    """One deliverable as a brand asks for it; ``id`` (a ``dlv_…`` id) keeps an existing row."""

    platform: str
    format: str
    quantity: int
    fee_cents: int
    notes: str = ""
    id: str | None = None

    @classmethod
    def from_value(cls, value: "DeliverableSpec | Mapping[str, Any]") -> "DeliverableSpec":
        if isinstance(value, DeliverableSpec):
            return value
        return cls(
            platform=value.get("platform", ""),
            format=value.get("format", ""),
            quantity=value.get("quantity", 1),
            fee_cents=value.get("fee_cents", 0),
            notes=value.get("notes", "") or "",
            id=value.get("id") or None,
        )

    @property
    def total_cents(self) -> int:
        return self.quantity * self.fee_cents

    def key(self) -> tuple[str, str, int, int, str]:
        return (self.platform, self.format, self.quantity, self.fee_cents, self.notes)


DeliverableInput = DeliverableSpec | Mapping[str, Any]


@dataclass
class _Errors:
    """Collects every problem so one error names every field to fix."""

    items: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, code: str, field_name: str, message: str) -> None:
        self.items.append((code, field_name, message))

    def has(self, field_name: str) -> bool:
        return any(f == field_name for _, f, _ in self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        fields: dict[str, list[str]] = {}
        for _, field_name, message in self.items:
            fields.setdefault(field_name, []).append(message)
        code, _, message = self.items[0]
        if len(self.items) > 1:
            message = f"{message} (and {len(self.items) - 1} more to fix)"
        raise ChorusError(code, message, fields=fields)


def _today() -> datetime.date:
    return timezone.localdate()


# -- validation ---------------------------------------------------------------------------------


def _is_int(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _amount(
    errors: _Errors, values: dict[str, Any], name: str, label: str, *, positive: bool
) -> None:
    value = values.get(name)
    if not _is_int(value):
        errors.add("invalid_amount", name, f"Enter {label} as a whole number of minor units.")
    elif positive and value <= 0:
        errors.add("invalid_amount", name, f"Enter {label} above zero.")
    elif value < 0:
        errors.add("invalid_amount", name, f"{label[0].upper()}{label[1:]} cannot be negative.")
    elif value > MAX_AMOUNT_CENTS:
        errors.add("invalid_amount", name, f"{label[0].upper()}{label[1:]} is too large.")


def _bounded_int(
    errors: _Errors, values: dict[str, Any], name: str, label: str, low: int, high: int
) -> None:
    value = values.get(name)
    if not _is_int(value) or not low <= value <= high:
        errors.add("invalid_value", name, f"Enter {label} between {low:,} and {high:,}.")


def _text(errors: _Errors, values: dict[str, Any], name: str, label: str, limit: int) -> None:
    value = values.get(name)
    if value is None:
        values[name] = ""
        return
    if not isinstance(value, str):
        errors.add("invalid_value", name, f"Enter {label} as text.")
        return
    values[name] = value.strip()
    if len(values[name]) > limit:
        errors.add("too_long", name, f"Keep {label} under {limit:,} characters.")


def _url(value: object) -> bool:
    if not isinstance(value, str) or len(value) > 500:
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def _tag_list(
    errors: _Errors, values: dict[str, Any], name: str, sigil: str, pattern: re.Pattern[str]
) -> None:
    raw = values.get(name) or []
    if isinstance(raw, str):
        raw = re.split(r"[\s,]+", raw)
    if not isinstance(raw, list | tuple):
        errors.add("invalid_value", name, "Give a list.")
        return
    cleaned: list[str] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, str):
            errors.add("invalid_value", name, "Each entry must be text.")
            return
        tag = item.strip().lstrip(sigil).strip()
        if not tag:
            continue
        if not pattern.match(tag):
            kind = "Hashtags" if sigil == "#" else "Mentions"
            allowed = "letters, digits and _" if sigil == "#" else "letters, digits, . and _"
            errors.add("invalid_value", name, f"{kind} may hold only {allowed}: {sigil}{tag}")
            return
        if tag.lower() not in seen:
            seen.add(tag.lower())
            cleaned.append(tag)
    if len(cleaned) > MAX_LIST_ITEMS:
        errors.add("invalid_value", name, f"Keep it to {MAX_LIST_ITEMS} or fewer.")
    values[name] = cleaned


def _choice_list(
    errors: _Errors,
    values: dict[str, Any],
    name: str,
    allowed: Iterable[str],
    label: str,
    *,
    upper: bool = False,
) -> None:
    raw = values.get(name) or []
    if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
        errors.add("invalid_value", name, f"Give a list of {label}.")
        return
    allowed_set = set(allowed)
    cleaned: list[str] = []
    for item in raw:
        code = item.strip().upper() if upper else item.strip().lower()
        if code not in allowed_set:
            errors.add("invalid_value", name, f"Unknown {label[:-1]}: {item!r}.")
            return
        if code not in cleaned:
            cleaned.append(code)
    values[name] = cleaned


def _validate_fields(values: dict[str, Any], errors: _Errors) -> None:
    """Check (and normalise in place) every campaign field; cross-field rules included."""
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.add("required", "name", "Give the campaign a name.")
    else:
        values["name"] = name.strip()
        if len(values["name"]) > 120:
            errors.add("too_long", "name", "Keep the name under 120 characters.")
    _text(errors, values, "objective", "the objective", 200)
    _text(errors, values, "brief", "the brief", MAX_BRIEF_CHARS)
    _text(errors, values, "dos", "the do's", 5_000)
    _text(errors, values, "donts", "the don'ts", 5_000)
    _text(errors, values, "product_name", "the product name", 120)
    _text(errors, values, "landing_url", "the landing URL", 500)
    if values.get("landing_url") and not _url(values["landing_url"]):
        errors.add("invalid_url", "landing_url", "Enter a full http(s) URL for the landing page.")

    links = values.get("reference_links") or []
    if isinstance(links, str):
        links = [line for line in links.split() if line]
    if not isinstance(links, list | tuple):
        errors.add("invalid_value", "reference_links", "Give a list of URLs.")
    else:
        links = [link.strip() if isinstance(link, str) else link for link in links]
        bad = [str(link) for link in links if not _url(link)]
        if bad:
            errors.add("invalid_url", "reference_links", f"Not a full http(s) URL: {bad[0]}")
        elif len(links) > MAX_LIST_ITEMS:
            errors.add("invalid_value", "reference_links", f"Keep it to {MAX_LIST_ITEMS} links.")
        values["reference_links"] = list(dict.fromkeys(links))

    _tag_list(errors, values, "required_hashtags", "#", _HASHTAG)
    _tag_list(errors, values, "required_mentions", "@", _MENTION)
    if not isinstance(values.get("disclosure_required"), bool):
        errors.add("invalid_value", "disclosure_required", "Say yes or no.")

    usage = values.get("usage_rights")
    months = values.get("paid_usage_months")
    if usage not in Campaign.UsageRights.values:
        errors.add("invalid_choice", "usage_rights", "Choose organic or paid usage rights.")
    elif usage == Campaign.UsageRights.PAID:
        _bounded_int(
            errors,
            values,
            "paid_usage_months",
            "the months of paid usage",
            1,
            MAX_PAID_USAGE_MONTHS,
        )
    elif months not in (0, None):
        errors.add(
            "invalid_value",
            "paid_usage_months",
            "Paid usage months apply only to paid usage rights; set 0 for organic.",
        )
    else:
        values["paid_usage_months"] = 0

    currency = values.get("currency")
    if isinstance(currency, str):
        values["currency"] = currency = currency.strip().upper()
    if not isinstance(currency, str) or not is_currency(currency):
        shown = currency if isinstance(currency, str) and currency else "(empty)"
        errors.add(
            "invalid_currency",
            "currency",
            f"Unknown currency {shown}: use an ISO-4217 code such as USD or EUR.",
        )

    _amount(errors, values, "budget_cents", "a budget", positive=True)
    _amount(errors, values, "bonus_per_1k_views_cents", "the bonus per 1,000 views", positive=False)
    _amount(errors, values, "bonus_cap_per_post_cents", "the bonus cap per post", positive=False)
    _amount(
        errors,
        values,
        "commission_per_conversion_cents",
        "the commission per conversion",
        positive=False,
    )
    budget = values.get("budget_cents")
    budget_ok = not errors.has("budget_cents")
    if not errors.has("bonus_per_1k_views_cents") and not errors.has("bonus_cap_per_post_cents"):
        if values["bonus_per_1k_views_cents"] > 0 and values["bonus_cap_per_post_cents"] == 0:
            errors.add(
                "bonus_cap_required",
                "bonus_cap_per_post_cents",
                "Set a cap per post for the view bonus, so the budget stays predictable.",
            )
        if budget_ok and values["bonus_cap_per_post_cents"] > budget:
            errors.add(
                "fee_above_budget", "bonus_cap_per_post_cents", "The bonus cap is above the budget."
            )
    if (
        budget_ok
        and not errors.has("commission_per_conversion_cents")
        and values["commission_per_conversion_cents"] > budget
    ):
        errors.add(
            "fee_above_budget",
            "commission_per_conversion_cents",
            "The commission per conversion is above the budget.",
        )

    for date_field in DATE_FIELDS:
        value = values.get(date_field)
        if value is not None and (
            not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
        ):
            errors.add("invalid_date", date_field, f"Enter {DATE_LABELS[date_field]} as a date.")
            values[date_field] = None
    _check_date_order(values, errors)
    _bounded_int(errors, values, "pay_by_days", "the pay-by days", 1, MAX_PAY_BY_DAYS)

    _bounded_int(errors, values, "min_followers", "the minimum followers", 0, MAX_FOLLOWERS)
    _bounded_int(errors, values, "max_followers", "the maximum followers", 1, MAX_FOLLOWERS)
    if (
        not errors.has("min_followers")
        and not errors.has("max_followers")
        and values["min_followers"] > values["max_followers"]
    ):
        errors.add(
            "invalid_range",
            "max_followers",
            "The maximum followers must be at least the minimum followers.",
        )
    _choice_list(errors, values, "niches", Niche.values, "niches")
    _choice_list(errors, values, "countries", COUNTRIES, "countries", upper=True)
    _bounded_int(
        errors, values, "min_engagement_bp", "the minimum engagement (basis points)", 0, 10_000
    )
    _bounded_int(errors, values, "max_creators", "the maximum number of creators", 1, MAX_CREATORS)
    if values.get("visibility") not in Campaign.Visibility.values:
        errors.add("invalid_choice", "visibility", "Choose open or invite-only.")


def _check_date_order(values: Mapping[str, Any], errors: _Errors) -> None:
    """Deadline ≤ draft due ≤ posting starts ≤ posting ends (checked between the dates set)."""
    present = [(f, values.get(f)) for f in DATE_FIELDS if values.get(f) is not None]
    for (earlier, a), (later, b) in itertools.pairwise(present):
        if isinstance(a, datetime.date) and isinstance(b, datetime.date) and b < a:
            errors.add(
                "dates_out_of_order",
                later,
                f"{DATE_LABELS[later][0].upper()}{DATE_LABELS[later][1:]} ({b.isoformat()}) "
                f"must not be before {DATE_LABELS[earlier]} ({a.isoformat()}).",
            )


def _check_deadline_not_past(values: Mapping[str, Any], errors: _Errors) -> None:
    deadline = values.get("application_deadline")
    if isinstance(deadline, datetime.date) and deadline < _today():
        errors.add(
            "deadline_in_past",
            "application_deadline",
            f"The application deadline ({deadline.isoformat()}) is in the past.",
        )


def _validate_deliverables(
    specs: Sequence[DeliverableSpec],
    errors: _Errors,
    *,
    budget_cents: Any,
    currency: str,
    known_ids: set[str],
) -> None:
    if len(specs) > MAX_DELIVERABLES:
        errors.add(
            "too_many_deliverables", "deliverables", f"Keep it to {MAX_DELIVERABLES} deliverables."
        )
        return
    seen: dict[tuple[str, str], int] = {}
    for index, spec in enumerate(specs):
        prefix = f"deliverables.{index}"
        row = f"Deliverable {index + 1}"
        if spec.id is not None and spec.id not in known_ids:
            errors.add("not_found", f"{prefix}.id", f"{row}: no such deliverable in this campaign.")
        platform_ok = spec.platform in Platform.values
        if not platform_ok:
            errors.add(
                "invalid_choice",
                f"{prefix}.platform",
                f"{row}: choose TikTok, Instagram or YouTube.",
            )
        if spec.format not in Deliverable.Format.values:
            errors.add("invalid_choice", f"{prefix}.format", f"{row}: choose a format.")
        elif platform_ok and spec.format not in PLATFORM_FORMATS[spec.platform]:
            fits = ", ".join(PLATFORM_FORMATS[spec.platform])
            errors.add(
                "format_not_on_platform",
                f"{prefix}.format",
                f"{row}: {Platform(spec.platform).label} has no {spec.format} format "
                f"(choose {fits}).",
            )
        if not _is_int(spec.quantity) or not 1 <= spec.quantity <= MAX_QUANTITY:
            errors.add(
                "invalid_quantity",
                f"{prefix}.quantity",
                f"{row}: ask for between 1 and {MAX_QUANTITY} posts per creator.",
            )
        if not _is_int(spec.fee_cents) or spec.fee_cents <= 0:
            errors.add("invalid_amount", f"{prefix}.fee_cents", f"{row}: enter a fee above zero.")
        elif spec.fee_cents > MAX_AMOUNT_CENTS:
            errors.add("invalid_amount", f"{prefix}.fee_cents", f"{row}: the fee is too large.")
        elif (
            _is_int(budget_cents)
            and budget_cents > 0
            and _is_int(spec.quantity)
            and spec.quantity * spec.fee_cents > budget_cents
        ):
            errors.add(
                "fee_above_budget",
                f"{prefix}.fee_cents",
                f"{row}: {spec.quantity} x {format_money(spec.fee_cents, currency)} is above "
                f"the budget of {format_money(budget_cents, currency)}.",
            )
        if not isinstance(spec.notes, str) or len(spec.notes) > 300:
            errors.add(
                "too_long", f"{prefix}.notes", f"{row}: keep the notes under 300 characters."
            )
        key = (spec.platform, spec.format)
        if key in seen and platform_ok:
            errors.add(
                "duplicate_deliverable",
                f"{prefix}.format",
                f"{row}: {spec.platform} {spec.format} is already deliverable {seen[key] + 1}; "
                "raise its quantity instead.",
            )
        seen.setdefault(key, index)


def _check_publishable(
    values: Mapping[str, Any], specs: Sequence[DeliverableSpec], errors: _Errors, *, remaining: int
) -> None:
    """What a campaign must have to be in front of creators (publish, and edits after it)."""
    if not specs:
        errors.add(
            "no_deliverables", "deliverables", "Add at least one deliverable before publishing."
        )
    elif any(not _is_int(s.fee_cents) or s.fee_cents <= 0 for s in specs):
        errors.add("missing_fee", "deliverables", "Every deliverable needs a fee above zero.")
    else:
        per_creator = sum(s.total_cents for s in specs)
        if per_creator > remaining:
            currency = values["currency"]
            errors.add(
                "budget_too_small",
                "budget_cents",
                f"The budget left ({format_money(remaining, currency)}) does not cover one "
                f"creator's deliverables ({format_money(per_creator, currency)}).",
            )
    for date_field in DATE_FIELDS:
        if values.get(date_field) is None:
            errors.add("missing_date", date_field, f"Set {DATE_LABELS[date_field]}.")


# -- helpers ------------------------------------------------------------------------------------


def _require_writer(access: OrgAccess) -> None:
    access.require(WRITE_SCOPE)


def _check_brand(access: OrgAccess, brand: Brand | None) -> Brand:
    if brand is None:
        raise ChorusError("required", "Choose a brand.", fields={"brand": ["Choose a brand."]})
    if brand.organization_id != access.organization.pk or (
        access.brand_id is not None and brand.pk != access.brand_id
    ):
        raise ChorusError(
            "not_found", "No such brand.", fields={"brand": ["No such brand."]}, status_code=404
        )
    return brand


def _check_owned(access: OrgAccess, campaign: Campaign) -> None:
    if campaign.organization_id != access.organization.pk or (
        access.brand_id is not None and campaign.brand_id != access.brand_id
    ):
        raise NotFound("No such campaign.")


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _current_values(campaign: Campaign) -> dict[str, Any]:
    return {name: getattr(campaign, name) for name in EDITABLE_FIELDS}


def _default_values() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        model_field = Campaign._meta.get_field(name)
        has_default = isinstance(model_field, models.Field) and model_field.has_default()
        values[name] = model_field.get_default() if has_default else None  # type: ignore[union-attr]
    for text_field in ("objective", "brief", "dos", "donts", "product_name", "landing_url"):
        values[text_field] = ""
    return values


def _specs(deliverables: Iterable[DeliverableInput]) -> list[DeliverableSpec]:
    try:
        return [DeliverableSpec.from_value(d) for d in deliverables]
    except (AttributeError, TypeError) as exc:
        raise ChorusError(
            "invalid_value",
            "Give the deliverables as a list of {platform, format, quantity, fee_cents}.",
            fields={"deliverables": ["Give a list of deliverables."]},
        ) from exc


def _existing_specs(campaign: Campaign) -> list[DeliverableSpec]:
    return [
        DeliverableSpec(
            platform=d.platform,
            format=d.format,
            quantity=d.quantity,
            fee_cents=d.fee_cents,
            notes=d.notes,
            id=d.public_id,
        )
        for d in Deliverable.objects.filter(campaign=campaign).order_by("position", "id")
    ]


def _write_deliverables(campaign: Campaign, specs: Sequence[DeliverableSpec]) -> None:
    """Make the campaign's deliverables exactly ``specs`` (kept rows updated in place)."""
    existing = {d.public_id: d for d in Deliverable.objects.filter(campaign=campaign)}
    kept = {s.id for s in specs if s.id}
    Deliverable.objects.filter(campaign=campaign).exclude(public_id__in=kept).delete()
    for position, spec in enumerate(specs):
        row = existing.get(spec.id or "")
        if row is None:
            Deliverable.objects.create(
                organization_id=campaign.organization_id,
                campaign=campaign,
                platform=spec.platform,
                format=spec.format,
                quantity=spec.quantity,
                fee_cents=spec.fee_cents,
                notes=spec.notes,
                position=position,
            )
            continue
        changed = []
        for name, value in (
            *zip(_DELIVERABLE_FIELDS, spec.key(), strict=True),
            ("position", position),
        ):
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed.append(name)
        if changed:
            row.save(update_fields=changed)


def _unknown_fields(fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"Not editable campaign fields: {', '.join(unknown)}")


# -- create / update ----------------------------------------------------------------------------


def _check_landing_url(values: dict[str, Any], brand: Brand, errors: _Errors) -> None:
    """Tracking links redirect to the landing URL: only https, on the brand's own website domain
    or a domain the brand declared (Brands page), so a link never sends visitors elsewhere."""
    url = values.get("landing_url") or ""
    if not isinstance(url, str) or not _url(url) or errors.has("landing_url"):
        return  # empty, or malformed (the field check says so)
    if brand.allows_landing_url(url):
        return
    hosts = brand.allowed_landing_hosts
    where = (
        "on " + " or ".join(hosts) + " (or their subdomains)"
        if hosts
        else f"on {brand.name}'s website domain: set the brand's website first"
    )
    errors.add(
        "landing_url_not_allowed",
        "landing_url",
        f"The landing page must be an https:// address {where}. Other domains can be declared "
        "for the brand on the Brands page.",
    )


def _campaign_create(
    *,
    organization_id: int,
    brand: Brand,
    deliverables: Sequence[DeliverableSpec],
    values: dict[str, Any],
) -> Campaign:
    """Validate and write; no transaction or audit of its own (demo data uses it directly)."""
    errors = _Errors()
    _validate_fields(values, errors)
    _check_deadline_not_past(values, errors)
    _validate_deliverables(
        deliverables,
        errors,
        budget_cents=values.get("budget_cents"),
        currency=values.get("currency") or "USD",
        known_ids=set(),
    )
    errors.raise_if_any()
    campaign = Campaign.objects.create(
        organization_id=organization_id, brand=brand, status=Campaign.Status.DRAFT, **values
    )
    _write_deliverables(campaign, deliverables)
    return campaign


def campaign_create(
    *,
    access: OrgAccess,
    brand: Brand,
    name: str,
    deliverables: Iterable[DeliverableInput] = (),
    **fields: Any,
) -> Campaign:
    """A new draft campaign of ``brand`` with its deliverables; all or nothing.

    ``fields`` are any of ``EDITABLE_FIELDS``; the rest take the model defaults.
    """
    _require_writer(access)
    _unknown_fields(fields)
    _check_brand(access, brand)
    specs = _specs(deliverables)
    values = _default_values() | fields | {"name": name}
    landing_errors = _Errors()
    _check_landing_url(values, brand, landing_errors)
    landing_errors.raise_if_any()
    with transaction.atomic(durable=True):
        campaign = _campaign_create(
            organization_id=access.organization.pk, brand=brand, deliverables=specs, values=values
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="campaign.create",
            target=campaign,
            data={"name": campaign.name, "brand": brand.public_id},
        )
    return campaign


def campaign_update(
    *,
    access: OrgAccess,
    campaign: Campaign,
    brand: Brand | None = None,
    deliverables: Iterable[DeliverableInput] | None = None,
    **fields: Any,
) -> Campaign:
    """Change any of ``EDITABLE_FIELDS`` (and the deliverables, given as the full new list).

    Rules: completed and archived campaigns are read-only; the brand changes only on a draft;
    the budget never drops below what is committed to creators; deliverables, fees and the
    currency are fixed once a creator is committed (or the campaign is active); a published
    campaign must stay publishable (deliverables, dates, a budget that covers one creator).
    """
    _require_writer(access)
    _unknown_fields(fields)
    _check_owned(access, campaign)
    specs = _specs(deliverables) if deliverables is not None else None
    with transaction.atomic(durable=True):
        locked = _lock(campaign)
        if not rules.campaign_can(locked, "edit"):
            raise ChorusError(
                "campaign_locked",
                f"A {locked.get_status_display().lower()} campaign can no longer be edited; "
                "duplicate it to start a new one.",
                status_code=409,
            )
        before = _current_values(locked)
        values = before | fields
        errors = _Errors()
        if brand is not None and brand.pk != locked.brand_id:
            _check_brand(access, brand)
            if locked.status != Campaign.Status.DRAFT:
                errors.add(
                    "brand_locked", "brand", "The brand of a published campaign cannot change."
                )
        _validate_fields(values, errors)
        if values.get("landing_url") != before["landing_url"] or (
            brand is not None and brand.pk != locked.brand_id
        ):
            _check_landing_url(values, brand or locked.brand, errors)
        if values.get("application_deadline") != before["application_deadline"]:
            _check_deadline_not_past(values, errors)
        if _is_int(values.get("budget_cents")) and values["budget_cents"] < locked.committed_cents:
            errors.add(
                "budget_below_committed",
                "budget_cents",
                "The budget cannot drop below the "
                f"{format_money(locked.committed_cents, locked.currency)} "
                "already committed to creators.",
            )
        current_specs = _existing_specs(locked)
        new_specs = specs if specs is not None else current_specs
        if rules.deliverables_locked(locked):
            if specs is not None and [s.key() for s in specs] != [s.key() for s in current_specs]:
                errors.add(
                    "deliverables_locked",
                    "deliverables",
                    "Deliverables and fees are fixed once creators have joined; "
                    "duplicate the campaign to change them.",
                )
            if values.get("currency") != before["currency"]:
                errors.add(
                    "deliverables_locked",
                    "currency",
                    "The currency is fixed once creators have joined.",
                )
        _validate_deliverables(
            new_specs,
            errors,
            budget_cents=values.get("budget_cents"),
            currency=values.get("currency") or "USD",
            known_ids={s.id for s in current_specs if s.id},
        )
        if locked.status != Campaign.Status.DRAFT and not errors.items:
            # The whole budget must cover one creator; creators already in keep their share.
            _check_publishable(values, new_specs, errors, remaining=values["budget_cents"])
        errors.raise_if_any()

        changed = [name for name in EDITABLE_FIELDS if values[name] != before[name]]
        for name in changed:
            setattr(locked, name, values[name])
        if brand is not None and brand.pk != locked.brand_id:
            locked.brand = brand
            changed.append("brand")
        deliverables_changed = specs is not None and (
            [(s.id, *s.key()) for s in specs] != [(s.id, *s.key()) for s in current_specs]
        )
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        if deliverables_changed and specs is not None:
            _write_deliverables(locked, specs)
        if changed or deliverables_changed:
            audit_record(
                organization=access.organization,
                access=access,
                action="campaign.update",
                target=locked,
                data={"fields": changed, "deliverables_changed": deliverables_changed},
            )
    return locked


def campaign_set_deliverables(
    *, access: OrgAccess, campaign: Campaign, deliverables: Iterable[DeliverableInput]
) -> Campaign:
    """Replace the campaign's deliverables with ``deliverables`` (rows with an ``id`` are kept)."""
    return campaign_update(access=access, campaign=campaign, deliverables=deliverables)


# -- lifecycle ----------------------------------------------------------------------------------


def _transition(access: OrgAccess, campaign: Campaign, action: str) -> Campaign:
    _require_writer(access)
    _check_owned(access, campaign)
    sources, target = rules.TRANSITIONS[action]
    with transaction.atomic(durable=True):
        locked = _lock(campaign)
        if not rules.campaign_can(locked, action):
            status = locked.get_status_display().lower()
            if locked.status in sources:  # archive of a recruiting campaign with creators in it
                message = (
                    "Creators have already joined this campaign: complete it before archiving."
                )
            else:
                allowed = " or ".join(Campaign.Status(s).label.lower() for s in sources)
                message = f"Only a {allowed} campaign can be {_PAST[action]}; this one is {status}."
            raise ChorusError("invalid_transition", message, status_code=409)
        update_fields = ["status", "updated_at"]
        if action == "publish":
            errors = _Errors()
            values = _current_values(locked)
            _check_publishable(
                values, _existing_specs(locked), errors, remaining=locked.remaining_cents
            )
            _check_date_order(values, errors)
            _check_deadline_not_past(values, errors)
            errors.raise_if_any()
            locked.published_at = timezone.now()
            update_fields.append("published_at")
        if action == "complete":
            locked.completed_at = timezone.now()
            update_fields.append("completed_at")
        previous = locked.status
        locked.status = target
        locked.save(update_fields=update_fields)
        audit_record(
            organization=access.organization,
            access=access,
            action=f"campaign.{action}",
            target=locked,
            data={"from": previous, "to": target},
        )
    return locked


_PAST = {
    "publish": "published",
    "start": "started",
    "complete": "completed",
    "archive": "archived",
}


def campaign_publish(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Draft → recruiting. Refused without deliverables and fees, without all four dates (in
    order, deadline not past), or when the budget does not cover one creator's deliverables."""
    return _transition(access, campaign, "publish")


def campaign_start(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Recruiting → active: creators are making content."""
    return _transition(access, campaign, "start")


def campaign_complete(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Recruiting/active → completed: no new applications or submissions from now on."""
    return _transition(access, campaign, "complete")


def campaign_archive(*, access: OrgAccess, campaign: Campaign) -> Campaign:
    """Draft, completed, or recruiting with nobody committed → archived (hidden from lists)."""
    return _transition(access, campaign, "archive")


def campaign_duplicate(*, access: OrgAccess, campaign: Campaign, name: str = "") -> Campaign:
    """A copy as a new draft: same brief, money, targeting and deliverables; nothing committed.

    Dates are copied while the deadline is still ahead; otherwise they are left empty to set anew.
    """
    _require_writer(access)
    _check_owned(access, campaign)
    values = _current_values(campaign)
    values["name"] = (name or f"Copy of {campaign.name}")[:120]
    deadline = values.get("application_deadline")
    if deadline is not None and deadline < _today():
        for date_field in DATE_FIELDS:
            values[date_field] = None
    specs = [
        DeliverableSpec(s.platform, s.format, s.quantity, s.fee_cents, s.notes)
        for s in _existing_specs(campaign)
    ]
    brand = Brand.objects.get(pk=campaign.brand_id)
    with transaction.atomic(durable=True):
        copy = _campaign_create(
            organization_id=campaign.organization_id, brand=brand, deliverables=specs, values=values
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="campaign.duplicate",
            target=copy,
            data={"source": campaign.public_id},
        )
    return copy


# -- budget (recruitment calls these inside its own transaction) ------------------------------


def _require_atomic(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name}() must run inside the caller's transaction.atomic() block.")


def campaign_budget_reserve(*, campaign_id: int, amount_cents: int) -> Campaign:
    """Commit ``amount_cents`` of the budget to a creator; raises ``budget_exceeded`` if it
    would not fit. Locks the campaign row until the caller's transaction ends."""
    _require_atomic("campaign_budget_reserve")
    if not _is_int(amount_cents) or amount_cents <= 0:
        raise ChorusError("invalid_amount", "The amount to reserve must be above zero.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status in (Campaign.Status.COMPLETED, Campaign.Status.ARCHIVED):
        raise ChorusError(
            "campaign_closed",
            f"The campaign is {campaign.get_status_display().lower()}.",
            status_code=409,
        )
    if campaign.committed_cents + amount_cents > campaign.budget_cents:
        raise ChorusError(
            "budget_exceeded",
            f"Not enough budget left: {format_money(campaign.remaining_cents, campaign.currency)} "
            f"remain and {format_money(amount_cents, campaign.currency)} are needed.",
            status_code=409,
        )
    campaign.committed_cents += amount_cents
    campaign.save(update_fields=["committed_cents", "updated_at"])
    return campaign


def campaign_budget_release(*, campaign_id: int, amount_cents: int) -> Campaign:
    """Give back ``amount_cents`` of committed budget (a creator withdrew or was removed)."""
    _require_atomic("campaign_budget_release")
    if not _is_int(amount_cents) or amount_cents <= 0:
        raise ChorusError("invalid_amount", "The amount to release must be above zero.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if amount_cents > campaign.committed_cents:
        raise ChorusError(
            "release_exceeds_committed",
            f"Only {format_money(campaign.committed_cents, campaign.currency)} is committed.",
            status_code=409,
        )
    campaign.committed_cents -= amount_cents
    campaign.save(update_fields=["committed_cents", "updated_at"])
    return campaign


def money_to_cents(amount: Any, currency: str) -> int:
    """'250.00' (a Decimal or str in major units) → 25000, exactly; raises ValueError if it has
    more decimals than the currency allows. Shared by forms; no floats."""
    if isinstance(amount, float):
        raise ValueError("Money is never a float.")
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError("Enter an amount such as 250.00.") from exc
    if not value.is_finite():
        raise ValueError("Enter an amount such as 250.00.")
    exponent = CURRENCY_EXPONENT.get(currency, 2)
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        places = "no decimals" if exponent == 0 else f"at most {exponent} decimals"
        raise ValueError(f"{currency} amounts take {places}.")
    return int(scaled)


# -- brief assets -------------------------------------------------------------------------------

MAX_ASSET_BYTES = BRIEF_ASSET.max_bytes
MAX_ASSETS_PER_CAMPAIGN = 20
ASSET_TYPES = BRIEF_ASSET.allowed
ASSET_KINDS = BRIEF_ASSET.label


def _asset_error(code: str, message: str, status_code: int | None = None) -> ChorusError:
    return ChorusError(code, message, fields={"file": [message]}, status_code=status_code)


def campaign_asset_add(*, access: OrgAccess, campaign: Campaign, upload: Any) -> CampaignAsset:
    """Attach a file to the campaign's brief. The type is read from the file's bytes (JPEG, PNG,
    WebP, GIF, PDF, MP4, MOV), never its name; at most ``MAX_ASSET_BYTES`` each and
    ``MAX_ASSETS_PER_CAMPAIGN`` per campaign; refused once the campaign is completed or archived.
    The stored file is removed again if the row cannot be written."""
    _require_writer(access)
    _check_owned(access, campaign)
    files.check_upload(upload, kind=BRIEF_ASSET)  # refuse before taking the lock
    stored: files.StoredUpload | None = None
    try:
        with transaction.atomic(durable=True):
            locked = _lock(campaign)
            if not locked.is_editable:
                raise _asset_error(
                    "campaign_closed",
                    f"This campaign is {locked.get_status_display().lower()}: its brief can no "
                    "longer take files.",
                    status_code=409,
                )
            if locked.assets.count() >= MAX_ASSETS_PER_CAMPAIGN:
                raise _asset_error(
                    "too_many_assets",
                    f"A campaign holds at most {MAX_ASSETS_PER_CAMPAIGN} files. Remove one "
                    "before adding another.",
                )
            # Stored under <org>/brief-asset/<opaque>.<sniffed ext>; the name is data only.
            stored = files.store_upload(
                upload, kind=BRIEF_ASSET, owner=locked.organization.public_id
            )
            asset = CampaignAsset.objects.create(
                organization=locked.organization,
                campaign=locked,
                file=stored.key,
                name=stored.name,
                content_type=stored.content_type,
                size_bytes=stored.size,
                uploaded_by=access.user,
            )
            audit_record(
                organization=access.organization,
                access=access,
                action="campaign.asset_add",
                target=locked,
                data={
                    "asset": asset.public_id,
                    "name": stored.name,
                    "content_type": stored.content_type,
                },
            )
    except BaseException:
        if stored is not None:
            files.delete_stored(stored.key)
        raise
    return asset


def campaign_asset_remove(*, access: OrgAccess, campaign: Campaign, asset: CampaignAsset) -> None:
    """Delete the asset row; its stored file is deleted once the transaction commits."""
    _require_writer(access)
    _check_owned(access, campaign)
    if asset.campaign_id != campaign.pk or asset.organization_id != access.organization.pk:
        raise NotFound("No such file.")
    with transaction.atomic(durable=True):
        row = CampaignAsset.objects.select_for_update().filter(pk=asset.pk).first()
        if row is None:
            raise NotFound("No such file.")
        storage, stored_name = row.file.storage, row.file.name
        public_id, name = row.public_id, row.name
        row.delete()
        audit_record(
            organization=access.organization,
            access=access,
            action="campaign.asset_remove",
            target=campaign,
            data={"asset": public_id, "name": name},
        )
        if stored_name:
            transaction.on_commit(lambda: storage.delete(stored_name))
