"""What the cross-tenant harness needs to know about each URL parameter that names an object.

Every URL kwarg that names an object must have a builder here; the harness fails on a URL pattern
with an unknown kwarg, so a new route cannot slip past it. Each app registers its builders in its
own module ``tests/cross_tenant/objects_<app>.py`` (imported by the harness automatically):

    @url_param("campaign_id")
    def _campaign(owner: Owner) -> str:
        return CampaignFactory(organization=owner.tenant.org, brand=owner.tenant.brand).public_id

A builder creates (or finds) an object belonging to ``owner`` — the victim organization
``owner.tenant`` and, for creator-owned rows, the victim creator ``owner.creator`` — and returns
the value to put in the URL.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import Tenant
from users.models import User


@dataclass
class Owner:
    """The victim: another organization, and another creator, with their own objects."""

    tenant: Tenant
    creator: User
    cache: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """Build an object once per harness run, so builders can share (e.g. one campaign)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


Builder = Callable[[Owner], str]
URL_PARAM_BUILDERS: dict[str, Builder] = {}


def url_param(name: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        if name in URL_PARAM_BUILDERS:
            raise ValueError(f"URL parameter {name!r} already has a builder")
        URL_PARAM_BUILDERS[name] = builder
        return builder

    return register
