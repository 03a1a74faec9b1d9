from django import forms
from django.contrib.auth.password_validation import validate_password

from organizations.models import Brand
from organizations.roles import Role
from users.models import User


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)
    brand = forms.ModelChoiceField(
        queryset=Brand.objects.none(),
        required=False,
        empty_label="All brands",
        to_field_name="public_id",
        help_text="Limit this person to one brand.",
    )

    def __init__(
        self, *args: object, brands: object = None, limited: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _limit_brand_field(self, brands, limited)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class BrandForm(forms.Form):
    name = forms.CharField(max_length=120)
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")
    landing_domains = forms.CharField(
        required=False,
        max_length=5000,
        label="Other landing domains",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Campaign landing pages must be https:// on the website's domain or one listed here "
            "(one per line, e.g. shop.example.com)."
        ),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=80, help_text="What will use it, e.g. 'Agency reporting script'."
    )
    brand = forms.ModelChoiceField(
        queryset=Brand.objects.none(),
        required=False,
        empty_label="All brands",
        to_field_name="public_id",
        help_text="Limit the key to one brand: it sees and changes nothing else.",
    )
    role = forms.ChoiceField(
        choices=[c for c in Role.choices if c[0] != Role.OWNER],
        # The lowest role that reads: a key gets more only when someone chooses it.
        initial=Role.VIEWER,
        help_text="Viewer reads; choose a higher role only if the tool must change things.",
    )
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a key that does not expire.",
    )

    def __init__(
        self, *args: object, brands: object = None, limited: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _limit_brand_field(self, brands, limited)


def _limit_brand_field(form: forms.Form, brands: object, limited: bool) -> None:
    """Offer the member's brands; a brand-limited member must pick their one brand."""
    if brands is not None:
        form.fields["brand"].queryset = brands  # type: ignore[attr-defined]
    if limited:
        form.fields["brand"].required = True
        form.fields["brand"].empty_label = None  # type: ignore[attr-defined]
        form.fields["brand"].help_text = "You are limited to this brand, and so is what you create."


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Your name")
    # Bounded so a megabyte "password" cannot make the hasher burn CPU.
    password1 = forms.CharField(
        label="Password", max_length=1024, widget=forms.PasswordInput, strip=False
    )
    password2 = forms.CharField(
        label="Password (again)", max_length=1024, widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args: object, email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            try:
                validate_password(str(p1), user=User(email=self.email))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
