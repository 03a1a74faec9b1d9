"""The creators audience for notifications: a recipient must have a creator profile."""

from collections.abc import Collection

from creators.models import CreatorProfile
from notifications.registry import Audience, register_audience
from organizations.models import Organization


def _creators_among(user_ids: Collection[int], organization: Organization | None) -> set[int]:
    # Creators are global users: any creator may hear from any organization.
    return set(
        CreatorProfile.objects.filter(user_id__in=list(user_ids), user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def register() -> None:
    register_audience(Audience.CREATORS, _creators_among)
