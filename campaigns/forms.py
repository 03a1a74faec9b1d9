"""Browser forms for a campaign and its deliverables.

Money is typed in major units ("250.00") and converted exactly to integer minor units with
``core.money.to_cents`` (Decimal, never float). The services hold the business rules; a
``ChorusError`` they raise is put back on the right field with ``apply_service_error``.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from campaigns.models import (
    ATTRIBUTION_WINDOW_DEFAULT_DAYS,
    ATTRIBUTION_WINDOW_MAX_DAYS,
    ATTRIBUTION_WINDOW_MIN_DAYS,
    HALF_LIFE_DEFAULT_DAYS,
    HALF_LIFE_MAX_DAYS,
    HALF_LIFE_MIN_DAYS,
    PLATFORM_FORMATS,
    Campaign,
    Deliverable,
)
from campaigns.services import DeliverableSpec
from core.errors import ChorusError
from core.money import CURRENCY_CHOICES, CURRENCY_EXPONENT
from core.money import to_cents as money_to_cents
from core.money import to_major as cents_to_major
from core.taxonomy import COUNTRY_CHOICES, Niche
from organizations.models import Brand
from platforms.types import Platform

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Form field → service field, for the ones that differ (money in major units, % engagement).
MONEY_FIELDS = {
    "budget": "budget_cents",
    "bonus_per_1k_views": "bonus_per_1k_views_cents",
    "bonus_cap_per_post": "bonus_cap_per_post_cents",
    "commission_per_conversion": "commission_per_conversion_cents",
}
SERVICE_TO_FORM = {v: k for k, v in MONEY_FIELDS.items()} | {"min_engagement_bp": "min_engagement"}


def _money_field(label: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.00"}),
    )


# Stand-ins for fields that did not parse (their values are dropped again afterwards).
_EMPTY: dict[str, Any] = {
    "reference_links": "",
    "required_hashtags": "",
    "required_mentions": "",
    "niches": [],
    "countries": [],
}


def _split_words(value: str) -> list[str]:
    return [w for w in value.replace(",", " ").split() if w]


class CampaignForm(forms.Form):
    # The basics
    brand = forms.ModelChoiceField(queryset=Brand.objects.none(), to_field_name="public_id")
    name = forms.CharField(max_length=120)
    objective = forms.CharField(
        max_length=200, required=False, help_text="One line: what should this campaign achieve?"
    )
    product_name = forms.CharField(max_length=120, required=False, label="Product")
    landing_url = forms.URLField(
        max_length=500, required=False, assume_scheme="https", label="Landing page URL"
    )
    visibility = forms.ChoiceField(
        choices=Campaign.Visibility.choices,
        initial=Campaign.Visibility.OPEN,
        widget=forms.RadioSelect,
    )
    # The brief
    brief = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: **bold**, *italic*, lists, links.",
    )
    dos = forms.CharField(
        required=False, label="Do's", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    donts = forms.CharField(
        required=False, label="Don'ts", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reference_links = forms.CharField(
        required=False,
        max_length=16_000,  # 30 links of up to 500 characters, one per line
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One URL per line: mood boards, example posts, product photos.",
    )
    required_hashtags = forms.CharField(
        required=False, max_length=2000, help_text="e.g. #glowserum #summerglow"
    )
    required_mentions = forms.CharField(
        required=False, max_length=2000, help_text="e.g. @glowskincare"
    )
    disclosure_required = forms.BooleanField(
        required=False,
        initial=True,
        label="Creators must disclose the partnership (#ad, #sponsored or the paid-partnership label)",
    )
    usage_rights = forms.ChoiceField(
        choices=Campaign.UsageRights.choices,
        initial=Campaign.UsageRights.ORGANIC,
        widget=forms.RadioSelect,
        label="Content usage rights",
    )
    paid_usage_months = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=60,
        label="Paid usage (months)",
        help_text="Only for paid usage.",
    )
    # Money
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES, initial="USD")
    budget = _money_field(
        "Budget", required=True, help_text="Total for the campaign, e.g. 20000.00"
    )
    bonus_per_1k_views = _money_field("Bonus per 1,000 views", help_text="Optional.")
    bonus_cap_per_post = _money_field("Bonus cap per post", help_text="Required with a view bonus.")
    commission_per_conversion = _money_field("Commission per conversion", help_text="Optional.")
    pay_by_days = forms.IntegerField(
        min_value=1,
        max_value=120,
        initial=14,
        label="Pay within (days of approval)",
    )
    # Dates
    application_deadline = forms.DateField(required=False, widget=DATE)
    draft_due = forms.DateField(required=False, widget=DATE, label="Drafts due")
    posting_starts = forms.DateField(required=False, widget=DATE)
    posting_ends = forms.DateField(required=False, widget=DATE)
    # Targeting
    min_followers = forms.IntegerField(min_value=0, initial=1000)
    max_followers = forms.IntegerField(min_value=1, initial=100_000)
    min_engagement = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        label="Minimum engagement rate (%)",
        help_text="0 or empty for any.",
    )
    niches = forms.MultipleChoiceField(
        choices=Niche.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any niche.",
    )
    countries = forms.MultipleChoiceField(
        choices=COUNTRY_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="None selected: any country.",
    )
    max_creators = forms.IntegerField(min_value=1, max_value=10_000, initial=20)
    # Attribution
    attribution_window_days = forms.IntegerField(
        min_value=ATTRIBUTION_WINDOW_MIN_DAYS,
        max_value=ATTRIBUTION_WINDOW_MAX_DAYS,
        initial=ATTRIBUTION_WINDOW_DEFAULT_DAYS,
        label="Click lookback window (days)",
        help_text=f"A creator earns an order when the buyer clicked their link up to this many "
        f"days before buying ({ATTRIBUTION_WINDOW_MIN_DAYS} to {ATTRIBUTION_WINDOW_MAX_DAYS}; "
        "e.g. 3 for a flash sale, 60 for a launch). Promo codes count whatever their age.",
    )
    attribution_half_life_days = forms.IntegerField(
        min_value=HALF_LIFE_MIN_DAYS,
        max_value=HALF_LIFE_MAX_DAYS,
        initial=HALF_LIFE_DEFAULT_DAYS,
        label="Time-decay half-life (days)",
        help_text="Under time decay, a click this many days before the order earns half the "
        f"credit of a click just before it ({HALF_LIFE_MIN_DAYS} to {HALF_LIFE_MAX_DAYS}, and no "
        "longer than the window).",
    )
    attribution_model = forms.ChoiceField(
        choices=Campaign.CreditModel.choices,
        initial=Campaign.CreditModel.LAST_TOUCH,
        widget=forms.RadioSelect,
        label="Credit model shown on the dashboard",
        help_text="Last touch: the creator who brought the order gets it all. Linear: every "
        "creator the buyer clicked shares equally. Time decay: recent clicks earn more. All three "
        "are recorded, so you can switch on the dashboard at any time.",
    )

    SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("Basics", ("brand", "name", "objective", "product_name", "landing_url", "visibility")),
        (
            "Brief",
            (
                "brief",
                "dos",
                "donts",
                "reference_links",
                "required_hashtags",
                "required_mentions",
                "disclosure_required",
                "usage_rights",
                "paid_usage_months",
            ),
        ),
        (
            "Money",
            (
                "currency",
                "budget",
                "bonus_per_1k_views",
                "bonus_cap_per_post",
                "commission_per_conversion",
                "pay_by_days",
            ),
        ),
        ("Dates", ("application_deadline", "draft_due", "posting_starts", "posting_ends")),
        (
            "Targeting",
            (
                "min_followers",
                "max_followers",
                "min_engagement",
                "max_creators",
                "niches",
                "countries",
            ),
        ),
        (
            "Attribution",
            ("attribution_window_days", "attribution_half_life_days", "attribution_model"),
        ),
    )
    # A sentence under a section's heading (the fieldset's description).
    SECTION_NOTES: dict[str, str] = {
        "Attribution": "How orders are credited to this campaign's creators. A change applies "
        "to orders recorded after you save it: credits already recorded are kept as they were "
        "(they are not recalculated).",
    }

    def __init__(
        self,
        *args: Any,
        brands: QuerySet[Brand],
        lock_currency: bool = False,
        lock_brand: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        brand_field = self.fields["brand"]
        brand_field.queryset = brands  # type: ignore[attr-defined]
        if len(brands) == 1 and not self.is_bound:
            self.initial.setdefault("brand", brands[0].public_id)
        if lock_currency:
            self.fields["currency"].disabled = True
            self.fields["currency"].help_text = "Fixed once creators have joined."
        if lock_brand:
            brand_field.disabled = True
            brand_field.help_text = "Fixed once published."

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(title, note, fields) per section of the page."""
        return [
            (title, self.SECTION_NOTES.get(title, ""), [self[name] for name in names])
            for title, names in self.SECTIONS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        currency = data.get("currency") or "USD"
        for form_name in MONEY_FIELDS:
            raw = (data.get(form_name) or "").strip()
            if not raw:
                data[form_name] = None if form_name == "budget" else 0
                continue
            try:
                data[form_name] = money_to_cents(raw, currency)
            except ValueError as exc:
                self.add_error(form_name, f"{exc} Enter an amount such as 250.00.")
                continue
            if data[form_name] < 0 or (form_name == "budget" and data[form_name] == 0):
                self.add_error(form_name, "Enter an amount above zero.")
        if data.get("usage_rights") == Campaign.UsageRights.ORGANIC:
            data["paid_usage_months"] = 0
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as campaign_create / campaign_update keyword arguments."""
        return self._kwargs_from(self.cleaned_data)

    def parsed_service_kwargs(self) -> dict[str, Any]:
        """On an invalid form: the service kwargs of just the fields that parsed cleanly.

        Lets the view run the service's own checks too, so every error shows in one round.
        """
        d = self.cleaned_data
        filled = {name: d.get(name, _EMPTY.get(name)) for name in self.fields} | {
            k: v for k, v in d.items() if k not in self.fields
        }
        kwargs = self._kwargs_from(filled)
        return {
            key: value
            for key, value in kwargs.items()
            if SERVICE_TO_FORM.get(key, key) in d
            and SERVICE_TO_FORM.get(key, key) not in self.errors
        }

    @staticmethod
    def _kwargs_from(d: dict[str, Any]) -> dict[str, Any]:
        engagement = d.get("min_engagement") or Decimal(0)
        return {
            "name": d["name"],
            "objective": d["objective"],
            "product_name": d["product_name"],
            "landing_url": d["landing_url"],
            "visibility": d["visibility"],
            "brief": d["brief"],
            "dos": d["dos"],
            "donts": d["donts"],
            "reference_links": [
                line.strip() for line in d["reference_links"].splitlines() if line.strip()
            ],
            "required_hashtags": _split_words(d["required_hashtags"]),
            "required_mentions": _split_words(d["required_mentions"]),
            "disclosure_required": d["disclosure_required"],
            "usage_rights": d["usage_rights"],
            "paid_usage_months": d.get("paid_usage_months") or 0,
            "currency": d["currency"],
            "budget_cents": d["budget"],
            "bonus_per_1k_views_cents": d["bonus_per_1k_views"],
            "bonus_cap_per_post_cents": d["bonus_cap_per_post"],
            "commission_per_conversion_cents": d["commission_per_conversion"],
            "pay_by_days": d["pay_by_days"],
            "application_deadline": d["application_deadline"],
            "draft_due": d["draft_due"],
            "posting_starts": d["posting_starts"],
            "posting_ends": d["posting_ends"],
            "min_followers": d["min_followers"],
            "max_followers": d["max_followers"],
            "min_engagement_bp": int(engagement * 100),
            "niches": list(d["niches"]),
            "countries": list(d["countries"]),
            "max_creators": d["max_creators"],
            "attribution_window_days": d["attribution_window_days"],
            "attribution_half_life_days": d["attribution_half_life_days"],
            "attribution_model": d["attribution_model"],
        }

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        c = campaign
        return {
            "brand": c.brand.public_id,
            "name": c.name,
            "objective": c.objective,
            "product_name": c.product_name,
            "landing_url": c.landing_url,
            "visibility": c.visibility,
            "brief": c.brief,
            "dos": c.dos,
            "donts": c.donts,
            "reference_links": "\n".join(c.reference_links),
            "required_hashtags": " ".join(f"#{t}" for t in c.required_hashtags),
            "required_mentions": " ".join(f"@{m}" for m in c.required_mentions),
            "disclosure_required": c.disclosure_required,
            "usage_rights": c.usage_rights,
            "paid_usage_months": c.paid_usage_months,
            "currency": c.currency,
            "budget": cents_to_major(c.budget_cents, c.currency),
            "bonus_per_1k_views": cents_to_major(c.bonus_per_1k_views_cents, c.currency)
            if c.bonus_per_1k_views_cents
            else "",
            "bonus_cap_per_post": cents_to_major(c.bonus_cap_per_post_cents, c.currency)
            if c.bonus_cap_per_post_cents
            else "",
            "commission_per_conversion": cents_to_major(
                c.commission_per_conversion_cents, c.currency
            )
            if c.commission_per_conversion_cents
            else "",
            "pay_by_days": c.pay_by_days,
            "application_deadline": c.application_deadline,
            "draft_due": c.draft_due,
            "posting_starts": c.posting_starts,
            "posting_ends": c.posting_ends,
            "min_followers": c.min_followers,
            "max_followers": c.max_followers,
            "min_engagement": Decimal(c.min_engagement_bp) / 100 if c.min_engagement_bp else None,
            "niches": c.niches,
            "countries": c.countries,
            "max_creators": c.max_creators,
            "attribution_window_days": c.attribution_window_days,
            "attribution_half_life_days": c.attribution_half_life_days,
            "attribution_model": c.attribution_model,
        }


FORMAT_HELP = "; ".join(
    f"{Platform(p).label}: {', '.join(fmts)}" for p, fmts in PLATFORM_FORMATS.items()
)


class DeliverableForm(forms.Form):
    id = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    platform = forms.ChoiceField(choices=Platform.choices, initial=Platform.TIKTOK)
    format = forms.ChoiceField(choices=Deliverable.Format.choices, initial="video")
    quantity = forms.IntegerField(min_value=1, max_value=50, initial=1, label="Posts per creator")
    fee = _money_field("Fee per post", required=True)
    notes = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency if currency in CURRENCY_EXPONENT else "USD"
        # The row is a table line with no <label>s: name each control for screen readers.
        for name in ("platform", "format", "quantity", "fee", "notes"):
            field = self.fields[name]
            field.widget.attrs.setdefault("aria-label", str(field.label or name.capitalize()))
        # Offer only the chosen platform's formats (static/js/deliverables.js keeps this in step
        # when the platform changes). Validation still accepts any format, so a mismatch gets
        # the service's clearer "YouTube has no reel format" message.
        platform = self._platform()
        self.fields["format"].widget.choices = [
            (value, Deliverable.Format(value).label) for value in PLATFORM_FORMATS[platform]
        ]

    def _platform(self) -> str:
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("platform"))
        else:
            chosen = self.initial.get("platform", self.fields["platform"].initial)
        return chosen if chosen in PLATFORM_FORMATS else str(Platform.TIKTOK)

    def clean_fee(self) -> int:
        """Major units → integer minor units of the campaign's currency (exact)."""
        try:
            cents = money_to_cents(self.cleaned_data["fee"], self.currency)
        except ValueError as exc:
            raise forms.ValidationError(f"{exc} Enter an amount such as 150.00.") from exc
        if cents <= 0:
            raise forms.ValidationError("Enter a fee above zero.")
        return cents


class BaseDeliverableFormSet(forms.BaseFormSet):
    def specs(self) -> tuple[list[DeliverableSpec], list[DeliverableForm]]:
        """The kept rows as service specs, and the form of each (to put service errors on)."""
        specs: list[DeliverableSpec] = []
        used: list[DeliverableForm] = []
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            specs.append(
                DeliverableSpec(
                    platform=data["platform"],
                    format=data["format"],
                    quantity=data["quantity"],
                    fee_cents=data["fee"],
                    notes=data.get("notes") or "",
                    id=data.get("id") or None,
                )
            )
            used.append(form)
        return specs, used

    def parsed_specs(self) -> tuple[list[DeliverableSpec], list[DeliverableForm]]:
        """On an invalid formset: every kept row as a spec, a harmless stand-in for each value
        that did not parse (the row already shows that field's error)."""
        specs: list[DeliverableSpec] = []
        used: list[DeliverableForm] = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not form.has_changed() and not data.get("id"):
                continue
            if self.can_delete and data.get("DELETE"):
                continue
            specs.append(
                DeliverableSpec(
                    platform=data.get("platform", ""),
                    format=data.get("format", ""),
                    quantity=data.get("quantity", 1),
                    fee_cents=data.get("fee", 1),
                    notes=data.get("notes") or "",
                    id=data.get("id") or None,
                )
            )
            used.append(form)
        return specs, used


DeliverableFormSet: type[BaseDeliverableFormSet] = forms.formset_factory(  # type: ignore[assignment]
    DeliverableForm, formset=BaseDeliverableFormSet, extra=0, can_delete=True, max_num=12
)


def deliverable_initial(campaign: Campaign) -> list[dict[str, Any]]:
    return [
        {
            "id": d.public_id,
            "platform": d.platform,
            "format": d.format,
            "quantity": d.quantity,
            "fee": cents_to_major(d.fee_cents, campaign.currency),
            "notes": d.notes,
        }
        for d in campaign.deliverables.all()
    ]


def apply_service_error(
    exc: ChorusError,
    form: CampaignForm,
    formset: BaseDeliverableFormSet | None = None,
    rows: list[DeliverableForm] | None = None,
    *,
    only_new: bool = False,
) -> None:
    """Put each of the service's field errors on the form field (or deliverable row) it names.

    ``only_new`` skips fields that already show an error (the form's own, from the same round).
    """
    if not exc.fields:
        form.add_error(None, exc.message)
        return
    for key, messages in exc.fields.items():
        for message in messages:
            if key.startswith("deliverables.") and rows is not None:
                _, index, field_name = [*key.split("."), "", ""][:3]
                target = field_name.replace("fee_cents", "fee")
                if index.isdigit() and int(index) < len(rows):
                    row = rows[int(index)]
                    slot = target if target in row.fields and target != "id" else None
                    if not (only_new and (slot or "__all__") in row.errors):
                        row.add_error(slot, message)
                    continue
            if key == "deliverables" and formset is not None:
                formset.non_form_errors().append(message)
                continue
            name = SERVICE_TO_FORM.get(key, key)
            if name in form.fields and not form.fields[name].disabled:
                if not (only_new and name in form.errors):
                    form.add_error(name, message)
            else:
                form.add_error(None, message)
