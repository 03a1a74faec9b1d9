"""The creator's profile: services and the profile page (forms say what to fix)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core import files
from core.errors import ChorusError, NotFound
from creators.models import CREATOR_PHOTO, CreatorNiche, CreatorProfile, PortfolioItem
from creators.services import (
    creator_photo_set,
    creator_profile_update,
    portfolio_item_add,
    portfolio_item_remove,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def update(creator: CreatorProfile, **overrides: object) -> CreatorProfile:
    values: dict[str, object] = {
        "display_name": "Casey",
        "bio": "Coffee and trails.",
        "country": "US",
        "languages": ["en"],
        "niches": ["food", "outdoors"],
    }
    values.update(overrides)
    return creator_profile_update(creator=creator, **values)  # type: ignore[arg-type]


def test_updating_the_profile_syncs_niches(creator: CreatorProfile) -> None:
    update(creator, niches=["beauty", "food"])
    update(creator, niches=["food", "travel"], languages=["en", "es", "en"], country="gb")

    creator.refresh_from_db()
    assert creator.niches == ["food", "travel"]
    assert creator.languages == ["en", "es"]
    assert creator.country == "GB"
    assert CreatorNiche.objects.filter(creator=creator).count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"display_name": "  "}, "display_name", "Enter the name brands should see"),
        ({"country": "XX"}, "country", "Pick your country"),
        ({"languages": ["klingon"]}, "languages", "Unknown language: klingon"),
        ({"niches": ["basket-weaving"]}, "niches", "Unknown niche: basket-weaving"),
        ({"niches": ["beauty", "food", "travel", "pets", "tech", "music"]}, "niches", "at most 5"),
        ({"bio": "x" * 1001}, "bio", "1,000 characters"),
    ],
)
def test_bad_profile_input_names_the_field_and_the_fix(
    creator: CreatorProfile, overrides: dict[str, object], field: str, text: str
) -> None:
    with pytest.raises(ChorusError) as caught:
        update(creator, **overrides)
    assert text in caught.value.fields[field][0]


def test_sniffing_recognises_the_three_image_types() -> None:
    def sniff(data: bytes) -> str:
        return files.check_upload(SimpleUploadedFile("x", data), kind=CREATOR_PHOTO)

    assert sniff(PNG) == "image/png"
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(WEBP) == "image/webp"
    with pytest.raises(files.UploadRejected):
        sniff(b"hello, I am text")


def test_a_photo_is_stored_under_our_own_name(creator: CreatorProfile, media_root: object) -> None:
    creator_photo_set(creator=creator, photo=SimpleUploadedFile("../../me.PNG", PNG))
    creator.refresh_from_db()
    assert re.fullmatch(r"creators/creator-photo/[\w-]{24}\.png", creator.photo.name)
    assert creator.photo.read() == PNG


def test_a_text_file_renamed_jpg_is_refused(creator: CreatorProfile, media_root: object) -> None:
    fake = SimpleUploadedFile("me.jpg", b"just some text, honest", content_type="image/jpeg")
    with pytest.raises(ChorusError) as caught:
        creator_photo_set(creator=creator, photo=fake)
    assert "not a JPEG, PNG or WebP file" in caught.value.fields["photo"][0]
    creator.refresh_from_db()
    assert not creator.photo


def test_a_photo_over_5_mb_is_refused(creator: CreatorProfile, media_root: object) -> None:
    big = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ChorusError) as caught:
        creator_photo_set(creator=creator, photo=big)
    assert "the limit is 5 MB" in caught.value.fields["photo"][0]


def test_portfolio_items_are_added_in_order_and_removed(creator: CreatorProfile) -> None:
    first = portfolio_item_add(creator=creator, url="https://www.tiktok.com/@casey/video/1")
    second = portfolio_item_add(creator=creator, url="https://example.com/blog", title="My blog")
    assert (first.position, second.position) == (0, 1)
    assert first.platform == "tiktok"
    assert second.platform == ""

    with pytest.raises(ChorusError) as caught:
        portfolio_item_add(creator=creator, url="https://example.com/blog")
    assert "already in your portfolio" in caught.value.fields["url"][0]

    portfolio_item_remove(creator=creator, item_id=first.public_id)
    assert list(PortfolioItem.objects.filter(creator=creator)) == [second]


def test_a_portfolio_link_must_be_a_web_address(creator: CreatorProfile) -> None:
    with pytest.raises(ChorusError) as caught:
        portfolio_item_add(creator=creator, url="javascript:alert(1)")
    assert "https://" in caught.value.fields["url"][0]


def test_a_creator_cannot_remove_another_creators_portfolio_link(
    creator: CreatorProfile, other_creator: CreatorProfile
) -> None:
    theirs = portfolio_item_add(creator=other_creator, url="https://example.com/x")
    with pytest.raises(NotFound):
        portfolio_item_remove(creator=creator, item_id=theirs.public_id)
    assert PortfolioItem.objects.filter(pk=theirs.pk).exists()


# ----------------------------------------------------------------------------- pages


def test_the_profile_page_saves_the_form(creator: CreatorProfile, creator_client: Client) -> None:
    response = creator_client.post(
        reverse("creators:profile"),
        {
            "display_name": "Casey Cooks",
            "bio": "Recipes",
            "country": "CA",
            "languages": ["en", "fr"],
            "niches": ["food"],
        },
    )
    assert response.status_code == 302
    creator.refresh_from_db()
    assert (creator.display_name, creator.country, creator.niches) == (
        "Casey Cooks",
        "CA",
        ["food"],
    )
    page = creator_client.get(reverse("creators:profile"))
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'value="food"[^>]*checked', html)
    assert not re.search(r'value="beauty"[^>]*checked', html)


def test_profile_form_errors_say_what_to_fix(
    creator: CreatorProfile, creator_client: Client
) -> None:
    response = creator_client.post(
        reverse("creators:profile"),
        {
            "display_name": "",
            "country": "ZZ",
            "niches": ["beauty", "food", "travel", "pets", "tech", "music"],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please fix the highlighted fields" in html
    assert "Enter the name brands should see" in html
    assert "Pick your country from the list." in html
    assert "Pick at most 5 niches (you picked 6)." in html
    creator.refresh_from_db()
    assert creator.display_name == "Casey"


def test_uploading_a_fake_image_shows_the_error_on_the_page(
    creator: CreatorProfile, creator_client: Client, media_root: object
) -> None:
    fake = SimpleUploadedFile("me.jpg", b"plain text pretending", content_type="image/jpeg")
    response = creator_client.post(reverse("creators:photo_upload"), {"photo": fake})
    assert response.status_code == 400
    html = response.content.decode()
    # Beside the file input and tied to it, not only a message at the top of the page.
    error = re.search(r'<small class="field-error" id="photo-error">(.*?)</small>', html, re.S)
    assert error
    assert "not a JPEG, PNG or WebP file" in error.group(1)
    file_input = re.search(r'<input type="file" name="photo"[^>]*>', html).group(0)
    assert 'aria-describedby="photo-error"' in file_input


def test_uploading_a_real_image_sets_the_photo(
    creator: CreatorProfile, creator_client: Client, media_root: object
) -> None:
    response = creator_client.post(reverse("creators:photo_upload"), {})
    assert response.status_code == 400
    assert "Choose a photo to upload." in response.content.decode()
    response = creator_client.post(
        reverse("creators:photo_upload"), {"photo": SimpleUploadedFile("me.webp", WEBP)}
    )
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.photo.name.endswith(".webp")
    response = creator_client.post(reverse("creators:photo_remove"))
    creator.refresh_from_db()
    assert not creator.photo


def test_portfolio_form_errors_are_shown(creator: CreatorProfile, creator_client: Client) -> None:
    response = creator_client.post(reverse("creators:portfolio_add"), {"url": "not a url at all"})
    assert response.status_code == 400
    assert "Enter a full web address" in response.content.decode()


def test_another_creators_portfolio_link_answers_404(
    creator_client: Client, other_creator: CreatorProfile
) -> None:
    theirs = portfolio_item_add(creator=other_creator, url="https://example.com/x")
    url = reverse("creators:portfolio_remove", args=[theirs.public_id])
    assert creator_client.post(url).status_code == 404
    assert creator_client.get(url).status_code == 404
    assert PortfolioItem.objects.filter(pk=theirs.pk).exists()
