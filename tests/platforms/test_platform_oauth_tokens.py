"""Token refresh requests and answers as each platform documents them (network edge faked)."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from platforms.errors import AuthError, PlatformUnavailable
from platforms.oauth_tokens import exchange_instagram_token, refresh_user_token
from platforms.simulator.client import SimulatorControl


def _recording(
    *answers: httpx.Response,
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    return httpx.MockTransport(answer), seen


def test_tiktok_refresh_posts_the_form_and_returns_the_rotated_refresh_token() -> None:
    transport, seen = _recording(
        httpx.Response(
            200,
            json={
                "access_token": "act.new",
                "expires_in": 7200,
                "open_id": "x",
                "refresh_expires_in": 15552000,
                "refresh_token": "rft.new",
                "scope": "user.info.basic,video.list",
                "token_type": "Bearer",
            },
        )
    )

    grant = refresh_user_token(
        "tiktok",
        token_url="https://open.tiktokapis.com/v2/oauth/token/",
        refresh_token="rft.old",
        client_id="ck",
        client_secret="cs",
        transport=transport,
    )

    assert (grant.access_token, grant.refresh_token, grant.expires_in) == (
        "act.new",
        "rft.new",
        7200,
    )
    assert grant.refresh_expires_in == 15552000
    (request,) = seen
    assert request.method == "POST"
    assert parse_qs(request.content.decode()) == {
        "client_key": ["ck"],
        "client_secret": ["cs"],
        "grant_type": ["refresh_token"],
        "refresh_token": ["rft.old"],
    }


def test_instagram_refresh_is_a_get_with_the_long_lived_token() -> None:
    transport, seen = _recording(
        httpx.Response(
            200, json={"access_token": "IG.new", "token_type": "bearer", "expires_in": "5183944"}
        )
    )

    grant = refresh_user_token(
        "instagram",
        token_url="https://graph.instagram.com/refresh_access_token",
        access_token="IG.old",
        transport=transport,
    )

    assert (grant.access_token, grant.refresh_token, grant.expires_in) == ("IG.new", "", 5183944)
    assert seen[0].method == "GET"
    assert dict(seen[0].url.params) == {"grant_type": "ig_refresh_token", "access_token": "IG.old"}


@pytest.mark.parametrize(
    ("platform", "body", "code"),
    [
        (
            "youtube",
            {"error": "invalid_grant", "error_description": "Token has been expired"},
            "invalid_grant",
        ),
        (
            "tiktok",
            {"error": "invalid_grant", "error_description": "x", "log_id": "1"},
            "invalid_grant",
        ),
        (
            "instagram",
            {"error": {"message": "Session has expired", "code": 190, "error_subcode": 463}},
            "190",
        ),
    ],
)
def test_a_refused_refresh_is_an_auth_error(
    platform: str, body: dict[str, object], code: str
) -> None:
    transport, _ = _recording(httpx.Response(400, json=body))

    with pytest.raises(AuthError) as caught:
        refresh_user_token(
            platform,
            token_url="https://token.example/",
            access_token="a",
            refresh_token="r",
            client_id="c",
            client_secret="s",
            transport=transport,
        )
    assert caught.value.code == code


def test_server_errors_are_retried_then_temporary() -> None:
    transport, seen = _recording(
        httpx.Response(503, text="<html>busy</html>"),
        httpx.Response(500, json={"error": "server_error"}),
        httpx.Response(502, text=""),
    )

    with pytest.raises(PlatformUnavailable):
        refresh_user_token(
            "youtube",
            token_url="https://oauth2.googleapis.com/token",
            refresh_token="1//r",
            client_id="c",
            client_secret="s",
            transport=transport,
            max_attempts=3,
        )
    assert len(seen) == 3


def test_without_a_refresh_token_nothing_is_sent() -> None:
    transport, seen = _recording()

    with pytest.raises(AuthError):
        refresh_user_token("tiktok", token_url="https://x/", transport=transport)
    assert seen == []


def test_the_simulator_rotates_tiktok_refresh_tokens(simulator: SimulatorControl) -> None:
    url = simulator.platform_url("tiktok") + "/v2/oauth/token/"
    first = refresh_user_token(
        "tiktok", token_url=url, refresh_token="rft.sim.zoe", client_id="k", client_secret="s"
    )

    with pytest.raises(AuthError):  # spent
        refresh_user_token(
            "tiktok", token_url=url, refresh_token="rft.sim.zoe", client_id="k", client_secret="s"
        )
    second = refresh_user_token(
        "tiktok", token_url=url, refresh_token=first.refresh_token, client_id="k", client_secret="s"
    )
    assert first.access_token.startswith("act.sim.zoe~")
    assert second.refresh_token not in {first.refresh_token, "rft.sim.zoe"}


@pytest.mark.parametrize(
    ("code", "status", "rejected"),
    [
        ("access_token_invalid", 401, True),  # TikTok: expired or revoked
        ("190/463", 400, True),  # Graph: session has expired
        ("190", 400, True),
        ("authError", 401, True),  # Google
        ("scope_not_authorized", 401, False),  # a new token of the same grant won't help
        ("10", 400, False),  # Graph: permission (or too few viewers for insights)
        ("200", 403, False),
        ("creator_token_required", None, False),
    ],
)
def test_only_a_refused_token_asks_for_a_refresh(
    code: str, status: int | None, rejected: bool
) -> None:
    assert AuthError("x", code=code, status=status).token_rejected is rejected


def test_token_urls_are_chosen_like_base_urls() -> None:
    from config.settings.components.platforms import oauth_token_urls

    sim = "http://127.0.0.1:8765"
    assert oauth_token_urls({})["tiktok"] == "https://open.tiktokapis.com/v2/oauth/token/"
    simulated = oauth_token_urls(
        {"PLATFORM_SIMULATOR_URL": sim + "/", "YOUTUBE_OAUTH_TOKEN_URL": "http://google-stand-in/t"}
    )
    assert simulated == {
        "tiktok": f"{sim}/tiktok/v2/oauth/token/",
        "instagram": f"{sim}/instagram/refresh_access_token",
        "youtube": "http://google-stand-in/t",  # explicit wins over the simulator
    }


def test_instagram_short_lived_token_is_exchanged_with_the_app_secret() -> None:
    transport, seen = _recording(
        httpx.Response(
            200, json={"access_token": "IG.long", "token_type": "bearer", "expires_in": 5183944}
        )
    )

    grant = exchange_instagram_token(
        token_url="https://graph.instagram.com/access_token",
        access_token="IG.short",
        client_secret="app-secret",
        transport=transport,
    )

    assert (grant.access_token, grant.expires_in) == ("IG.long", 5183944)
    assert seen[0].url.host == "graph.instagram.com"
    assert dict(seen[0].url.params) == {
        "grant_type": "ig_exchange_token",
        "client_secret": "app-secret",
        "access_token": "IG.short",
    }
