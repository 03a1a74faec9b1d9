"""Checking a campaign's fields and deliverables: every problem at once, nothing written.

Each check adds to one ``_Errors`` so a single ``ChorusError`` names every field to fix
(deliverable rows as ``deliverables.<index>.<field>``, 0-based, in the order given).
"""

import datetime
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeIs

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from campaigns.models import (
    ATTRIBUTION_WINDOW_MAX_DAYS,
    ATTRIBUTION_WINDOW_MIN_DAYS,
    BRIEF_MAX_CHARS,
    DOS_MAX_CHARS,
    HALF_LIFE_MAX_DAYS,
    HALF_LIFE_MIN_DAYS,
    PLATFORM_FORMATS,
    Campaign,
    Deliverable,
)
from core.errors import ChorusError
from core.money import MAX_AMOUNT_CENTS, format_money, is_currency
from core.taxonomy import COUNTRIES, Niche
from organizations.models import Brand
from platforms.types import Platform

# Sanity limits (far above any real campaign; they keep integers inside the columns).
MAX_FOLLOWERS = 1_000_000_000
MAX_CREATORS = 10_000
MAX_QUANTITY = 50
MAX_DELIVERABLES = 12
MAX_LIST_ITEMS = 30
MAX_PAID_USAGE_MONTHS = 60
MAX_PAY_BY_DAYS = 120
MAX_BRIEF_CHARS = BRIEF_MAX_CHARS

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
    "attribution_window_days",
    "attribution_half_life_days",
    "attribution_model",
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
    _text(errors, values, "dos", "the do's", DOS_MAX_CHARS)
    _text(errors, values, "donts", "the don'ts", DOS_MAX_CHARS)
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
    _check_attribution(values, errors)


def _check_attribution(values: dict[str, Any], errors: _Errors) -> None:
    """Window and half-life in range, the half-life no longer than the window (a longer one
    would barely decay inside the window), and a known credit model."""
    _bounded_int(
        errors,
        values,
        "attribution_window_days",
        "the attribution window in days",
        ATTRIBUTION_WINDOW_MIN_DAYS,
        ATTRIBUTION_WINDOW_MAX_DAYS,
    )
    _bounded_int(
        errors,
        values,
        "attribution_half_life_days",
        "the time-decay half-life in days",
        HALF_LIFE_MIN_DAYS,
        HALF_LIFE_MAX_DAYS,
    )
    window, half = values.get("attribution_window_days"), values.get("attribution_half_life_days")
    in_range = not errors.has("attribution_window_days") and not errors.has(
        "attribution_half_life_days"
    )
    if in_range and _is_int(window) and _is_int(half) and half > window:
        errors.add(
            "half_life_above_window",
            "attribution_half_life_days",
            f"The half-life ({half} days) cannot be longer than the attribution window "
            f"({window} days): shorten it or lengthen the window.",
        )
    if values.get("attribution_model") not in Campaign.CreditModel.values:
        errors.add(
            "invalid_choice",
            "attribution_model",
            "Choose last touch, linear or time decay as the dashboard's credit model.",
        )


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
    if not values.get("landing_url"):
        # Every participation gets a tracking link; without a landing page it leads nowhere.
        errors.add(
            "no_landing_page",
            "landing_url",
            "Add a landing page: creators' tracking links would lead nowhere.",
        )


def _specs(deliverables: Iterable[DeliverableInput]) -> list[DeliverableSpec]:
    try:
        return [DeliverableSpec.from_value(d) for d in deliverables]
    except (AttributeError, TypeError) as exc:
        raise ChorusError(
            "invalid_value",
            "Give the deliverables as a list of {platform, format, quantity, fee_cents}.",
            fields={"deliverables": ["Give a list of deliverables."]},
        ) from exc


def _unknown_fields(fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"Not editable campaign fields: {', '.join(unknown)}")
