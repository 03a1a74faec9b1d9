"""Sign-up: two ways in ("I run a brand or agency", "I'm a creator") on top of django-allauth."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm
from allauth.account.views import SignupView
from django import forms
from django.db import transaction
from django.http import HttpRequest

from core.errors import ChorusError
from creators.services import creator_profile_create
from organizations.models import Organization
from organizations.services import organization_create
from users.models import User


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return "/dashboard/"

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return "/dashboard/"


class _ChorusSignupForm(SignupForm):
    full_name = forms.CharField(max_length=150, label="Your name")

    def onboard(self, user: User) -> None:
        raise TypeError("subclasses create what the new user owns")

    def save(self, request: HttpRequest) -> User:
        # The account and what it owns are created together or not at all.
        with transaction.atomic():
            user: User = super().save(request)
            user.full_name = self.cleaned_data["full_name"].strip()
            user.save(update_fields=["full_name"])
            try:
                self.onboard(user)
            except ChorusError as exc:
                raise forms.ValidationError(exc.message) from exc
        return user


class BrandSignupForm(_ChorusSignupForm):
    organization_name = forms.CharField(max_length=120, label="Company or agency name")
    kind = forms.ChoiceField(
        choices=Organization.Kind.choices,
        initial=Organization.Kind.BRAND,
        widget=forms.RadioSelect,
        label="You are",
    )
    first_brand_name = forms.CharField(
        max_length=120,
        required=False,
        label="First brand",
        help_text="Agencies: the first client brand you run campaigns for. Brands can leave this empty.",
    )

    def onboard(self, user: User) -> None:
        organization_create(
            name=self.cleaned_data["organization_name"],
            kind=self.cleaned_data["kind"],
            owner=user,
            first_brand_name=self.cleaned_data.get("first_brand_name", ""),
        )


class CreatorSignupForm(_ChorusSignupForm):
    display_name = forms.CharField(
        max_length=80, label="Creator name", help_text="How brands will see you, e.g. your handle."
    )

    def onboard(self, user: User) -> None:
        creator_profile_create(user=user, display_name=self.cleaned_data["display_name"])


class BrandSignupView(SignupView):
    form_class = BrandSignupForm
    template_name = "account/signup_brand.html"

    def get_form_class(self) -> Any:
        return self.form_class


class CreatorSignupView(SignupView):
    form_class = CreatorSignupForm
    template_name = "account/signup_creator.html"

    def get_form_class(self) -> Any:
        return self.form_class
