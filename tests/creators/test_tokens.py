"""Creators' OAuth tokens: encrypted at rest (with key rotation), refreshed in time, rotated
refresh tokens saved, one refresh for many workers — against the platform simulator."""

from __future__ import annotations

import importlib
import threading
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount as AllauthAccount
from allauth.socialaccount.models import SocialToken
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from creators.models import CreatorProfile, SocialAccount
from creators.oauth import on_social_account_connected
from creators.tokens import (
    TokenDecryptError,
    batch_with_fresh_token,
    decrypt_secret,
    platform_access_token,
    token_make_long_lived,
    token_refresh,
    tokens_reencrypt,
)
from platforms.errors import AuthError
from platforms.registry import build_client
from platforms.simulator import SIMULATOR_CREDENTIALS
from platforms.simulator.client import SimulatorControl
from platforms.types import Platform
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sim(simulator: SimulatorControl, simulator_url: str, settings: Any) -> SimulatorControl:
    settings.PLATFORM_SIMULATOR_URL = simulator_url
    settings.PLATFORM_OAUTH_TOKEN_URLS = {
        "tiktok": f"{simulator_url}/tiktok/v2/oauth/token/",
        "instagram": f"{simulator_url}/instagram/refresh_access_token",
        "youtube": f"{simulator_url}/youtube/token",
    }
    return simulator


def _connect(
    creator: CreatorProfile,
    platform: str,
    handle: str,
    *,
    token: str,
    refresh: str = "",
    expires_in: timedelta | None = None,
) -> tuple[SocialAccount, SocialToken]:
    account = SocialAccountFactory(creator=creator, platform=platform, handle=handle)
    provider = "google" if platform == "youtube" else platform
    allauth_account = AllauthAccount.objects.create(
        user=creator.user, provider=provider, uid=f"uid-{handle}"
    )
    row = SocialToken.objects.create(
        account=allauth_account,
        token=token,
        token_secret=refresh,
        expires_at=timezone.now() + expires_in if expires_in is not None else None,
    )
    return account, row


def test_the_token_of_the_matching_connection_is_used() -> None:
    creator = CreatorProfileFactory()
    first, _ = _connect(creator, "tiktok", "first.one", token="act.first")
    second, _ = _connect(creator, "tiktok", "second.one", token="act.second")
    first.external_id, second.external_id = "uid-first.one", "uid-second.one"

    assert platform_access_token(first) == "act.first"
    assert platform_access_token(second) == "act.second"


def _stored(row: SocialToken) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token, token_secret FROM socialaccount_socialtoken WHERE id = %s", [row.pk]
        )
        token, secret = cursor.fetchone()
    return token, secret


# Encryption -------------------------------------------------------------------------------


def test_tokens_are_encrypted_at_rest_and_read_back_plain() -> None:
    account, row = _connect(
        CreatorProfileFactory(), "tiktok", "enc.me", token="act.secret-1", refresh="rft.secret-2"
    )

    token, secret = _stored(row)

    assert token.startswith("enc1:")
    assert secret.startswith("enc1:")
    assert "secret" not in token + secret
    assert (row.token, row.token_secret) == ("act.secret-1", "rft.secret-2")  # allauth's view
    assert platform_access_token(account) == "act.secret-1"
    reloaded = SocialToken.objects.get(pk=row.pk)
    reloaded.save()  # saving a loaded (encrypted) row again does not encrypt twice
    assert decrypt_secret(_stored(row)[0]) == "act.secret-1"


def test_keys_rotate_first_encrypts_all_decrypt(settings: Any) -> None:
    settings.TOKEN_ENCRYPTION_KEYS = ["old-key-material-0123456789"]
    account, row = _connect(CreatorProfileFactory(), "tiktok", "rot.ate", token="act.rotating")
    before = _stored(row)[0]

    settings.TOKEN_ENCRYPTION_KEYS = ["new-key-material-9876543210", "old-key-material-0123456789"]
    assert platform_access_token(account) == "act.rotating"
    assert tokens_reencrypt() >= 1
    assert _stored(row)[0] != before

    settings.TOKEN_ENCRYPTION_KEYS = ["new-key-material-9876543210"]
    assert platform_access_token(account) == "act.rotating"

    settings.TOKEN_ENCRYPTION_KEYS = ["unrelated-key-material-000000"]
    with pytest.raises(TokenDecryptError):
        decrypt_secret(_stored(row)[0])
    assert platform_access_token(account) == ""  # never ciphertext handed to a platform


def test_migration_encrypts_rows_stored_in_plain_text() -> None:
    account, row = _connect(CreatorProfileFactory(), "tiktok", "leg.acy", token="act.x")
    SocialToken.objects.filter(pk=row.pk).update(token="act.legacy", token_secret="rft.legacy")
    assert platform_access_token(account) == "act.legacy"  # plain rows still read

    migration = importlib.import_module("creators.migrations.0006_encrypt_social_tokens")
    migration.encrypt_existing(django_apps, None)

    token, secret = _stored(row)
    assert token.startswith("enc1:")
    assert decrypt_secret(secret) == "rft.legacy"
    assert platform_access_token(account) == "act.legacy"


# Refresh --------------------------------------------------------------------------------------


