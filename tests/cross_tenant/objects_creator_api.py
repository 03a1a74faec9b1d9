"""Cross-tenant builders for the creator API (``/api/v1/creator/…``, recruitment/creator_api.py).

The router's lookup kwarg is ``public_id``, so the harness asks for ``api:<basename>``. The
victim objects are the victim creator's (``owner.creator``) — the same rows the recruitment
builders make for the creator portal, shared through ``owner.once``. The attacker of these
routes is another signed-in creator (see ``attackers_for`` in test_harness.py); organization
members and API keys are refused outright there.

``api:creator-campaign`` is an invite-only campaign only the victim creator is invited to: an
open campaign is in every creator's marketplace by design, so it would prove nothing.
"""

from tests.cross_tenant.objects_recruitment import (
    _application,
    _invitation,
    _participation,
    _private_campaign,
)
from tests.cross_tenant.registry import Owner, url_param


@url_param("api:creator-campaign")
def api_creator_campaign(owner: Owner) -> str:
    _invitation(owner)  # the victim creator is invited; the attacking creator is not
    return _private_campaign(owner).public_id


@url_param("api:creator-application")
def api_creator_application(owner: Owner) -> str:
    return _application(owner).public_id


@url_param("api:creator-invitation")
def api_creator_invitation(owner: Owner) -> str:
    return _invitation(owner).public_id


@url_param("api:creator-participation")
def api_creator_participation(owner: Owner) -> str:
    return _participation(owner).public_id
