"""Creators see "Connect with …" (OAuth verification) only for providers with app keys configured."""


def test_without_app_keys_the_accounts_page_offers_no_oauth(creator_client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = creator_client.get("/creator/accounts/").content.decode()
    assert "Connect with" not in page


def test_with_tiktok_keys_the_accounts_page_offers_connecting_tiktok_only(creator_client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "tiktok": {"APPS": [{"client_id": "ck", "secret": "cs", "key": ""}]}
    }
    page = creator_client.get("/creator/accounts/").content.decode()
    assert "Connect with TikTok" in page
    assert "/accounts/tiktok/login/?process=connect" in page
    assert "Connect with Instagram" not in page
    assert "Connect with YouTube" not in page
