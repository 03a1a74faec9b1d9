from creators.models import CreatorProfile
from users.models import User


def creator_profile_for_user(user: User) -> CreatorProfile | None:
    if not user.is_authenticated:
        return None
    return CreatorProfile.objects.filter(user=user).first()
