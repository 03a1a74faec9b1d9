"""Forms of the creator's slot page: a draft with its caption (the plain upload through the app
when JavaScript is off, and the confirmation of a direct upload), and the live post's link."""

from typing import Any

from django import forms

from core.errors import ChorusError
from submissions.models import CAPTION_MAX_CHARS, POST_URL_MAX_CHARS
from submissions.uploads import DRAFT, IMAGE_TYPES, VIDEO_TYPES

ACCEPT = ",".join([*VIDEO_TYPES, *IMAGE_TYPES])
CAPTION_HELP = (
    "Write it as you will post it: the required hashtags, mentions and disclosure "
    f"(at most {CAPTION_MAX_CHARS} characters)."
)


def _caption_field() -> forms.CharField:
    return forms.CharField(
        label="Caption",
        required=False,
        max_length=CAPTION_MAX_CHARS,
        strip=True,
        help_text=CAPTION_HELP,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": CAPTION_MAX_CHARS}),
        error_messages={
            "max_length": f"Keep the caption under {CAPTION_MAX_CHARS} characters "
            "(it has %(show_value)d)."
        },
    )


class DraftForm(forms.Form):
    """A new draft version: the file (video or image) and its caption."""

    file = forms.FileField(
        label="Your draft (video or image)",
        help_text=f"{DRAFT.label}. Videos up to 1 GB, images up to 30 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": "Choose the video or image to upload."},
    )
    caption = _caption_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "draft-%s")
        super().__init__(*args, **kwargs)


class ConfirmForm(forms.Form):
    """Finish a direct upload: the key we issued and the caption."""

    key = forms.CharField(max_length=255, widget=forms.HiddenInput)
    caption = _caption_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "finish-%s")
        super().__init__(*args, **kwargs)


class UploadRequestForm(forms.Form):
    """What the browser says of the file it is about to upload (checked again on its bytes)."""

    content_type = forms.CharField(max_length=100)
    size = forms.IntegerField(min_value=0)
    name = forms.CharField(max_length=500, required=False)


class PostForm(forms.Form):
    url = forms.CharField(
        label="Link to your live post",
        max_length=POST_URL_MAX_CHARS,
        strip=True,
        help_text="Open the post, tap Share → Copy link, and paste it here.",
        widget=forms.URLInput(
            attrs={"inputmode": "url", "autocomplete": "off", "placeholder": "https://"}
        ),
        error_messages={"required": "Paste the link to your post."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "post-%s")
        super().__init__(*args, **kwargs)


def add_service_error(form: forms.Form, exc: ChorusError, *, aliases: dict[str, str]) -> None:
    """Show a service's error beside the field it names (``aliases`` maps the service's field
    names to the form's), else on top of the form."""
    placed = False
    for name in exc.fields:
        target = aliases.get(name, name)
        if target in form.fields and not placed:
            # The service's message is the full sentence; its field entries are often terse.
            form.add_error(target, exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
