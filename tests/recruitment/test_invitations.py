"""Brands invite creators (discovery's batches call ``invitation_send_in_transaction``);
creators accept or decline; deadline reminders go out once."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from core.errors import ChorusError, Forbidden, NotFound
from notifications.models import Notification
from organizations.roles import Role
from recruitment import services
from recruitment.models import Application, CampaignInvitation, Participation
from recruitment.notifications import Kind
from recruitment.tasks import expire_invitations, remind_application_deadlines
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def test_inviting_a_creator_notifies_them_in_app_and_by_email(
    access, campaign, creator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(
            access=access, campaign=campaign, creator=creator, message="  Love your videos!  "
        )

    assert invitation.public_id.startswith("cin_")
    assert invitation.status == CampaignInvitation.Status.PENDING
    assert invitation.message == "Love your videos!"
    assert invitation.invited_by == access.user
    note = Notification.objects.get(recipient=creator.user)
    assert note.kind == Kind.INVITATION_RECEIVED
    assert note.url == "/creator/work/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [creator.user.email]
    assert "invited you to Glow Launch" in mail.subject
    assert "Love your videos!" in mail.body
    assert "USD 150.00" in mail.body
    assert "/creator/work/" in mail.body


def test_inviting_to_a_campaign_that_is_not_recruiting_is_refused(tenant_a, access, creator):
    draft = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, status=Campaign.Status.DRAFT
    )
    with pytest.raises(ChorusError) as exc:
        services.invitation_send(access=access, campaign=draft, creator=creator)
    assert exc.value.code == "campaign_not_recruiting"
    assert not CampaignInvitation.objects.exists()


def test_inviting_the_same_creator_twice_is_refused(access, campaign, creator):
    services.invitation_send(access=access, campaign=campaign, creator=creator)
    with pytest.raises(ChorusError) as exc:
        services.invitation_send(access=access, campaign=campaign, creator=creator)
    assert exc.value.code == "already_invited"
    assert "pending invitation" in exc.value.message
    assert CampaignInvitation.objects.count() == 1


def test_inviting_a_creator_already_taking_part_is_refused(access, campaign, creator):
    ParticipationFactory(campaign=campaign, creator=creator)
    with pytest.raises(ChorusError) as exc:
        services.invitation_send(access=access, campaign=campaign, creator=creator)
    assert exc.value.code == "already_participating"


def test_inviting_a_creator_who_applied_points_to_the_application(access, campaign, creator):
    ApplicationFactory(
        campaign=campaign, creator=creator, social_account=creator.social_accounts.get()
    )
    with pytest.raises(ChorusError) as exc:
        services.invitation_send(access=access, campaign=campaign, creator=creator)
    assert exc.value.code == "already_applied"


def test_inviting_to_a_full_campaign_is_refused(access, campaign, creator):
    for _ in range(campaign.max_creators):
        ParticipationFactory(campaign=campaign)
    with pytest.raises(ChorusError) as exc:
        services.invitation_send(access=access, campaign=campaign, creator=creator)
    assert exc.value.code == "campaign_full"


def test_inviting_a_creator_who_does_not_qualify_gives_the_reasons(tenant_a, access, make_creator):
    campaign = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        deliverables=[("youtube", "short", 1, 9000)],
    )
    creator, _ = make_creator(display_name="Tik Only")
    with pytest.raises(ChorusError) as exc:
        services.invitation_send(access=access, campaign=campaign, creator=creator)
    assert exc.value.code == "not_eligible"
    assert exc.value.message.startswith("Tik Only does not qualify")
    assert "YouTube" in exc.value.message
    assert exc.value.fields["eligibility"]


def test_inviting_to_another_organizations_campaign_is_not_found(tenant_b, campaign, creator):
    with pytest.raises(NotFound):
        services.invitation_send(access=tenant_b.access(), campaign=campaign, creator=creator)


def test_a_viewer_cannot_invite(tenant_a, campaign, creator):
    with pytest.raises(Forbidden):
        services.invitation_send(
            access=tenant_a.access(Role.VIEWER), campaign=campaign, creator=creator
        )


def test_a_message_over_the_limit_is_refused(access, campaign, creator):
    with pytest.raises(ChorusError) as exc:
        services.invitation_send(
            access=access, campaign=campaign, creator=creator, message="x" * 1001
        )
    assert "message" in exc.value.fields


def test_a_withdrawn_invitation_can_be_sent_again(access, campaign, creator):
    invitation = services.invitation_send(access=access, campaign=campaign, creator=creator)
    services.invitation_withdraw(access=access, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.WITHDRAWN
    again = services.invitation_send(
        access=access, campaign=campaign, creator=creator, message="Back!"
    )
    assert again.pk == invitation.pk
    assert again.status == CampaignInvitation.Status.PENDING
    assert again.message == "Back!"


def test_accepting_an_invitation_creates_the_participation_and_tells_the_inviter(
    access, campaign, creator, django_capture_on_commit_callbacks, mailoutbox
):
    invitation = services.invitation_send(access=access, campaign=campaign, creator=creator)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_respond(creator=creator, invitation=invitation, accept=True)

    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.ACCEPTED
    assert invitation.responded_at is not None
    participation = Participation.objects.get(invitation=invitation)
    assert participation.agreed_total_cents == 15_000
    assert participation.social_account == creator.social_accounts.get()
    campaign.refresh_from_db()
    assert campaign.committed_cents == 15_000
    inviter_note = Notification.objects.get(recipient=access.user)
    assert inviter_note.title == "Ava Bloom accepted your invitation to Glow Launch"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([access.user.email, creator.user.email])


def test_declining_an_invitation_makes_nothing(access, campaign, creator):
    invitation = services.invitation_send(access=access, campaign=campaign, creator=creator)
    services.invitation_respond(creator=creator, invitation=invitation, accept=False)
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.DECLINED
    assert not Participation.objects.exists()
    with pytest.raises(ChorusError) as exc:
        services.invitation_respond(creator=creator, invitation=invitation, accept=True)
    assert exc.value.code == "invitation_not_pending"


def test_accepting_an_invitation_to_a_full_campaign_is_refused(access, campaign, creator):
    invitation = services.invitation_send(access=access, campaign=campaign, creator=creator)
    for _ in range(campaign.max_creators):
        ParticipationFactory(campaign=campaign)
    with pytest.raises(ChorusError) as exc:
        services.invitation_respond(creator=creator, invitation=invitation, accept=True)
    assert exc.value.code == "campaign_full"
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.PENDING


def test_accepting_an_invitation_after_the_deadline_is_refused(access, campaign, creator):
    invitation = services.invitation_send(access=access, campaign=campaign, creator=creator)
    Campaign.objects.filter(pk=campaign.pk).update(
        application_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ChorusError) as exc:
        services.invitation_respond(creator=creator, invitation=invitation, accept=True)
    assert exc.value.code == "deadline_passed"


def test_accepting_an_invitation_also_accepts_a_pending_application(access, campaign, creator):
    application = ApplicationFactory(
        campaign=campaign, creator=creator, social_account=creator.social_accounts.get()
    )
    invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
    services.invitation_respond(creator=creator, invitation=invitation, accept=True)
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert Participation.objects.get().application == application


def test_another_creator_cannot_answer_my_invitation(access, campaign, creator, make_creator):
    invitation = services.invitation_send(access=access, campaign=campaign, creator=creator)
    intruder, _ = make_creator()
    with pytest.raises(NotFound):
        services.invitation_respond(creator=intruder, invitation=invitation, accept=True)
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.PENDING


def test_withdrawing_an_answered_invitation_is_refused(access, campaign, creator):
    invitation = services.invitation_send(access=access, campaign=campaign, creator=creator)
    services.invitation_respond(creator=creator, invitation=invitation, accept=False)
    with pytest.raises(ChorusError) as exc:
        services.invitation_withdraw(access=access, invitation=invitation)
    assert exc.value.code == "invitation_not_pending"


# -- deadlines --------------------------------------------------------------------------------


def test_invited_creators_are_reminded_once_two_days_before_the_deadline(
    tenant_a, make_creator, django_capture_on_commit_callbacks, mailoutbox
):
    in_two_days = timezone.localdate() + datetime.timedelta(days=2)
    soon = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Soon",
        application_deadline=in_two_days,
    )
    later = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, name="Later")
    waiting = CampaignInvitationFactory(campaign=soon, creator=make_creator()[0])
    answered = CampaignInvitationFactory(
        campaign=soon, creator=make_creator()[0], status=CampaignInvitation.Status.DECLINED
    )
    not_yet = CampaignInvitationFactory(campaign=later, creator=make_creator()[0])

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_application_deadlines() == 1
    with django_capture_on_commit_callbacks(execute=True):
        # Beat firing again the same day finds the day's claim and does nothing.
        assert remind_application_deadlines() is None
    # Idempotent even without the claim: the record says it is done.
    assert services.deadline_reminders_send() == 0

    waiting.refresh_from_db()
    assert waiting.reminded_at is not None
    reminders = Notification.objects.filter(kind=Kind.DEADLINE_REMINDER)
    assert [n.recipient for n in reminders] == [waiting.creator.user]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("2 days left")
    answered.refresh_from_db()
    not_yet.refresh_from_db()
    assert answered.reminded_at is None
    assert not_yet.reminded_at is None


def test_pending_invitations_expire_after_the_deadline(tenant_a, make_creator):
    past = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        application_deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    stale = CampaignInvitationFactory(campaign=past, creator=make_creator()[0])
    fresh = CampaignInvitationFactory(creator=make_creator()[0])
    assert expire_invitations() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == CampaignInvitation.Status.EXPIRED
    assert fresh.status == CampaignInvitation.Status.PENDING