def test_expired_tiktok_token_is_refreshed_and_the_rotated_refresh_token_saved(
    sim: SimulatorControl,
) -> None:
    video = sim.create_post("tiktok", owner="alice")["id"]
    account, row = _connect(
        CreatorProfileFactory(),
        "tiktok",
        "alice",
        token="act.sim.alice",
        refresh="rft.sim.alice",
        expires_in=timedelta(minutes=-1),
    )

    token = platform_access_token(account)

    row.refresh_from_db()
    assert token.startswith("act.sim.alice~")
    assert decrypt_secret(row.token) == token
    new_refresh = decrypt_secret(row.token_secret)
    assert new_refresh.startswith("rft.sim.alice~")  # rotated, and saved
    assert row.expires_at is not None
    assert row.expires_at > timezone.now() + timedelta(hours=1)
    assert platform_access_token(account) == token  # valid now: no second refresh
    client = build_client(
        "tiktok", base_url=sim.platform_url("tiktok"), credentials=SIMULATOR_CREDENTIALS["tiktok"]
    )
    assert video in client.fetch_post_metrics([video], access_token=token).found
    # The old refresh token was spent: only the saved one works for the next refresh.
    assert token_refresh(row.pk, Platform.TIKTOK, rejected=token).startswith("act.sim.alice~")
    row.refresh_from_db()
    assert decrypt_secret(row.token_secret) not in {"rft.sim.alice", new_refresh}


def test_a_token_the_platform_rejects_is_refreshed_and_the_posts_asked_again(
    sim: SimulatorControl,
) -> None:
    videos = [sim.create_post("tiktok", owner="bob")["id"] for _ in range(2)]
    account, row = _connect(
        CreatorProfileFactory(),
        "tiktok",
        "bob",
        token="act.sim.bob",
        refresh="rft.sim.bob",
        expires_in=timedelta(hours=1),  # not expired by our clock: the platform says otherwise
    )
    sim.fail("auth", platform="tiktok")
    client = build_client(
        "tiktok", base_url=sim.platform_url("tiktok"), credentials=SIMULATOR_CREDENTIALS["tiktok"]
    )

    batch = batch_with_fresh_token(
        account, videos, lambda ids, token: client.fetch_post_metrics(ids, access_token=token)
    )

    assert set(batch.found) == set(videos)
    assert not batch.failed
    row.refresh_from_db()
    assert decrypt_secret(row.token).startswith("act.sim.bob~")


def test_a_refresh_that_fails_leaves_the_auth_error_to_the_caller(sim: SimulatorControl) -> None:
    video = sim.create_post("tiktok", owner="cara")["id"]
    account, row = _connect(
        CreatorProfileFactory(),
        "tiktok",
        "cara",
        token="act.sim.cara",
        refresh="rft.revoked",
        expires_in=timedelta(hours=1),
    )
    sim.fail("auth", platform="tiktok")
    client = build_client(
        "tiktok", base_url=sim.platform_url("tiktok"), credentials=SIMULATOR_CREDENTIALS["tiktok"]
    )

    batch = batch_with_fresh_token(
        account, [video], lambda ids, token: client.fetch_post_metrics(ids, access_token=token)
    )

    assert isinstance(batch.failed[video], AuthError)  # connect again: not a verdict on the post
    row.refresh_from_db()
    assert decrypt_secret(row.token) == "act.sim.cara"


def test_instagram_long_lived_token_refreshes_itself(sim: SimulatorControl) -> None:
    account, row = _connect(
        CreatorProfileFactory(),
        "instagram",
        "dana",
        token="IGsim.dana",
        expires_in=timedelta(minutes=2),  # inside the refresh margin
    )

    token = platform_access_token(account)

    assert token.startswith("IGsim.dana~")
    row.refresh_from_db()
    assert row.expires_at is not None
    assert row.expires_at > timezone.now() + timedelta(days=59)
    assert decrypt_secret(row.token_secret) == ""


def test_google_token_refresh_keeps_the_refresh_token(sim: SimulatorControl) -> None:
    account, row = _connect(
        CreatorProfileFactory(),
        "youtube",
        "erin",
        token="ya29.old",
        refresh="1//sim.erin",
        expires_in=timedelta(seconds=-5),
    )

    assert platform_access_token(account).startswith("ya29.sim~")
    row.refresh_from_db()
    assert decrypt_secret(row.token_secret) == "1//sim.erin"


@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(
    sim: SimulatorControl,
) -> None:
    account, row = _connect(
        CreatorProfileFactory(),
        "tiktok",
        "fred",
        token="act.sim.fred",
        refresh="rft.sim.fred",
        expires_in=timedelta(minutes=-1),
    )
    start = threading.Barrier(3)
    results: list[str] = []

    def work() -> None:
        try:
            start.wait()
            results.append(platform_access_token(SocialAccount.objects.get(pk=account.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    row.refresh_from_db()
    assert len(results) == 3
    assert len(set(results)) == 1  # nobody fell back to the expired token
    assert results[0] == decrypt_secret(row.token)
    assert results[0].startswith("act.sim.fred~")


def test_a_connected_instagram_token_is_swapped_for_a_long_lived_one(
    sim: SimulatorControl, django_capture_on_commit_callbacks: Any, rf: Any
) -> None:
    creator = CreatorProfileFactory()
    account, row = _connect(
        creator, "instagram", "gail", token="IGsim.gail", expires_in=timedelta(hours=1)
    )
    login = SimpleNamespace(account=row.account, token=row, user=creator.user)

    with django_capture_on_commit_callbacks(execute=True):
        on_social_account_connected(sender=None, request=rf.get("/"), sociallogin=login)

    row.refresh_from_db()
    assert decrypt_secret(row.token).startswith("IGsim.gail~")
    assert row.expires_at is not None
    assert row.expires_at > timezone.now() + timedelta(days=59)
    assert token_make_long_lived(row.pk) is False  # long-lived already: nothing to swap
    assert platform_access_token(account) == decrypt_secret(row.token)
