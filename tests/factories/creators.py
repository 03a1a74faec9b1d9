"""Creator factories, shared by the creators, recruitment and discovery tests.

``CreatorProfileFactory()`` builds a creator user + profile (US, English, no niches). Knobs::

    CreatorProfileFactory(user=some_user)                   # profile for an existing user
    CreatorProfileFactory(niches=["beauty", "fitness"])     # CreatorNiche rows
    CreatorProfileFactory(country="GB", languages=["en"])

``SocialAccountFactory(creator=profile)`` builds a VERIFIED TikTok account with 12,000 followers
and 4.50 % engagement and refreshes the creator's search columns (total_followers,
best_engagement_bp, has_verified_account). ``SocialAccountFactory(verified=False)`` leaves it
unverified (with a pending verification code).
"""

import factory
from django.utils import timezone

from creators.models import CreatorNiche, CreatorProfile, SocialAccount
from creators.services import creator_stats_recompute
from tests.factories.organizations import UserFactory


class CreatorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreatorProfile
        django_get_or_create = ("user",)
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"creator{n}")
    bio = "I make short videos about my everyday life."
    country = "US"
    languages = factory.LazyFunction(lambda: ["en"])

    @factory.post_generation
    def niches(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            CreatorNiche.objects.bulk_create(
                [CreatorNiche(creator=self, niche=niche) for niche in extracted],
                ignore_conflicts=True,
            )


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount
        skip_postgeneration_save = True

    class Params:
        verified = True

    creator = factory.SubFactory(CreatorProfileFactory)
    platform = "tiktok"
    handle = factory.Sequence(lambda n: f"creator.handle{n}")
    profile_url = factory.LazyAttribute(lambda o: f"https://www.tiktok.com/@{o.handle}")
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    display_name = factory.LazyAttribute(lambda o: o.handle.replace(".", " ").title())
    follower_count = 12_000
    average_views = 8_000
    engagement_rate_bp = 450
    last_refreshed_at = factory.LazyFunction(timezone.now)
    verification_code = factory.Sequence(lambda n: f"CHORUS-T{n:03d}")
    verified_at = factory.Maybe("verified", factory.LazyFunction(timezone.now), None)
    verification_method = factory.Maybe("verified", "bio_code", "")

    @factory.post_generation
    def recompute(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            creator_stats_recompute(creator=self.creator)
