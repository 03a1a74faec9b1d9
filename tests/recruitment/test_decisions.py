"""The brand decides: accept (a participation with agreed fees and unique codes, reserved from
the budget), decline, wait-list; one at a time or in bulk with per-id outcomes."""

import re

import pytest

from campaigns.models import Campaign
from core.errors import ChorusError, Forbidden, NotFound
from notifications.models import Notification
from organizations.roles import Role
from recruitment import services
from recruitment.models import Application, CampaignInvitation, Participation
from recruitment.notifications import Kind
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ApplicationFactory, CampaignInvitationFactory

pytestmark = pytest.mark.django_db

FEE = 15_000


def _apply(campaign, make_creator, n=1, **creator_kwargs):
    apps = []
    for _ in range(n):
        creator, account = make_creator(**creator_kwargs)
        apps.append(
            services.application_submit(
                creator=creator, campaign=campaign, social_account=account, pitch="Pick me!"
            )
        )
    return apps


def test_accepting_creates_a_participation_with_the_agreed_fees_and_codes(
    access, tenant_a, make_creator
):
    campaign = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        deliverables=[("tiktok", "video", 2, 15_000), ("instagram", "reel", 1, 20_000)],
    )
    (application,) = _apply(campaign, make_creator, display_name="ava.bloom")

    decided = services.application_decide(access=access, application=application, decision="accept")

    assert decided.status == Application.Status.ACCEPTED
    assert decided.decided_by == access.user
    assert decided.decided_at is not None
    participation = Participation.objects.get(application=application)
    assert participation.organization_id == tenant_a.org.pk
    assert participation.creator_id == application.creator_id
    assert participation.social_account_id == application.social_account_id
    assert participation.agreed_fees == [
        {"platform": "tiktok", "format": "video", "quantity": 2, "fee_cents": 15_000},
        {"platform": "instagram", "format": "reel", "quantity": 1, "fee_cents": 20_000},
    ]
    assert participation.agreed_total_cents == 50_000
    assert participation.currency == "USD"
    assert participation.status == Participation.Status.ACTIVE
    assert re.fullmatch(r"[23456789a-z]{10}", participation.tracking_code)
    brand_word = tenant_a.brand.name.split()[0].upper()
    assert re.fullmatch(rf"{brand_word}-AVA[2-9A-Z]{{3}}", participation.promo_code)
    assert participation.tracking_url.endswith(f"/r/{participation.tracking_code}")
    campaign.refresh_from_db()
    assert campaign.committed_cents == 50_000


def test_codes_are_unique_across_participations(access, campaign, make_creator):
    campaign.max_creators = 30
    campaign.save(update_fields=["max_creators"])
    for application in _apply(campaign, make_creator, n=25, display_name="same"):
        services.application_decide(access=access, application=application, decision="accept")
    codes = list(Participation.objects.values_list("tracking_code", "promo_code"))
    assert len(codes) == 25
    assert len({t for t, _ in codes}) == 25
    assert len({p for _, p in codes}) == 25


def test_accepting_beyond_the_maximum_number_of_creators_is_refused(access, campaign, make_creator):
    campaign.max_creators = 2
    campaign.save(update_fields=["max_creators"])
    first, second, third = _apply(campaign, make_creator, n=3)
    services.application_decide(access=access, application=first, decision="accept")
    services.application_decide(access=access, application=second, decision="accept")

    with pytest.raises(ChorusError) as exc:
        services.application_decide(access=access, application=third, decision="accept")

    assert exc.value.code == "campaign_full"
    assert "maximum of 2 creators" in exc.value.message
    third.refresh_from_db()
    assert third.status == Application.Status.PENDING
    campaign.refresh_from_db()
    assert campaign.committed_cents == 2 * FEE
    assert Participation.objects.filter(campaign=campaign).count() == 2


def test_a_cancelled_participation_frees_its_slot_and_its_fees(access, campaign, make_creator):
    campaign.max_creators = 1
    campaign.save(update_fields=["max_creators"])
    first, second = _apply(campaign, make_creator, n=2)
    services.application_decide(access=access, application=first, decision="accept")
    participation = Participation.objects.get(application=first)

    services.participation_cancel(access=access, participation=participation)

    participation.refresh_from_db()
    assert participation.status == Participation.Status.CANCELLED
    campaign.refresh_from_db()
    assert campaign.committed_cents == 0
    services.application_decide(access=access, application=second, decision="accept")
    campaign.refresh_from_db()
    assert campaign.committed_cents == FEE
    with pytest.raises(ChorusError) as exc:
        services.participation_cancel(access=access, participation=participation)
    assert exc.value.code == "participation_not_active"


