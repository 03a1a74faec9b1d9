"""Creators apply, withdraw and re-apply; every bad input gets a specific error and no row."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from core.errors import ChorusError, NotFound
from notifications.models import Notification
from recruitment import services
from recruitment.models import PITCH_MAX_CHARS, Application
from recruitment.notifications import Kind
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import CampaignInvitationFactory

pytestmark = pytest.mark.django_db

PITCH = "I film my skincare routine every morning."


def _submit(creator, campaign, account, pitch=PITCH):
    return services.application_submit(
        creator=creator, campaign=campaign, social_account=account, pitch=pitch
    )


def test_creator_applies_and_the_brands_recruiters_are_notified_in_app(
    tenant_a, campaign, creator, creator_account
):
    reviewer = tenant_a.add_member("reviewer")
    application = _submit(creator, campaign, creator_account, pitch=f"  {PITCH}  ")

    assert application.status == Application.Status.PENDING
    assert application.organization_id == tenant_a.org.pk
    assert application.pitch == PITCH
    assert application.public_id.startswith("app_")
    notified = set(
        Notification.objects.filter(kind=Kind.APPLICATION_RECEIVED).values_list(
            "recipient__email", flat=True
        )
    )
    # owner and manager may decide; a reviewer may not, so is not pinged
    assert notified == {"owner-a@example.com", "bea@example.com"}
    assert reviewer.email not in notified


def test_a_second_application_to_the_same_campaign_is_refused(campaign, creator, creator_account):
    _submit(creator, campaign, creator_account)
    with pytest.raises(ChorusError) as exc:
        _submit(creator, campaign, creator_account, pitch="Again!")
    assert exc.value.code == "duplicate_application"
    assert "already applied" in exc.value.message
    assert Application.objects.filter(campaign=campaign).count() == 1


def test_applying_after_the_deadline_is_refused(tenant_a, creator, creator_account):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, application_deadline=yesterday
    )
    with pytest.raises(ChorusError) as exc:
        _submit(creator, late, creator_account)
    assert exc.value.code == "deadline_passed"
    assert "closed on" in exc.value.message
    assert not Application.objects.exists()


def test_the_deadline_day_itself_still_accepts_applications(tenant_a, creator, creator_account):
    today = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        application_deadline=timezone.localdate(),
    )
    assert _submit(creator, today, creator_account).status == Application.Status.PENDING


def test_applying_without_qualifying_lists_every_reason(tenant_a, make_creator):
    campaign = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, countries=["GB"], min_engagement_bp=600
    )
    creator, account = make_creator(country="US", follower_count=500, engagement_rate_bp=300)
    with pytest.raises(ChorusError) as exc:
        _submit(creator, campaign, account)
    assert exc.value.code == "not_eligible"
    reasons = exc.value.fields["eligibility"]
    assert any("500 followers" in r for r in reasons)
    assert any("engagement rate is 3.00%" in r for r in reasons)
    assert any("creators in GB" in r for r in reasons)
    assert "500 followers" in exc.value.message
    assert not Application.objects.exists()


def test_applying_with_an_unverified_account_is_refused(campaign, make_creator):
    creator, account = make_creator(verified=False)
    with pytest.raises(ChorusError) as exc:
        _submit(creator, campaign, account)
    assert exc.value.code == "not_eligible"
    assert "Verify your TikTok" in exc.value.message


def test_applying_with_someone_elses_account_is_not_found(campaign, creator, make_creator):
    _, other_account = make_creator()
    with pytest.raises(NotFound):
        _submit(creator, campaign, other_account)
    assert not Application.objects.exists()


def test_draft_and_uninvited_invite_only_campaigns_are_not_found(
    tenant_a, creator, creator_account
):
    draft = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, status=Campaign.Status.DRAFT
    )
    private = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        visibility=Campaign.Visibility.INVITE_ONLY,
    )
    for target in (draft, private):
        with pytest.raises(NotFound):
            _submit(creator, target, creator_account)
    assert not Application.objects.exists()


@pytest.mark.parametrize("status", [Campaign.Status.ACTIVE, Campaign.Status.COMPLETED])
def test_applying_to_a_campaign_past_recruiting_is_refused(
    tenant_a, creator, creator_account, status
):
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, status=status)
    with pytest.raises(ChorusError) as exc:
        _submit(creator, campaign, creator_account)
    assert exc.value.code == "campaign_not_recruiting"


@pytest.mark.parametrize(
    ("pitch", "expected"),
    [("   ", "Write a short pitch"), ("x" * (PITCH_MAX_CHARS + 1), "1,000 characters")],
)
def test_an_empty_or_too_long_pitch_names_the_field(
    campaign, creator, creator_account, pitch, expected
):
    with pytest.raises(ChorusError) as exc:
        _submit(creator, campaign, creator_account, pitch=pitch)
    assert exc.value.code == "invalid"
    assert "pitch" in exc.value.fields
    assert expected in exc.value.message
    assert not Application.objects.exists()


def test_an_invited_creator_is_told_to_accept_the_invitation(campaign, creator, creator_account):
    CampaignInvitationFactory(campaign=campaign, creator=creator)
    with pytest.raises(ChorusError) as exc:
        _submit(creator, campaign, creator_account)
    assert exc.value.code == "already_invited"


def test_a_withdrawn_application_can_be_sent_again(campaign, creator, creator_account):
    application = _submit(creator, campaign, creator_account)
    services.application_withdraw(creator=creator, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN

    again = _submit(creator, campaign, creator_account, pitch="Second try, better pitch.")
    assert again.pk == application.pk
    assert again.status == Application.Status.PENDING
    assert again.pitch == "Second try, better pitch."


def test_another_creator_cannot_withdraw_my_application(
    campaign, creator, creator_account, make_creator
):
    application = _submit(creator, campaign, creator_account)
    intruder, _ = make_creator()
    with pytest.raises(NotFound):
        services.application_withdraw(creator=intruder, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_an_accepted_application_cannot_be_withdrawn(access, campaign, creator, creator_account):
    application = _submit(creator, campaign, creator_account)
    services.application_decide(access=access, application=application, decision="accept")
    with pytest.raises(ChorusError) as exc:
        services.application_withdraw(creator=creator, application=application)
    assert exc.value.code == "cannot_withdraw"
