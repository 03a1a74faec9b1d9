"""Cross-tenant builders for the organizations app's URL kwargs (browser and API)."""

from organizations.models import Brand, Invitation, Membership
from organizations.roles import Role
from organizations.services import api_key_create, invitation_create
from tests.cross_tenant.registry import Owner, url_param


def _brand(owner: Owner) -> Brand:
    return owner.tenant.brand


def _membership(owner: Owner) -> Membership:
    """A manager of the victim organization (not its owner: the easiest member to change)."""

    def make() -> Membership:
        user = owner.tenant.add_member(Role.MANAGER, full_name="Mona Victim-Manager")
        return Membership.objects.get(organization=owner.tenant.org, user=user)

    return owner.once("organizations:membership", make)


def _invitation(owner: Owner) -> Invitation:
    def make() -> Invitation:
        invitation, _link = invitation_create(
            access=owner.tenant.access(),
            email=f"invitee-of-{owner.tenant.org.slug}@example.com",
            role=Role.REVIEWER,
        )
        return invitation

    return owner.once("organizations:invitation", make)


def _api_key_public_id(owner: Owner) -> str:
    def make() -> str:
        key, _raw = api_key_create(
            access=owner.tenant.access(), name="Victim reporting script", role=Role.ADMIN
        )
        return key.public_id

    return owner.once("organizations:api_key", make)


@url_param("brand_id")
def brand_id(owner: Owner) -> str:
    return _brand(owner).public_id


@url_param("member_id")
def member_id(owner: Owner) -> str:
    return _membership(owner).public_id


@url_param("invitation_id")
def invitation_id(owner: Owner) -> str:
    return _invitation(owner).public_id


@url_param("key_id")
def key_id(owner: Owner) -> str:
    return _api_key_public_id(owner)


@url_param("api:brand")
def api_brand(owner: Owner) -> str:
    return _brand(owner).public_id


@url_param("api:member")
def api_member(owner: Owner) -> str:
    return _membership(owner).public_id


@url_param("api:invitation")
def api_invitation(owner: Owner) -> str:
    return _invitation(owner).public_id
