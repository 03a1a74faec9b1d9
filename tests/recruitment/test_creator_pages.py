"""Creator portal: marketplace, campaign page and apply form, my work, notifications. A creator
never sees another creator's rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign
from notifications.models import Notification
from recruitment import services
from recruitment.models import Application, CampaignInvitation, Participation
from tests.factories.campaigns import CampaignFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db

MARKET = "/creator/campaigns/"
WORK = "/creator/work/"


def _campaign_url(campaign):
    return reverse("recruitment:campaign", kwargs={"campaign_id": campaign.public_id})


def test_urls_are_where_the_tab_bar_expects_them():
    assert reverse("recruitment:marketplace") == MARKET
    assert reverse("recruitment:my_work") == WORK
    assert reverse("recruitment:notifications") == "/creator/notifications/"


def test_the_marketplace_shows_what_fits_and_why_the_rest_does_not(
    tenant_a, creator_client, campaign
):
    CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, name="Tube Time",
        deliverables=[("youtube", "short", 1, 9_000)],
    )  # fmt: skip
    response = creator_client.get(MARKET)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Glow Launch" in html
    assert "USD 150.00" in html
    assert "✓ You qualify" in html
    assert "Tube Time" in html
    assert "Add your YouTube account" in html
    assert "css/recruitment.css" in html


def test_the_marketplace_runs_a_fixed_number_of_queries(tenant_a, creator_client):
    def load() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert creator_client.get(MARKET).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    few = load()
    for _ in range(10):
        CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    assert load() == few


def test_the_campaign_page_shows_the_brief_pay_and_the_apply_form(creator_client, campaign):
    html = creator_client.get(_campaign_url(campaign)).content.decode()
    assert "Glow Launch" in html
    assert "<strong>use</strong>" in html  # the brief's markdown, rendered
    assert "Paid within <strong>14 days</strong> of approval" in html
    assert "1 \u00d7 video" in html  # a multiplication sign
    assert 'name="pitch"' in html
    assert "Send application" in html


def test_applying_from_the_campaign_page(creator_client, creator, campaign):
    account = creator.social_accounts.get()
    response = creator_client.post(
        _campaign_url(campaign), {"social_account": account.public_id, "pitch": "Hire me!"}
    )
    assert response.status_code == 302
    assert response["Location"] == WORK
    application = Application.objects.get(creator=creator)
    assert application.pitch == "Hire me!"
    assert application.social_account == account


def test_apply_form_errors_say_what_to_fix(creator_client, creator, campaign, make_creator):
    account = creator.social_accounts.get()
    _, foreign = make_creator()
    response = creator_client.post(
        _campaign_url(campaign), {"social_account": foreign.public_id, "pitch": "x" * 1001}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose one of your own accounts." in html
    assert "Keep your pitch to 1,000 characters (it has 1001)." in html
    ApplicationFactory(campaign=campaign, creator=creator, social_account=account)
    response = creator_client.post(
        _campaign_url(campaign), {"social_account": account.public_id, "pitch": "Again"}
    )
    assert response.status_code == 302  # already applied: back to the page with a message
    assert Application.objects.filter(creator=creator).count() == 1


def test_a_creator_who_does_not_qualify_sees_the_reasons_instead_of_the_form(
    tenant_a, client_for, make_creator
):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, countries=["GB"])
    creator, _ = make_creator(country="US")
    html = client_for(creator.user).get(_campaign_url(campaign)).content.decode()
    assert "You don't qualify yet" in html
    assert "creators in GB" in html
    assert "Send application" not in html


def test_invite_only_campaigns_are_404_unless_invited(tenant_a, client_for, creator, make_creator):
    private = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, visibility=Campaign.Visibility.INVITE_ONLY
    )
    CampaignInvitationFactory(campaign=private, creator=creator)
    outsider, _ = make_creator()
    assert client_for(outsider.user).get(_campaign_url(private)).status_code == 404
    assert (
        client_for(outsider.user).post(_campaign_url(private), {"pitch": "hi"}).status_code == 404
    )
    html = client_for(creator.user).get(_campaign_url(private)).content.decode()
    assert "invited you" in html
    assert "Accept" in html


def test_drafts_are_404_for_creators(tenant_a, creator_client):
    draft = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, status=Campaign.Status.DRAFT
    )
    assert creator_client.get(_campaign_url(draft)).status_code == 404


def test_my_work_shows_the_tracking_link_and_promo_code(creator_client, creator, campaign):
    participation = ParticipationFactory(
        campaign=campaign, creator=creator, promo_code="GLOW-AVA7K2"
    )
    CampaignInvitationFactory(creator=creator, campaign__name="Cold Brew")
    html = creator_client.get(WORK).content.decode()
    assert "GLOW-AVA7K2" in html
    assert f"http://testserver/r/{participation.tracking_code}" in html, "built from the request"
    assert f"/r/{participation.tracking_code}" in html
    assert 'data-copy="GLOW-AVA7K2"' in html
    assert "Cold Brew" in html
    assert 'value="accept"' in html


def test_accepting_an_invitation_from_my_work(creator_client, creator, campaign):
    invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
    url = reverse(
        "recruitment:invitation_respond", kwargs={"campaign_invitation_id": invitation.public_id}
    )
    response = creator_client.post(url, {"answer": "accept"}, follow=True)
    assert "You&#x27;re in: Glow Launch" in response.content.decode()
    participation = Participation.objects.get(creator=creator)
    assert participation.promo_code in response.content.decode()


def test_an_invitation_answer_must_be_accept_or_decline(creator_client, creator, campaign):
    invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
    url = reverse(
        "recruitment:invitation_respond", kwargs={"campaign_invitation_id": invitation.public_id}
    )
    response = creator_client.post(url, {"answer": "maybe"}, follow=True)
    assert "Choose accept or decline." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.PENDING


def test_a_creator_cannot_touch_another_creators_rows(client_for, campaign, creator, make_creator):
    other, other_account = make_creator()
    application = ApplicationFactory(campaign=campaign, creator=other, social_account=other_account)
    invitation = CampaignInvitationFactory(campaign=campaign, creator=other)
    ParticipationFactory(campaign=campaign, creator=other, promo_code="OTHER-XYZ222")
    client = client_for(creator.user)
    withdraw = reverse(
        "recruitment:application_withdraw", kwargs={"application_id": application.public_id}
    )
    respond = reverse(
        "recruitment:invitation_respond", kwargs={"campaign_invitation_id": invitation.public_id}
    )
    assert client.post(withdraw).status_code == 404
    assert client.post(respond, {"answer": "accept"}).status_code == 404
    assert "OTHER-XYZ222" not in client.get(WORK).content.decode()
    application.refresh_from_db()
    invitation.refresh_from_db()
    assert application.status == Application.Status.PENDING
    assert invitation.status == CampaignInvitation.Status.PENDING


def test_withdrawing_from_my_work(creator_client, creator, campaign):
    application = services.application_submit(
        creator=creator, campaign=campaign, social_account=creator.social_accounts.get(), pitch="Hi"
    )
    url = reverse(
        "recruitment:application_withdraw", kwargs={"application_id": application.public_id}
    )
    response = creator_client.post(url, follow=True)
    assert "You withdrew your application to Glow Launch." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_brand_members_are_sent_to_their_dashboard_or_get_404(tenant_a, client_for, campaign):
    client = client_for(tenant_a.owner)  # no creator profile
    assert client.get(MARKET)["Location"] == reverse("web:dashboard")
    assert client.get(_campaign_url(campaign)).status_code == 404
    application = ApplicationFactory(campaign=campaign)
    url = reverse(
        "recruitment:application_withdraw", kwargs={"application_id": application.public_id}
    )
    assert client.post(url).status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(client, campaign):
    response = client.get(MARKET)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_notifications_list_open_and_mark_read(creator_client, creator, client_for, make_creator):
    note = NotificationFactory(recipient=creator.user, title="You're invited", url=WORK)
    NotificationFactory(recipient=creator.user, title="Second")
    other_note = NotificationFactory(recipient=make_creator()[0].user, title="Not yours")
    html = creator_client.get("/creator/notifications/").content.decode()
    assert "You&#x27;re invited" in html
    assert "Not yours" not in html
    assert "2 unread" in html

    open_url = reverse("notifications:open", kwargs={"notification_id": note.public_id})
    response = creator_client.get(open_url)
    assert response.status_code == 302
    assert response["Location"] == WORK
    note.refresh_from_db()
    assert note.read_at is not None

    other_url = reverse("notifications:open", kwargs={"notification_id": other_note.public_id})
    assert creator_client.get(other_url).status_code == 404
    creator_client.post("/creator/notifications/")
    assert not Notification.objects.filter(recipient=creator.user, read_at__isnull=True).exists()
    other_note.refresh_from_db()
    assert other_note.read_at is None


def test_a_notification_with_an_offsite_url_goes_to_the_dashboard(creator_client, creator):
    note = NotificationFactory(recipient=creator.user, url="https://evil.example/")
    url = reverse("notifications:open", kwargs={"notification_id": note.public_id})
    assert creator_client.get(url)["Location"] == reverse("web:dashboard")
