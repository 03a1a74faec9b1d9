"""Demo data: every demo creator gets niches, languages and 1-3 verified accounts, idempotently."""

import pytest

from creators.demo import seed_creators_demo
from creators.models import CreatorNiche, CreatorProfile, SocialAccount
from web.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_creators_get_niches_languages_and_verified_accounts() -> None:
    seed_demo()
    assert seed_creators_demo() == 37
    counts = (SocialAccount.objects.count(), CreatorNiche.objects.count())
    assert seed_creators_demo() == 37  # idempotent
    assert (SocialAccount.objects.count(), CreatorNiche.objects.count()) == counts

    profiles = CreatorProfile.objects.prefetch_related("social_accounts", "niche_links")
    for profile in profiles:
        accounts = list(profile.social_accounts.all())
        assert 1 <= len(accounts) <= 3, profile
        assert all(a.is_verified for a in accounts)
        assert all(1_000 <= a.follower_count <= 100_000 for a in accounts)
        assert all(200 <= a.engagement_rate_bp <= 900 for a in accounts)
        assert profile.niches
        assert profile.languages
        assert profile.country
        assert profile.has_verified_account
        assert profile.total_followers == sum(a.follower_count for a in accounts)
    main = CreatorProfile.objects.get(user__email="creator@demo.chorus.test")
    assert main.niches == ["beauty", "food", "outdoors"]
