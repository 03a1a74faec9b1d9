"""Forms of the discovery pages. ``CreatorSearchForm`` also validates the API's query string."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.taxonomy import COUNTRIES, COUNTRY_CHOICES, Niche
from discovery.csv_import import CSV_MAX_BYTES
from discovery.models import NOTE_MAX_CHARS, SHORTLIST_NAME_MAX
from discovery.search import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    Q_MAX,
    SORT_CHOICES,
    CreatorSearchParams,
)
from platforms.types import Platform

_TRUE = frozenset({"1", "true", "on", "yes"})
_FALSE = frozenset({"", "0", "false", "off", "no"})

ENGAGEMENT_CHOICES: list[tuple[str, str]] = [
    ("", "Any"),
    ("100", "1 % or more"),
    ("200", "2 % or more"),
    ("300", "3 % or more"),
    ("500", "5 % or more"),
    ("800", "8 % or more"),
    ("1000", "10 % or more"),
]
MESSAGE_MAX_CHARS = 1000


def _is_true(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


class FlagInput(forms.CheckboxInput):
    """A checkbox that also reads ``true``/``false``/``1``/``0`` from a query string as meant
    (Django's own turns ``"0"`` into True)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=_is_true)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if value is None:
            return False
        return value if isinstance(value, str) else bool(value)


class FlagField(forms.BooleanField):
    widget = FlagInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(f"{value!r} is not a yes/no value: use true or false.")


class CreatorSearchForm(forms.Form):
    """The search filters, from a GET query string (the page's filter bar or the API)."""

    q = forms.CharField(
        required=False,
        max_length=Q_MAX,
        label="Name or handle",
        widget=forms.TextInput(attrs={"placeholder": "Mia or @mia.makes", "type": "search"}),
    )
    platform = forms.ChoiceField(choices=[("", "Any platform"), *Platform.choices], required=False)
    min_followers = forms.IntegerField(
        required=False,
        min_value=0,
        label="Min. followers",
        widget=forms.NumberInput(attrs={"placeholder": "1,000", "step": 1000}),
    )
    max_followers = forms.IntegerField(
        required=False,
        min_value=0,
        label="Max. followers",
        widget=forms.NumberInput(attrs={"placeholder": "100,000", "step": 1000}),
    )
    min_engagement_bp = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10000,
        label="Engagement",
        help_text="Basis points: 345 = 3.45 %.",
        widget=forms.Select(choices=ENGAGEMENT_CHOICES),
    )
    niche = forms.ChoiceField(choices=[("", "Any niche"), *Niche.choices], required=False)
    country = forms.CharField(
        required=False,
        max_length=2,
        label="Country",
        widget=forms.Select(choices=[("", "Any country"), *COUNTRY_CHOICES]),
    )
    verified_only = FlagField(label="Verified accounts only")
    worked_with_us = FlagField(label="Worked with us before")
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label="Sort by")
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"At most {MAX_PAGE_SIZE}.",
    )

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").strip().upper()
        if code and code not in COUNTRIES:
            raise ValidationError(
                f"Unknown country {code!r}: use an ISO 3166-1 alpha-2 code such as US or GB."
            )
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_followers"), data.get("max_followers")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_followers",
                ValidationError(
                    f"The maximum ({high:,}) is below the minimum ({low:,}): swap them or widen "
                    "the range.",
                    code="invalid_range",  # a rule across fields: the API answers this code
                ),
            )
        return data

    def to_params(self) -> CreatorSearchParams:
        """The validated filters (call after ``is_valid()``)."""
        d = self.cleaned_data
        return CreatorSearchParams(
            platform=d.get("platform") or None,
            q=(d.get("q") or "").strip().lstrip("@") or None,
            min_followers=d.get("min_followers"),
            max_followers=d.get("max_followers"),
            min_engagement_bp=d.get("min_engagement_bp") or None,
            niche=d.get("niche") or None,
            country=d.get("country") or None,
            verified_only=bool(d.get("verified_only")),
            worked_with_us=bool(d.get("worked_with_us")),
            sort=d.get("sort") or "followers_desc",
            page=d.get("page") or 1,
            page_size=d.get("page_size") or DEFAULT_PAGE_SIZE,
        )


class ShortlistForm(forms.Form):
    name = forms.CharField(max_length=SHORTLIST_NAME_MAX, label="Name")
    brand = forms.ChoiceField(required=False, label="Brand", choices=())

    def __init__(self, *args: Any, brands: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [  # type: ignore[attr-defined]
            ("", "All brands"),
            *((b.public_id, b.name) for b in brands),
        ]


class RenameShortlistForm(forms.Form):
    name = forms.CharField(max_length=SHORTLIST_NAME_MAX, label="New name")


class SelectionForm(forms.Form):
    """Creators ticked in the search results, and what to do with them."""

    creators = forms.MultipleChoiceField(choices=(), required=True)
    action = forms.ChoiceField(choices=[("shortlist", "shortlist"), ("invite", "invite")])
    shortlist = forms.CharField(required=False, max_length=32)  # a public id
    new_shortlist = forms.CharField(required=False, max_length=SHORTLIST_NAME_MAX)
    campaign = forms.CharField(required=False, max_length=32)  # a public id
    note = forms.CharField(required=False, max_length=NOTE_MAX_CHARS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any public id is acceptable here; the service looks them up (missing ones are reported).
        field = self.fields["creators"]
        field.valid_value = lambda value: True  # type: ignore[attr-defined]
        field.error_messages["required"] = "Tick at least one creator first."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "shortlist" and not (
            data.get("shortlist") or (data.get("new_shortlist") or "").strip()
        ):
            self.add_error("shortlist", "Choose a shortlist or name a new one.")
        if data.get("action") == "invite" and not data.get("campaign"):
            self.add_error("campaign", "Choose the campaign to invite them to.")
        return data


class InviteShortlistForm(forms.Form):
    shortlist = forms.ChoiceField(label="Shortlist", choices=())
    message = forms.CharField(
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, shortlists: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shortlist"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a shortlist"),
            *((s.public_id, f"{s.name} ({s.entry_count})") for s in shortlists),
        ]


class InviteHandlesForm(forms.Form):
    platform = forms.ChoiceField(choices=Platform.choices, label="Platform")
    handles = forms.CharField(
        label="Handles or profile links",
        max_length=100_000,  # up to 1,000 handles or profile links
        help_text="One per line, or separated by commas. Up to 1,000.",
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "@maya.makes\nhttps://www.tiktok.com/@leo.cooks"}
        ),
    )
    message = forms.CharField(
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A 'handle' column, and optional 'platform' and 'message' columns. Up to 1,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    platform = forms.ChoiceField(
        choices=[("", "From the file's platform column"), *Platform.choices],
        required=False,
        label="Platform for rows without one",
    )
    message = forms.CharField(
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1_000_000:.1f} MB: upload at most "
                f"{CSV_MAX_BYTES // 1_000_000} MB (1,000 rows fit easily)."
            )
        return upload


class InviteCampaignForm(forms.Form):
    """From a shortlist page: which campaign to invite everyone to."""

    campaign = forms.ChoiceField(label="Campaign", choices=())
    message = forms.CharField(
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, campaigns: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a recruiting campaign"),
            *((c.public_id, f"{c.name} · {c.brand.name}") for c in campaigns),
        ]
