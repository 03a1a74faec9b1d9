"""Sending: the caller chooses the recipients (and the kind's audience vets them), rows carry the
organization they concern, and e-mail leaves only after commit — once."""

import pytest
from django.db import transaction

from notifications import registry
from notifications.models import Notification
from notifications.registry import Audience, NotificationKind, RecipientNotAllowed, Rendered
from notifications.services import notification_email_deliver, notification_send
from notifications.tasks import notification_deliver_email
from organizations.roles import Role
from recruitment.notifications import Kind
from tests.factories.organizations import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CAMPAIGN = {"campaign_id": "cmp_x", "campaign": "Glow Launch", "brand": "Glow", "org_slug": "acme"}
PERSONAL = registry.register(
    NotificationKind(
        "test_account_verified",
        "Account verified (test)",
        Audience.CREATORS,
        lambda c: Rendered(f"Your {c['platform']} account is verified", "", "/creator/"),
        personal=True,
    )
)


def _received(recipients, organization, **kwargs):
    return notification_send(
        kind=Kind.APPLICATION_RECEIVED,
        recipients=recipients,
        organization=organization,
        context=CAMPAIGN | {"creator": "Maya Lopez", "creator_id": "crp_1", "pitch": "Hi"},
        **kwargs,
    )


def test_only_the_recipients_the_caller_chose_get_a_row(tenant_a):
    reviewer = tenant_a.add_member(Role.REVIEWER)
    rows = _received([tenant_a.owner, tenant_a.owner], tenant_a.org)  # duplicates collapse
    assert [r.recipient for r in rows] == [tenant_a.owner]
    assert not Notification.objects.filter(recipient=reviewer).exists()
    row = Notification.objects.get()
    assert row.organization == tenant_a.org
    assert row.public_id.startswith("ntf_")
    assert row.title == "Maya Lopez applied to Glow Launch"
    assert row.data["creator"] == "Maya Lopez"
    assert row.is_unread


def test_a_brand_notification_to_someone_outside_the_organization_is_refused(
    tenant_a, tenant_b, stranger, creator
):
    for outsider in (stranger, creator.user):
        with pytest.raises(RecipientNotAllowed):
            _received([tenant_a.owner, outsider], tenant_a.org)
    assert not Notification.objects.exists()  # all or nothing


def test_a_creator_notification_to_a_user_without_a_creator_profile_is_refused(tenant_a, creator):
    context = CAMPAIGN | {"decision": "waitlisted"}
    with pytest.raises(RecipientNotAllowed):
        notification_send(
            kind=Kind.APPLICATION_DECIDED,
            recipients=[tenant_a.owner],
            organization=tenant_a.org,
            context=context,
        )
    (row,) = notification_send(
        kind=Kind.APPLICATION_DECIDED,
        recipients=[creator.user],
        organization=tenant_a.org,
        context=context,
    )
    assert row.recipient == creator.user


def test_a_tenant_kind_needs_its_organization_and_only_a_personal_kind_goes_without(creator):
    with pytest.raises(ValueError, match="concerns a tenant"):
        _received([creator.user], None)
    (row,) = notification_send(
        kind=PERSONAL.key,
        recipients=[creator.user],
        organization=None,
        context={"platform": "TikTok"},
    )
    assert row.organization is None
    assert row.title == "Your TikTok account is verified"


def test_email_leaves_after_commit_only(
    creator, tenant_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (row,) = notification_send(
            kind=Kind.INVITATION_RECEIVED,
            recipients=[creator.user],
            organization=tenant_a.org,
            context=CAMPAIGN | {"fee": "USD 150.00", "deadline": "", "message": "Love it"},
        )
    assert mailoutbox == []  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [creator.user.email]
    assert mail.subject == "Glow invited you to Glow Launch"
    assert '"Love it"' in mail.body
    assert "http://" in mail.body
    assert "/creator/work/" in mail.body
    assert "Chorus" in mail.body
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_no_email_leaves_when_the_transaction_rolls_back(
    creator, tenant_a, django_capture_on_commit_callbacks, mailoutbox
):
    def send_then_fail() -> None:
        with transaction.atomic():
            notification_send(
                kind=Kind.DEADLINE_REMINDER,
                recipients=[creator.user],
                organization=tenant_a.org,
                context=CAMPAIGN | {"deadline": "June 3"},
            )
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        send_then_fail()
    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_an_email_is_sent_once_however_often_the_task_runs(
    creator, tenant_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notification_send(
            kind=Kind.PARTICIPATION_CANCELLED,
            recipients=[creator.user],
            organization=tenant_a.org,
            context=CAMPAIGN,
        )
    assert len(mailoutbox) == 1
    assert notification_deliver_email(row.pk) is False  # a redelivered task
    assert notification_email_deliver(notification_id=row.pk) is False
    assert len(mailoutbox) == 1


def test_in_app_only_kinds_and_email_false_send_no_email(
    tenant_a, creator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _received([tenant_a.owner], tenant_a.org)  # in-app only kind
        notification_send(
            kind=Kind.INVITATION_ANSWERED,
            recipients=[tenant_a.owner],
            organization=tenant_a.org,
            context=CAMPAIGN | {"creator": "Maya", "creator_id": "crp_1", "verb": "declined"},
            email=False,
        )
    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.filter(email_wanted=True).exists()


def test_a_recipient_without_an_email_address_gets_the_notice_in_the_app_only(
    tenant_a, django_capture_on_commit_callbacks, mailoutbox
):
    member = UserFactory(email="")
    MembershipFactory(organization=tenant_a.org, user=member, role=Role.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notification_send(
            kind=Kind.INVITATION_ANSWERED,
            recipients=[member],
            organization=tenant_a.org,
            context=CAMPAIGN | {"creator": "Maya", "creator_id": "crp_1", "verb": "accepted"},
        )
    assert row.email_wanted is False
    assert mailoutbox == []
