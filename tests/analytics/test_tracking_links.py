from urllib.parse import parse_qs, urlsplit

import pytest

from analytics.models import Click
from tests.factories.recruitment import ParticipationFactory


@pytest.fixture
def participation(db):
    p = ParticipationFactory()
    p.campaign.landing_url = "https://glow.example/serum?ref=spring"
    p.campaign.save(update_fields=["landing_url"])
    return p


def test_following_a_tracking_link_counts_a_click_and_lands_on_the_brand_page_with_utm(
    client, participation
):
    path = urlsplit(participation.tracking_url).path

    response = client.get(
        path, HTTP_USER_AGENT="Mozilla/5.0", HTTP_REFERER="https://www.tiktok.com/@ava"
    )

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.netloc, target.path) == ("glow.example", "/serum")
    query = parse_qs(target.query)
    assert query["ref"] == ["spring"]
    assert query["utm_content"] == [participation.tracking_code]
    assert query["utm_campaign"] == [participation.campaign.public_id]
    click = Click.objects.get()
    assert click.participation == participation
    assert click.organization_id == participation.organization_id
    assert click.referrer_host == "www.tiktok.com"
    assert "127.0.0.1" not in click.visitor_hash  # only a hash of the visitor is kept


def test_every_visit_is_a_new_click_row(client, participation):
    path = urlsplit(participation.tracking_url).path
    for _ in range(3):
        client.get(path)
    assert Click.objects.filter(participation=participation).count() == 3


@pytest.mark.parametrize("code", ["nope", "x" * 200, "ünïcode"])
def test_an_unknown_or_malformed_code_is_a_clear_404_and_counts_nothing(
    client, participation, code
):
    response = client.get(f"/r/{code}")
    assert response.status_code == 404
    assert b"This link is not valid" in response.content
    assert not Click.objects.exists()


def test_without_a_landing_page_the_visitor_sees_whose_link_it_is(client, participation):
    participation.campaign.landing_url = ""
    participation.campaign.save(update_fields=["landing_url"])
    participation.campaign.brand.website = ""
    participation.campaign.brand.save(update_fields=["website"])

    response = client.get(urlsplit(participation.tracking_url).path)

    assert response.status_code == 200
    assert participation.promo_code.encode() in response.content
    assert Click.objects.count() == 1
