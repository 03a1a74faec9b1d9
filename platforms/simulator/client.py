"""A typed helper for the simulator's control API, for tests and the demo runner."""

from __future__ import annotations

from typing import Any

import httpx

from platforms.simulator.control import user_token
from platforms.simulator.server import platform_base_urls, short_link_base_urls


class SimulatorControl:
    """Drives a running simulator at ``base_url`` (as yielded by ``running_simulator``)."""

    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.base_url}/_control", timeout=timeout)

    def platform_url(self, platform: str) -> str:
        return platform_base_urls(self.base_url)[platform]

    def set_account(self, platform: str, handle: str, **fields: Any) -> dict[str, Any]:
        """Override fields (bio, follower_count, average_views, engagement_rate_bp,
        display_name, post_count, exists, hidden_subscriber_count); returns the account."""
        return self._account(self._http.post(f"/accounts/{platform}/{handle}", json=fields))

    def get_account(self, platform: str, handle: str) -> dict[str, Any]:
        return self._account(self._http.get(f"/accounts/{platform}/{handle}"))

    def clear_account(self, platform: str, handle: str) -> None:
        self._ok(self._http.delete(f"/accounts/{platform}/{handle}"))

    def fail(
        self,
        kind: str,
        *,
        count: int = 1,
        platform: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``count`` data calls fail (see platforms.simulator.control)."""
        body: dict[str, Any] = {"kind": kind, "count": count}
        if platform is not None:
            body["platform"] = platform
        if retry_after is not None:
            body["retry_after"] = retry_after
        self._ok(self._http.post("/fail", json=body))

    def short_link_base_urls(self) -> dict[str, str]:
        """``PLATFORM_SHORT_LINK_BASE_URLS`` for this simulator."""
        return short_link_base_urls(self.base_url)

    def create_post(self, platform: str, *, owner: str, **fields: Any) -> dict[str, Any]:
        """Create a post (caption, title, published_at (ISO or datetime), visibility,
        paid_partnership, final_views, hide_likes, media_type, id); returns it with its
        ``id``, ``url``, ``shortcode``/``short_code`` and current ``metrics``."""
        if hasattr(fields.get("published_at"), "isoformat"):
            fields["published_at"] = fields["published_at"].isoformat()
        body = {"platform": platform, "owner": owner, **fields}
        post: dict[str, Any] = self._ok(self._http.post("/posts", json=body))["post"]
        return post

    def get_post(self, platform: str, post_id: str) -> dict[str, Any]:
        post: dict[str, Any] = self._ok(self._http.get(f"/posts/{platform}/{post_id}"))["post"]
        return post

    def update_post(self, platform: str, post_id: str, **fields: Any) -> dict[str, Any]:
        response = self._http.post(f"/posts/{platform}/{post_id}", json=fields)
        post: dict[str, Any] = self._ok(response)["post"]
        return post

    def set_short_link(self, code: str, location: str) -> None:
        self._ok(self._http.post("/short-links", json={"code": code, "location": location}))

    def advance_clock(self, seconds: int) -> str:
        now: str = self._ok(self._http.post("/clock", json={"advance_seconds": seconds}))["now"]
        return now

    @staticmethod
    def user_token(platform: str, handle: str) -> str:
        """The creator's own OAuth token, as the simulator understands it (no call made)."""
        return user_token(platform, handle)

    def reset(self) -> None:
        self._ok(self._http.post("/reset"))

    def state(self) -> dict[str, Any]:
        return self._ok(self._http.get("/state"))

    def calls(self, platform: str) -> int:
        return int(self.state()["calls"].get(platform, 0))

    def close(self) -> None:
        self._http.close()

    def _account(self, response: httpx.Response) -> dict[str, Any]:
        account: dict[str, Any] = self._ok(response)["account"]
        return account

    def _ok(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise RuntimeError(
                f"simulator control call failed: {response.status_code} {response.text}"
            )
        result: dict[str, Any] = response.json()
        return result