def test_accepting_when_the_budget_is_spent_is_refused_and_nothing_changes(
    access, tenant_a, make_creator
):
    campaign = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, budget_cents=20_000, max_creators=5
    )
    first, second = _apply(campaign, make_creator, n=2)
    services.application_decide(access=access, application=first, decision="accept")

    with pytest.raises(ChorusError) as exc:
        services.application_decide(access=access, application=second, decision="accept")

    assert exc.value.code == "budget_exceeded"
    assert "Not enough budget" in exc.value.message
    second.refresh_from_db()
    assert second.status == Application.Status.PENDING
    assert not Participation.objects.filter(application=second).exists()
    assert not Notification.objects.filter(
        recipient=second.creator.user, kind=Kind.APPLICATION_DECIDED
    ).exists()
    campaign.refresh_from_db()
    assert campaign.committed_cents == FEE


def test_accepting_on_a_completed_campaign_is_refused(access, campaign, make_creator):
    (application,) = _apply(campaign, make_creator)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.COMPLETED)
    with pytest.raises(ChorusError) as exc:
        services.application_decide(access=access, application=application, decision="accept")
    assert exc.value.code == "campaign_not_recruiting"


def test_active_campaigns_still_accept_late_decisions(access, campaign, make_creator):
    (application,) = _apply(campaign, make_creator)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.ACTIVE)
    services.application_decide(access=access, application=application, decision="accept")
    assert Participation.objects.filter(application=application).exists()


@pytest.mark.parametrize(
    ("decision", "status", "subject"),
    [
        ("accept", Application.Status.ACCEPTED, "You're in: Glow Launch"),
        (
            "decline",
            Application.Status.DECLINED,
            "Your application to Glow Launch was not accepted",
        ),
        ("waitlist", Application.Status.WAITLISTED, "You're on the wait-list for Glow Launch"),
    ],
)
def test_each_decision_notifies_the_creator_in_app_and_by_email(
    access, campaign, make_creator, django_capture_on_commit_callbacks, mailoutbox,
    decision, status, subject,
):  # fmt: skip
    (application,) = _apply(campaign, make_creator)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(access=access, application=application, decision=decision)
    application.refresh_from_db()
    assert application.status == status
    note = Notification.objects.get(
        recipient=application.creator.user, kind=Kind.APPLICATION_DECIDED
    )
    assert note.title == subject
    assert note.organization == campaign.organization
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == subject
    assert mailoutbox[0].to == [application.creator.user.email]
    if decision == "accept":
        participation = Participation.objects.get(application=application)
        assert participation.promo_code in mailoutbox[0].body
        assert participation.tracking_url in mailoutbox[0].body


def test_no_email_leaves_when_the_decision_fails(
    access, campaign, make_creator, django_capture_on_commit_callbacks, mailoutbox
):
    campaign.max_creators = 1
    campaign.save(update_fields=["max_creators"])
    first, second = _apply(campaign, make_creator, n=2)
    services.application_decide(access=access, application=first, decision="accept")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ChorusError),
    ):
        services.application_decide(access=access, application=second, decision="accept")
    assert callbacks == []
    assert mailoutbox == []


def test_an_accepted_application_cannot_be_declined_or_accepted_again(
    access, campaign, make_creator
):
    (application,) = _apply(campaign, make_creator)
    services.application_decide(access=access, application=application, decision="accept")
    for decision in ("decline", "accept", "waitlist"):
        with pytest.raises(ChorusError) as exc:
            services.application_decide(access=access, application=application, decision=decision)
        assert exc.value.code == "already_accepted"
    assert Participation.objects.count() == 1


def test_deciding_the_same_way_twice_says_so(access, campaign, make_creator):
    (application,) = _apply(campaign, make_creator)
    services.application_decide(access=access, application=application, decision="waitlist")
    with pytest.raises(ChorusError) as exc:
        services.application_decide(access=access, application=application, decision="waitlist")
    assert exc.value.code == "already_decided"
    services.application_decide(access=access, application=application, decision="accept")
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED


