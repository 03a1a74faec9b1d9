from urllib.parse import parse_qs, urlsplit

import pytest

from analytics.models import Click
from analytics.services import clicks_flush
from tests.factories.recruitment import ParticipationFactory


@pytest.fixture
def participation(db):
    p = ParticipationFactory()
    p.campaign.brand.website = "https://www.glow.example/"
    p.campaign.brand.save(update_fields=["website"])
    p.campaign.landing_url = "https://glow.example/serum?ref=spring"
    p.campaign.save(update_fields=["landing_url"])
    return p


def test_following_a_tracking_link_counts_a_click_and_lands_on_the_brand_page_with_utm(
    client, participation
):
    path = urlsplit(participation.tracking_url).path

    response = client.get(path, HTTP_REFERER="https://www.tiktok.com/@ava")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.netloc, target.path) == ("glow.example", "/serum")
    query = parse_qs(target.query)
    assert query["ref"] == ["spring"]
    assert query["utm_content"] == [participation.tracking_code]
    assert query["utm_campaign"] == [participation.campaign.public_id]
    assert not Click.objects.exists()  # buffered: the redirect did not wait for the database
    assert clicks_flush() == 1
    click = Click.objects.get()
    assert click.participation == participation
    assert click.organization_id == participation.organization_id
    assert click.referrer_host == "www.tiktok.com"
    assert "127.0.0.1" not in click.visitor_hash  # only a hash of the visitor is kept


def test_every_visitor_is_a_new_click_row(client, participation):
    path = urlsplit(participation.tracking_url).path
    for address in ("203.0.113.1", "203.0.113.2", "2001:db8::3"):
        assert client.get(path, REMOTE_ADDR=address).status_code == 302
    clicks_flush()
    assert Click.objects.filter(participation=participation).count() == 3
    assert Click.objects.values("visitor_hash").distinct().count() == 3


@pytest.mark.parametrize("code", ["nope", "x" * 200, "ünïcode", "nope/"])
def test_an_unknown_or_malformed_code_is_a_friendly_404_and_counts_nothing(
    client, participation, code
):
    response = client.get(f"/r/{code}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Link not found" in html
    assert "This link is not valid" in html
    assert "Using the URLconf" not in html  # never Django's debug page
    clicks_flush()
    assert not Click.objects.exists()


def test_a_trailing_slash_works_too(client, participation):
    response = client.get(urlsplit(participation.tracking_url).path.rstrip("/") + "/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == "glow.example"


@pytest.mark.parametrize("status", ["completed", "archived"])
def test_an_ended_campaigns_link_gets_a_friendly_page_and_counts_nothing(
    client, participation, status
):
    participation.campaign.status = status
    participation.campaign.save(update_fields=["status"])
    response = client.get(urlsplit(participation.tracking_url).path)
    assert response.status_code == 410
    assert "This campaign has ended" in response.content.decode()
    clicks_flush()
    assert not Click.objects.exists()


@pytest.mark.parametrize(
    "landing",
    [
        "http://glow.example/serum",  # not https
        "https://evil.example/phish",  # not the brand's
        "https://glow.example.evil.example/",  # looks like it, is not
        "https://user@evil.example/",
    ],
)
def test_a_saved_landing_url_off_the_brands_domains_is_never_redirected_to(
    client, participation, landing
):
    participation.campaign.landing_url = landing  # saved before the rule existed
    participation.campaign.save(update_fields=["landing_url"])
    response = client.get(urlsplit(participation.tracking_url).path)
    assert response.status_code == 200
    assert "Location" not in response
    assert participation.promo_code.encode() in response.content


def test_without_a_landing_page_the_visitor_sees_whose_link_it_is(client, participation):
    participation.campaign.landing_url = ""
    participation.campaign.save(update_fields=["landing_url"])
    participation.campaign.brand.website = ""
    participation.campaign.brand.save(update_fields=["website"])

    response = client.get(urlsplit(participation.tracking_url).path)

    assert response.status_code == 200
    assert participation.promo_code.encode() in response.content
    clicks_flush()
    assert Click.objects.count() == 1


# -- the rule, when the campaign is saved ---------------------------------------------------------


def _owner_access(campaign):
    from organizations.access import OrgAccess
    from organizations.roles import Role

    return OrgAccess(organization=campaign.organization, role=Role.OWNER)


@pytest.mark.parametrize(
    "landing",
    ["http://glow.example/serum", "https://evil.example/", "https://glow.example.evil.example/"],
)
def test_saving_a_landing_url_off_the_brands_domains_is_refused_with_a_clear_message(
    participation, landing
):
    from campaigns.services import campaign_update
    from core.errors import ChorusError

    with pytest.raises(ChorusError) as caught:
        campaign_update(
            access=_owner_access(participation.campaign),
            campaign=participation.campaign,
            landing_url=landing,
        )
    assert caught.value.code == "landing_url_not_allowed"
    message = caught.value.fields["landing_url"][0]
    assert "https://" in message
    assert "glow.example" in message


def test_a_declared_domain_and_subdomains_are_allowed(participation):
    from campaigns.services import campaign_update
    from organizations.services import brand_update

    access = _owner_access(participation.campaign)
    brand_update(
        access=access, brand=participation.campaign.brand, landing_domains=["Shop.Partner.example"]
    )
    for url in ("https://shop.partner.example/x", "https://eu.glow.example/serum"):
        campaign = campaign_update(access=access, campaign=participation.campaign, landing_url=url)
        assert campaign.landing_url == url


def test_the_api_refuses_a_foreign_landing_url_naming_the_field(tenant_a, api_client_for):
    from tests.factories.campaigns import CampaignFactory

    tenant_a.brand.website = "https://acme.example"
    tenant_a.brand.save(update_fields=["website"])
    campaign = CampaignFactory(brand=tenant_a.brand, status="draft")
    response = api_client_for(tenant_a).patch(
        f"/api/v1/campaigns/{campaign.public_id}/",
        {"landing_url": "https://evil.example/"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "landing_url_not_allowed"
    assert "landing_url" in response.json()["fields"]
