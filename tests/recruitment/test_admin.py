"""The admin lists recruitment rows (staff only), with a fixed number of queries per page."""

import pytest

from tests.factories.organizations import UserFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["campaigninvitation", "application", "participation"])
def test_admin_changelists_render(client, model):
    rows = {
        "campaigninvitation": CampaignInvitationFactory(),
        "application": ApplicationFactory(),
        "participation": ParticipationFactory(),
    }
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(f"/admin/recruitment/{model}/")
    assert response.status_code == 200
    assert rows[model].public_id in response.content.decode()
