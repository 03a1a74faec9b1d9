"""Creator portal forms: they parse and say what to fix; the rules live in creators.services."""

from __future__ import annotations

from django import forms

from core.errors import ChorusError
from core.taxonomy import COUNTRY_CHOICES, LANGUAGE_CHOICES, Niche
from creators.models import CreatorProfile
from creators.services import MAX_NICHES
from creators.validators import photo_problem
from platforms.types import Platform


def add_service_error(form: forms.Form, error: ChorusError) -> None:
    """Show a service's ChorusError on the form: field errors on fields, the rest on top."""
    placed = False
    for name, messages in error.fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=80,
        label="Display name",
        help_text="What brands see, e.g. your handle.",
        error_messages={"required": "Enter the name brands should see, e.g. your handle."},
    )
    bio = forms.CharField(
        required=False,
        max_length=1000,
        label="Bio",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One or two sentences about what you make (1,000 characters at most).",
    )
    country = forms.ChoiceField(
        required=False,
        choices=[("", "Choose your country…"), *COUNTRY_CHOICES],
        label="Country",
        error_messages={"invalid_choice": "Pick your country from the list."},
    )
    languages = forms.MultipleChoiceField(
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Languages you post in",
        error_messages={"invalid_choice": "Pick languages from the list."},
    )
    niches = forms.MultipleChoiceField(
        required=False,
        choices=Niche.choices,
        widget=forms.CheckboxSelectMultiple,
        label=f"Niches (up to {MAX_NICHES})",
        error_messages={"invalid_choice": "Pick niches from the list."},
    )

    def clean_niches(self) -> list[str]:
        niches: list[str] = self.cleaned_data.get("niches") or []
        if len(niches) > MAX_NICHES:
            raise forms.ValidationError(
                f"Pick at most {MAX_NICHES} niches (you picked {len(niches)})."
            )
        return niches

    @classmethod
    def for_profile(cls, profile: CreatorProfile) -> ProfileForm:
        return cls(
            initial={
                "display_name": profile.display_name,
                "bio": profile.bio,
                "country": profile.country,
                "languages": list(profile.languages or []),
                "niches": profile.niches,
            }
        )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Profile photo",
        help_text="JPEG, PNG or WebP, up to 5 MB.",
        error_messages={
            "required": "Choose a photo to upload.",
            "empty": "This file is empty. Pick a JPEG, PNG or WebP photo.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self) -> object:
        photo = self.cleaned_data["photo"]
        problem, _ = photo_problem(photo, photo.size)
        if problem:
            raise forms.ValidationError(problem)
        return photo


class PortfolioItemForm(forms.Form):
    url = forms.URLField(
        max_length=500,
        label="Link to a post or video",
        assume_scheme="https",
        error_messages={
            "required": "Paste the link to a post or video you are proud of.",
            "invalid": "Enter a full web address, e.g. https://www.tiktok.com/@you/video/123.",
        },
    )
    title = forms.CharField(
        max_length=120, required=False, label="Title", help_text="e.g. “Morning routine”"
    )


class AddAccountForm(forms.Form):
    platform = forms.ChoiceField(
        choices=Platform.choices,
        initial=Platform.TIKTOK,
        widget=forms.RadioSelect,
        label="Platform",
        error_messages={
            "required": "Pick TikTok, Instagram or YouTube.",
            "invalid_choice": "Pick TikTok, Instagram or YouTube.",
        },
    )
    handle = forms.CharField(
        max_length=300,
        label="Handle or profile link",
        help_text="e.g. @yourname or https://www.tiktok.com/@yourname",
        error_messages={
            "required": "Enter your handle (e.g. @yourname) or paste your profile link."
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
