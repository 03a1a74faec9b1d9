"""Brand pages: the applications queue (filters, single decisions with htmx, bulk decisions),
participants, notifications — scoped to the organization, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from recruitment.models import Application, CampaignInvitation, Participation
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import SocialAccountFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def _queue_url(campaign, **query):
    url = reverse(
        "recruitment:applications_for_campaign",
        kwargs={"org_slug": campaign.organization.slug, "campaign_id": campaign.public_id},
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _decide_url(application):
    return reverse(
        "recruitment:application_decide",
        kwargs={"org_slug": application.organization.slug, "application_id": application.public_id},
    )


def test_the_queue_shows_each_creators_stats_and_how_full_the_campaign_is(
    tenant_a, client_for, campaign, make_creator
):
    creator, account = make_creator(
        display_name="Ava Bloom", follower_count=23_400, engagement_rate_bp=512
    )
    ApplicationFactory(
        campaign=campaign, creator=creator, social_account=account, pitch="Morning routines!"
    )
    ParticipationFactory(campaign=campaign)
    campaign.committed_cents = 15_000
    campaign.save(update_fields=["committed_cents"])

    response = client_for(tenant_a.owner).get(_queue_url(campaign))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ava Bloom" in html
    assert "23.4k" in html
    assert "5.12%" in html
    assert "TikTok" in html
    assert "Morning routines!" in html
    assert '1 <small class="muted">of 3</small>' in html
    assert "USD 150.00" in html  # committed
    assert "Accept selected" in html


def test_the_queue_filters_by_status(tenant_a, client_for, campaign):
    pending = ApplicationFactory(campaign=campaign)
    declined = ApplicationFactory(campaign=campaign, status="declined")
    client = client_for(tenant_a.owner)
    html = client.get(_queue_url(campaign)).content.decode()
    assert pending.public_id in html
    assert declined.public_id not in html
    html = client.get(_queue_url(campaign, status="declined")).content.decode()
    assert declined.public_id in html
    assert pending.public_id not in html
    html = client.get(_queue_url(campaign, status="bogus", sort="bogus", page="x")).content.decode()
    assert pending.public_id in html  # unknown values fall back to the defaults


def test_the_queue_runs_a_fixed_number_of_queries(tenant_a, client_for, campaign):
    client = client_for(tenant_a.owner)

    def load() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_queue_url(campaign)).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        SocialAccountFactory(
            creator=ApplicationFactory(campaign=campaign).creator, platform="youtube"
        )
    few = load()
    for _ in range(15):
        SocialAccountFactory(
            creator=ApplicationFactory(campaign=campaign).creator, platform="youtube"
        )
    assert load() == few


def test_the_all_campaigns_queue_runs_a_fixed_number_of_queries(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    url = reverse("recruitment:applications", kwargs={"org_slug": tenant_a.org.slug})

    def load() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for _ in range(n):
            ApplicationFactory(
                campaign=CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
            )

    add(2)
    few = load()
    add(12)
    assert load() == few


def test_an_htmx_decision_swaps_the_row_and_the_fill(tenant_a, client_for, campaign):
    application = ApplicationFactory(campaign=campaign)
    response = client_for(tenant_a.owner).post(
        _decide_url(application), {"decision": "accept", "view": "campaign"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="app-{application.public_id}"' in html
    assert "Accepted" in html
    assert 'id="recruit-fill"' in html
    assert 'hx-swap-oob="true"' in html
    assert '1 <small class="muted">of 3</small>' in html
    assert Participation.objects.filter(application=application).exists()


def test_an_htmx_decision_that_fails_shows_the_reason_in_the_row(tenant_a, client_for, campaign):
    for _ in range(campaign.max_creators):
        ParticipationFactory(campaign=campaign)
    application = ApplicationFactory(campaign=campaign)
    response = client_for(tenant_a.owner).post(
        _decide_url(application), {"decision": "accept"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "maximum of 3 creators" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_a_plain_decision_redirects_back_with_a_message(tenant_a, client_for, campaign):
    application = ApplicationFactory(campaign=campaign, creator__display_name="Leo Stone")
    next_url = _queue_url(campaign, status="pending")
    response = client_for(tenant_a.owner).post(
        _decide_url(application), {"decision": "decline", "next": next_url}, follow=True
    )
    assert response.redirect_chain[-1][0] == next_url
    assert "Leo Stone declined." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED


def test_an_offsite_next_is_ignored(tenant_a, client_for, campaign):
    application = ApplicationFactory(campaign=campaign)
    response = client_for(tenant_a.owner).post(
        _decide_url(application), {"decision": "decline", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == _queue_url(campaign)


def test_bulk_decisions_report_what_worked_and_what_did_not(tenant_a, client_for, campaign):
    apps = [
        ApplicationFactory(campaign=campaign, creator__display_name=f"Creator {i}")
        for i in range(5)
    ]
    url = reverse("recruitment:applications_bulk_decide", kwargs={"org_slug": tenant_a.org.slug})
    response = client_for(tenant_a.owner).post(
        url,
        {"decision": "accept", "ids": [a.public_id for a in apps], "next": _queue_url(campaign)},
        follow=True,
    )
    html = response.content.decode()
    assert "3 applications accepted." in html
    assert "2 applications could not be accepted" in html
    assert "Creator 3: " in html
    assert "Creator 4: " in html
    assert Participation.objects.filter(campaign=campaign).count() == 3


def test_a_bulk_decision_without_a_selection_says_what_to_do(tenant_a, client_for, campaign):
    ApplicationFactory(campaign=campaign)
    url = reverse("recruitment:applications_bulk_decide", kwargs={"org_slug": tenant_a.org.slug})
    response = client_for(tenant_a.owner).post(url, {"decision": "accept"}, follow=True)
    assert "Tick at least one application first." in response.content.decode()


def test_a_viewer_sees_the_queue_but_cannot_decide(tenant_a, client_for, campaign):
    viewer = tenant_a.add_member("viewer")
    application = ApplicationFactory(campaign=campaign)
    client = client_for(viewer)
    html = client.get(_queue_url(campaign)).content.decode()
    assert application.public_id in html
    assert "Accept selected" not in html
    assert client.post(_decide_url(application), {"decision": "accept"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_another_organization_gets_404_on_our_queue_and_decisions(tenant_b, client_for, campaign):
    application = ApplicationFactory(campaign=campaign)
    client = client_for(tenant_b.owner)
    # tenant_b's owner is also a manager in A: use a stranger to B's campaign through B's slug
    other = reverse(
        "recruitment:applications_for_campaign",
        kwargs={"org_slug": tenant_b.org.slug, "campaign_id": campaign.public_id},
    )
    assert client.get(other).status_code == 404
    decide = reverse(
        "recruitment:application_decide",
        kwargs={"org_slug": tenant_b.org.slug, "application_id": application.public_id},
    )
    assert client.post(decide, {"decision": "accept"}).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_the_participants_page_shows_codes_and_pending_invitations(tenant_a, client_for, campaign):
    participation = ParticipationFactory(campaign=campaign, promo_code="GLOW-AVA7K2")
    invitation = CampaignInvitationFactory(campaign=campaign, creator__display_name="Mia Novak")
    url = reverse(
        "recruitment:participations_for_campaign",
        kwargs={"org_slug": tenant_a.org.slug, "campaign_id": campaign.public_id},
    )
    html = client_for(tenant_a.owner).get(url).content.decode()
    assert "GLOW-AVA7K2" in html
    assert f"http://testserver/r/{participation.tracking_code}" in html, "from the request"
    assert "Mia Novak" in html
    assert invitation.public_id in html


def test_cancelling_and_withdrawing_from_the_participants_page(tenant_a, client_for, campaign):
    from recruitment import services

    application = ApplicationFactory(campaign=campaign)
    services.application_decide(
        access=tenant_a.access(), application=application, decision="accept"
    )
    participation = Participation.objects.get()
    invitation = CampaignInvitationFactory(campaign=campaign)
    client = client_for(tenant_a.owner)
    slug = tenant_a.org.slug
    client.post(
        reverse(
            "recruitment:participation_cancel",
            kwargs={"org_slug": slug, "participation_id": participation.public_id},
        )
    )
    client.post(
        reverse(
            "recruitment:campaign_invitation_withdraw",
            kwargs={"org_slug": slug, "campaign_invitation_id": invitation.public_id},
        )
    )
    participation.refresh_from_db()
    invitation.refresh_from_db()
    assert participation.status == Participation.Status.CANCELLED
    assert invitation.status == CampaignInvitation.Status.WITHDRAWN
    campaign.refresh_from_db()
    assert campaign.committed_cents == 0


def test_brand_notifications_list_and_mark_read(tenant_a, tenant_b, client_for):
    mine = NotificationFactory(
        recipient=tenant_a.owner, organization=tenant_a.org, title="New applicant"
    )
    NotificationFactory(recipient=tenant_a.owner, organization=tenant_b.org, title="Other org")
    url = reverse("notifications:org_list", kwargs={"org_slug": tenant_a.org.slug})
    client = client_for(tenant_a.owner)
    html = client.get(url).content.decode()
    assert "New applicant" in html
    assert "Other org" not in html
    client.post(url)
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_campaign_filter_acts_only_on_an_explicit_button(tenant_a, client_for):
    """Changing a select must not submit the page (WCAG 3.2.2 On Input): the filter waits for
    the button next to it."""
    import re

    ApplicationFactory(campaign=CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand))
    url = reverse("recruitment:applications", kwargs={"org_slug": tenant_a.org.slug})
    html = client_for(tenant_a.owner).get(url).content.decode()
    form = re.search(r'<form method="get" class="rc-sort">.*?</form>', html, re.S).group(0)
    assert 'id="campaign-filter"' in form
    assert "onchange" not in form
    assert "requestSubmit" not in form
    assert re.search(r'<button type="submit"[^>]*>\s*Apply\s*</button>', form)