def test_a_withdrawn_application_cannot_be_decided(access, campaign, make_creator):
    (application,) = _apply(campaign, make_creator)
    services.application_withdraw(creator=application.creator, application=application)
    with pytest.raises(ChorusError) as exc:
        services.application_decide(access=access, application=application, decision="accept")
    assert exc.value.code == "application_withdrawn"


def test_an_unknown_decision_is_refused(access, campaign, make_creator):
    (application,) = _apply(campaign, make_creator)
    with pytest.raises(ChorusError) as exc:
        services.application_decide(access=access, application=application, decision="maybe")
    assert exc.value.code == "invalid"
    assert "decision" in exc.value.fields


def test_a_reviewer_cannot_decide(tenant_a, campaign, make_creator):
    (application,) = _apply(campaign, make_creator)
    with pytest.raises(Forbidden):
        services.application_decide(
            access=tenant_a.access(Role.REVIEWER), application=application, decision="accept"
        )


def test_another_organization_cannot_decide_our_applications(tenant_b, campaign, make_creator):
    (application,) = _apply(campaign, make_creator)
    with pytest.raises(NotFound):
        services.application_decide(
            access=tenant_b.access(), application=application, decision="accept"
        )
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_accepting_also_accepts_a_pending_invitation_of_the_same_creator(
    access, campaign, make_creator
):
    creator, account = make_creator()
    application = ApplicationFactory(campaign=campaign, creator=creator, social_account=account)
    invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
    services.application_decide(access=access, application=application, decision="accept")
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.ACCEPTED
    assert Participation.objects.get(creator=creator).invitation == invitation


# -- bulk -----------------------------------------------------------------------------------------


def test_bulk_accept_fills_the_campaign_and_reports_each_failure(
    access, tenant_b, campaign, make_creator
):
    campaign.max_creators = 2
    campaign.save(update_fields=["max_creators"])
    apps = _apply(campaign, make_creator, n=4)
    theirs = ApplicationFactory(
        campaign=CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand)
    )
    ids = [a.public_id for a in apps] + [theirs.public_id, "app_nope", apps[0].public_id]

    result = services.applications_decide_bulk(
        access=access, application_ids=ids, decision="accept"
    )

    assert [a.public_id for a in result.succeeded] == [apps[0].public_id, apps[1].public_id]
    assert [(f.id, f.code) for f in result.failed] == [
        (apps[2].public_id, "campaign_full"),
        (apps[3].public_id, "campaign_full"),
        (theirs.public_id, "not_found"),
        ("app_nope", "not_found"),
    ]
    assert all(f.reason for f in result.failed)
    assert Participation.objects.filter(campaign=campaign).count() == 2
    theirs.refresh_from_db()
    assert theirs.status == Application.Status.PENDING
    campaign.refresh_from_db()
    assert campaign.committed_cents == 2 * FEE


def test_bulk_decline_skips_what_cannot_be_declined(access, campaign, make_creator):
    apps = _apply(campaign, make_creator, n=3)
    services.application_decide(access=access, application=apps[0], decision="accept")
    result = services.applications_decide_bulk(
        access=access, application_ids=[a.public_id for a in apps], decision="decline"
    )
    assert len(result.succeeded) == 2
    assert [(f.id, f.code) for f in result.failed] == [(apps[0].public_id, "already_accepted")]
    assert set(Application.objects.values_list("status", flat=True)) == {"accepted", "declined"}


@pytest.mark.parametrize(
    ("ids", "decision", "field"),
    [([], "accept", "ids"), (["  "], "accept", "ids"), (["app_x"], "approve", "decision")],
)
def test_bulk_with_nothing_to_do_or_a_bad_decision_is_refused(access, ids, decision, field):
    with pytest.raises(ChorusError) as exc:
        services.applications_decide_bulk(access=access, application_ids=ids, decision=decision)
    assert exc.value.code == "invalid"
    assert field in exc.value.fields


def test_bulk_refuses_more_than_the_limit(access):
    ids = [f"app_{i}" for i in range(services.MAX_BULK_DECISIONS + 1)]
    with pytest.raises(ChorusError) as exc:
        services.applications_decide_bulk(access=access, application_ids=ids, decision="decline")
    assert "at most" in exc.value.message
