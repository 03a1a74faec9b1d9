"""Forms: parse what people type; the services decide whether it is allowed."""

from typing import Any

from django import forms

from core.errors import ChorusError
from core.taxonomy import Niche
from creators.models import SocialAccount
from platforms.types import Platform
from recruitment.models import PITCH_MAX_CHARS
from recruitment.selectors import MarketplaceFilters
from recruitment.services import DECISIONS, DECLINE_REASON_MAX_CHARS


def _account_label(account: SocialAccount) -> str:
    followers = f"{account.follower_count:,} followers"
    verified = "" if account.is_verified else " · not verified"
    return f"{account.get_platform_display()} @{account.handle} · {followers}{verified}"


class ApplyForm(forms.Form):
    social_account = forms.ChoiceField(
        label="Account to use",
        error_messages={"required": "Choose the account you will post from."},
    )
    pitch = forms.CharField(
        label="Your pitch",
        max_length=PITCH_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": PITCH_MAX_CHARS}),
        help_text=f"Why you fit this campaign, in up to {PITCH_MAX_CHARS:,} characters.",
        error_messages={
            "required": "Write a short pitch: tell the brand why you fit this campaign.",
            "max_length": f"Keep your pitch to {PITCH_MAX_CHARS:,} characters "
            "(it has %(show_value)d).",
        },
    )

    def __init__(self, *args: Any, accounts: list[SocialAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = {a.public_id: a for a in accounts}
        self.fields["social_account"].choices = [  # type: ignore[attr-defined]
            (a.public_id, _account_label(a)) for a in accounts
        ]
        self.fields["social_account"].error_messages["invalid_choice"] = (
            "Choose one of your own accounts."
        )

    def account(self) -> SocialAccount:
        return self.accounts[self.cleaned_data["social_account"]]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(d, d) for d in DECISIONS],
        error_messages={"required": "Choose accept, decline or waitlist."},
    )
    reason = forms.CharField(required=False, max_length=DECLINE_REASON_MAX_CHARS)


class _ApplicationIds(forms.MultipleChoiceField):
    """Any short id is accepted here: the service answers for each one (not found, full, ...)."""

    def valid_value(self, value: str) -> bool:
        return 0 < len(str(value)) <= 40


class BulkDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(d, d) for d in DECISIONS],
        error_messages={"required": "Choose accept, decline or waitlist."},
    )
    ids = _ApplicationIds(
        error_messages={
            "required": "Tick at least one application first.",
            "invalid_choice": "%(value)s is not an application id.",
        },
    )
    reason = forms.CharField(
        required=False,
        max_length=DECLINE_REASON_MAX_CHARS,
        label="Reason (optional, the creators read it)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STATUS_FILTERS: list[tuple[str, str]] = [
    ("pending", "Pending"),
    ("waitlisted", "Wait-listed"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn"),
    ("all", "All"),
]
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "followers": ("-social_account__follower_count", "-created_at", "-id"),
    "engagement": ("-social_account__engagement_rate_bp", "-created_at", "-id"),
}


def parse_status(value: str | None, default: str = "pending") -> str:
    """A status filter from the query string; unknown values fall back to the default."""
    valid = {s for s, _ in STATUS_FILTERS}
    return value if value in valid else default


def status_for_query(status: str) -> str | None:
    return None if status == "all" else status


def add_service_error(form: forms.Form, exc: ChorusError) -> None:
    """Show a service's error on the field it names (or the form when it names none)."""
    placed = False
    for name, problems in exc.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


PAY_CHOICES = [
    ("", "Any pay"),
    ("5000", "50 or more"),
    ("10000", "100 or more"),
    ("25000", "250 or more"),
    ("50000", "500 or more"),
]


class MarketplaceFilterForm(forms.Form):
    """The creator marketplace's search and filters (GET)."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Campaign or brand"}),
    )
    platform = forms.ChoiceField(
        required=False, choices=[("", "Any platform"), *Platform.choices], label="Platform"
    )
    niche = forms.ChoiceField(
        required=False, choices=[("", "Any niche"), *Niche.choices], label="Niche"
    )
    min_pay = forms.ChoiceField(required=False, choices=PAY_CHOICES, label="Pay per creator")

    def to_filters(self) -> MarketplaceFilters:
        d = self.cleaned_data
        return MarketplaceFilters(
            q=d.get("q") or "",
            platform=d.get("platform") or "",
            niche=d.get("niche") or "",
            min_pay_cents=int(d.get("min_pay") or 0),
        )
