"""Operations on creator profiles."""

from django.db import transaction

from core.errors import ChorusError
from creators.models import CreatorProfile
from users.models import User


def creator_profile_create(*, user: User, display_name: str) -> CreatorProfile:
    """Start a creator's profile at sign-up; the rest is filled in later.

    Not durable: sign-up composes it with creating the user in one transaction.
    """
    display_name = display_name.strip()
    if not display_name:
        raise ChorusError("invalid", "Tell brands what to call you.", fields={"display_name": ["Required."]})
    with transaction.atomic():
        profile, _ = CreatorProfile.objects.get_or_create(user=user, defaults={"display_name": display_name})
    return profile
