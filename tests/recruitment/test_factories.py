import pytest

from recruitment.models import Application, Participation
from tests.factories.notifications import NotificationFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def test_factories_build_rows_in_the_campaigns_organization():
    invitation = CampaignInvitationFactory()
    application = ApplicationFactory()
    participation = ParticipationFactory(campaign=application.campaign)
    notification = NotificationFactory()
    assert invitation.public_id.startswith("cin_")
    assert application.organization_id == application.campaign.organization_id
    assert application.social_account.creator_id == application.creator_id
    assert application.status == Application.Status.PENDING
    assert participation.agreed_total_cents == 15000
    assert participation.status == Participation.Status.ACTIVE
    assert notification.public_id.startswith("ntf_")
