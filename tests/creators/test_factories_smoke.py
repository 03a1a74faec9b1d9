from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory


def test_social_account_factory_updates_search_columns(db: None) -> None:
    creator = CreatorProfileFactory(niches=["beauty", "fitness"])
    SocialAccountFactory(creator=creator, follower_count=5000, engagement_rate_bp=300)
    SocialAccountFactory(
        creator=creator, platform="instagram", follower_count=7000, engagement_rate_bp=600
    )
    SocialAccountFactory(creator=creator, platform="youtube", verified=False, follower_count=90000)
    creator.refresh_from_db()
    assert creator.total_followers == 12000
    assert creator.best_engagement_bp == 600
    assert creator.has_verified_account is True
    assert creator.niches == ["beauty", "fitness"]
