"""Recent activity on the dashboard reads as sentences that name and link the campaign and the
creator (renderers registered per app), not action codes; the page's queries do not grow with
the number of events."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import services as campaign_services
from config.celery import app as celery_app
from organizations.audit import audit_record, audit_sentences, readable_action
from organizations.models import AuditEvent, Membership
from organizations.roles import Role
from recruitment import services as recruitment_services
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.organizations import BrandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager():
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


def _apply(campaign, name: str):
    profile = CreatorProfileFactory(display_name=name)
    account = SocialAccountFactory(creator=profile)
    return recruitment_services.application_submit(
        creator=profile, campaign=campaign, social_account=account, pitch="I fit."
    )


def _texts(tenant, access=None) -> list[str]:
    events = list(AuditEvent.objects.filter(organization=tenant.org).order_by("-id"))
    return [str(line.sentence) for line in audit_sentences(events, access or tenant.access())]


def test_recruitment_events_name_and_link_the_creator_and_the_campaign(tenant_a):
    tenant_a.owner.full_name = "Ann Owner"
    tenant_a.owner.save(update_fields=["full_name"])
    campaign = CampaignFactory(brand=tenant_a.brand, name="Glow Serum Summer Launch")
    application = _apply(campaign, "Maya Lopez")
    recruitment_services.application_decide(
        access=tenant_a.access(Role.OWNER), application=application, decision="decline"
    )
    declined, applied = _texts(tenant_a)[:2]
    campaign_link = (
        f'<a href="/o/acme/campaigns/{campaign.public_id}/">Glow Serum Summer Launch</a>'
    )
    creator_link = f'<a href="/o/acme/campaigns/{campaign.public_id}/applications/">Maya Lopez</a>'
    assert applied == f"{creator_link} applied to {campaign_link}"
    assert (
        declined
        == f"<strong>Ann Owner</strong> declined {creator_link}'s application to {campaign_link}"
    )


def test_campaign_events_read_as_sentences(tenant_a):
    tenant_a.owner.full_name = "Ann Owner"
    tenant_a.owner.save(update_fields=["full_name"])
    campaign = CampaignFactory(brand=tenant_a.brand, name="Boots", status="draft")
    audit_record(
        organization=tenant_a.org, access=tenant_a.access(), action="campaign.publish",
        target=campaign, data={"from": "draft", "to": "recruiting"},
    )  # fmt: skip
    copy = campaign_services.campaign_duplicate(access=tenant_a.access(), campaign=campaign)
    duplicated, published = _texts(tenant_a)[:2]
    assert published == (
        f'<strong>Ann Owner</strong> published <a href="/o/acme/campaigns/{campaign.public_id}/">Boots</a>'
    )
    assert duplicated.startswith("<strong>Ann Owner</strong> duplicated ")
    assert f'/o/acme/campaigns/{copy.public_id}/">{copy.name}</a>' in duplicated


def test_names_are_escaped_and_unknown_actions_fall_back_to_words(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, name="<b>Bold</b>")
    audit_record(
        organization=tenant_a.org,
        access=tenant_a.access(),
        action="campaign.create",
        target=campaign,
    )
    audit_record(organization=tenant_a.org, action="payout_run.executed_early")
    unknown, created = _texts(tenant_a)[:2]
    assert "&lt;b&gt;Bold&lt;/b&gt;" in created
    assert "<b>" not in created
    assert unknown == "<strong>Chorus</strong> recorded: payout run executed early"
    assert readable_action("campaign_invitation.sent") == "campaign invitation sent"


def test_the_dashboard_shows_sentences_in_a_fixed_number_of_queries(tenant_a, client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, name="Glow Serum Summer Launch")
    _apply(campaign, "Maya Lopez")
    client = client_for(tenant_a.owner)
    with CaptureQueriesContext(connection) as few:
        html = client.get("/o/acme/").content.decode()
    assert "applied to" in html
    assert "application.submitted" not in html
    for i in range(6):
        _apply(campaign, f"Creator {i}")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/o/acme/").content.decode()
    assert "Creator 5</a> applied to" in html
    assert len(many.captured_queries) == len(few.captured_queries), "\n".join(
        q["sql"] for q in many.captured_queries
    )


def test_a_member_limited_to_one_brand_sees_only_that_brands_activity(tenant_a, client_for):
    other_brand = BrandFactory(organization=tenant_a.org, name="Acme Hats")
    mine = CampaignFactory(brand=tenant_a.brand, name="Shoe Drop")
    theirs = CampaignFactory(brand=other_brand, name="Secret Hat Launch")
    _apply(mine, "Maya Lopez")
    _apply(theirs, "Noah Kim")
    audit_record(
        organization=tenant_a.org, access=tenant_a.access(), action="campaign.update", target=theirs
    )
    audit_record(organization=tenant_a.org, action="payout_run.executed_early")
    limited = tenant_a.add_member(Role.MANAGER)
    Membership.objects.filter(user=limited).update(brand=tenant_a.brand)
    texts = " ".join(_texts(tenant_a, tenant_a.access(Role.MANAGER, user=limited)))
    assert "Maya Lopez" in texts
    for hidden in ("Secret Hat Launch", "Noah Kim", "payout run"):
        assert hidden not in texts
    everyone = " ".join(_texts(tenant_a))
    assert "Secret Hat Launch" in everyone
    assert "Noah Kim" in everyone
    html = client_for(limited).get("/o/acme/").content.decode()
    assert "Maya Lopez" in html
    assert "Secret Hat Launch" not in html
