"""The payouts admin lists what Stripe told us, and lets nobody add rows by hand."""

from typing import Any

import pytest

from tests.factories.organizations import UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["stripeevent", "connectedaccount", "funding"])
def test_admin_lists_open_and_adding_is_refused(
    client_for: Any, model: str, funded_session: Any, deliver: Any
) -> None:
    deliver(funded_session[1])
    admin = client_for(UserFactory(is_staff=True, is_superuser=True))
    assert admin.get(f"/admin/payouts/{model}/").status_code == 200
    assert admin.get(f"/admin/payouts/{model}/add/").status_code == 403
