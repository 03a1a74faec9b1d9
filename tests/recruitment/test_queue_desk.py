"""The applications queue for a brand desk (issue 7): targeting flags, the all-campaigns queue
filtered by campaign, bulk decline with a reason the creator reads, tab counts after htmx."""

import re

import pytest
from django.urls import reverse

from notifications.models import Notification
from recruitment.models import Application
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_applicants_outside_the_targeting_are_flagged(tenant_a, client_for, campaign, make_creator):
    campaign.countries = ["US"]
    campaign.min_engagement_bp = 300
    campaign.save(update_fields=["countries", "min_engagement_bp"])
    fits, fits_acct = make_creator(display_name="Fits", country="US", engagement_rate_bp=450)
    off, off_acct = make_creator(
        display_name="Off", country="DE", follower_count=850, engagement_rate_bp=120
    )
    ApplicationFactory(campaign=campaign, creator=fits, social_account=fits_acct)
    ApplicationFactory(campaign=campaign, creator=off, social_account=off_acct)
    url = reverse(
        "recruitment:applications_for_campaign", args=[tenant_a.org.slug, campaign.public_id]
    )
    html = client_for(tenant_a.owner).get(url).content.decode()
    assert html.count('data-testid="targeting-flags"') == 1
    assert "Country DE; the campaign targets US." in html
    assert "850 followers; the campaign targets 1,000–100,000." in html  # noqa: RUF001
    assert "Engagement 1.20%; the campaign asks for at least 3.00%." in html


def test_the_all_campaigns_queue_filters_by_campaign(tenant_a, tenant_b, client_for, campaign):
    other = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, name="Other Drop")
    mine = ApplicationFactory(campaign=campaign)
    theirs = ApplicationFactory(campaign=other)
    url = reverse("recruitment:applications", args=[tenant_a.org.slug])
    client = client_for(tenant_a.owner)
    html = client.get(url, {"campaign": campaign.public_id, "status": "all"}).content.decode()
    assert mine.public_id in html
    assert theirs.public_id not in html
    assert f'<option value="{campaign.public_id}" selected>' in html
    foreign = CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand)
    assert client.get(url, {"campaign": foreign.public_id}).status_code == 404


def test_bulk_decline_sends_the_reason_to_each_creator(
    tenant_a, client_for, campaign, make_creator
):
    apps = []
    for name in ("Ann", "Bo"):
        creator, account = make_creator(display_name=name)
        apps.append(ApplicationFactory(campaign=campaign, creator=creator, social_account=account))
    url = reverse("recruitment:applications_bulk_decide", args=[tenant_a.org.slug])
    client_for(tenant_a.owner).post(
        url,
        {"ids": [a.public_id for a in apps], "decision": "decline",
         "reason": "We need creators in the UK this time."},
    )  # fmt: skip
    for a in apps:
        a.refresh_from_db()
        assert a.status == Application.Status.DECLINED
        notice = Notification.objects.get(recipient=a.creator.user)
        assert "We need creators in the UK this time." in notice.body


def test_the_queue_asks_before_a_bulk_decline(tenant_a, client_for, campaign):
    ApplicationFactory(campaign=campaign)
    url = reverse(
        "recruitment:applications_for_campaign", args=[tenant_a.org.slug, campaign.public_id]
    )
    html = client_for(tenant_a.owner).get(url).content.decode()
    assert '<dialog id="decline-dialog"' in html
    assert 'name="reason"' in html
    # The bar's decline button opens the dialog; it does not submit on its own.
    assert re.search(r'<button type="button"[^>]*data-open-dialog="decline-dialog"', html)


def test_a_too_long_reason_is_refused_without_deciding(tenant_a, client_for, campaign):
    app = ApplicationFactory(campaign=campaign)
    url = reverse("recruitment:applications_bulk_decide", args=[tenant_a.org.slug])
    client_for(tenant_a.owner).post(
        url, {"ids": [app.public_id], "decision": "decline", "reason": "x" * 501}
    )
    app.refresh_from_db()
    assert app.status == Application.Status.PENDING


def test_tab_counts_come_back_out_of_band_after_an_htmx_decision(
    tenant_a, client_for, campaign, make_creator
):
    creator, account = make_creator(display_name="Cy")
    app = ApplicationFactory(campaign=campaign, creator=creator, social_account=account)
    ApplicationFactory(campaign=campaign)
    url = reverse("recruitment:application_decide", args=[tenant_a.org.slug, app.public_id])
    response = client_for(tenant_a.owner).post(
        url,
        {"decision": "decline", "view": "campaign", "status_tab": "pending", "sort": "newest"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="rc-status-tabs" hx-swap-oob="true"' in html
    assert re.search(r'data-tab="pending">1<', html)
    assert re.search(r'data-tab="declined">1<', html)
