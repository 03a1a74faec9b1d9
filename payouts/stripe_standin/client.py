"""A typed helper for the stand-in's control API (tests, the demo seeding)."""

from __future__ import annotations

from typing import Any

import httpx


class StandinControl:
    """Drives a running stand-in at ``base_url`` (as yielded by ``running_standin``)."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.base_url}/_control", timeout=timeout)

    def reset(self) -> None:
        self._ok(self._http.post("/reset"))

    def state(self) -> dict[str, Any]:
        return self._ok(self._http.get("/state"))

    def calls(self, endpoint: str) -> int:
        """Executed calls, e.g. ``calls("POST /v1/transfers")`` (replays are not counted)."""
        return int(self.state()["calls"].get(endpoint, 0))

    def fail(
        self, kind: str, *, count: int = 1, path_prefix: str | None = None, delay_seconds: float = 0
    ) -> None:
        body: dict[str, Any] = {"kind": kind, "count": count, "delay_seconds": delay_seconds}
        if path_prefix:
            body["path_prefix"] = path_prefix
        self._ok(self._http.post("/fail", json=body))

    def add_balance(self, amount: int, currency: str = "usd") -> dict[str, Any]:
        return self._ok(self._http.post("/balance", json={"amount": amount, "currency": currency}))

    def advance_clock(self, seconds: int) -> int:
        return int(self._ok(self._http.post("/clock", json={"advance_seconds": seconds}))["now"])

    def account(self, account_id: str) -> dict[str, Any]:
        account: dict[str, Any] = self._ok(self._http.get(f"/accounts/{account_id}"))["account"]
        return account

    def update_account(self, account_id: str, **fields: Any) -> str | None:
        """Change the account as a Stripe review would; returns the account.updated event id."""
        result = self._ok(self._http.post(f"/accounts/{account_id}", json=fields))
        return result["event_id"]

    def complete_onboarding(self, account_id: str, outcome: str = "complete") -> str | None:
        result = self._ok(
            self._http.post(f"/accounts/{account_id}/complete", json={"outcome": outcome})
        )
        return result["event_id"]

    def pay_out(self, account_id: str, currency: str = "usd") -> list[str]:
        """The connected account pays its balance out to its bank; returns the event ids
        (``payout.created``, ``payout.paid``), none when there was nothing to pay out."""
        result = self._ok(
            self._http.post(f"/accounts/{account_id}/payout", json={"currency": currency})
        )
        return list(result["event_ids"])

    def pay_checkout(self, session_id: str) -> str | None:
        return self._ok(self._http.post(f"/checkout/{session_id}/pay"))["event_id"]

    def visit(self, url: str, **query: str) -> str:
        """Open a hosted page (onboarding link, checkout URL) as a browser would; returns where
        it redirects to (without following it)."""
        response = httpx.get(url, params=query or None, follow_redirects=False, timeout=10)
        if response.status_code != 303:
            raise RuntimeError(
                f"hosted page did not redirect: {response.status_code} {response.text}"
            )
        return response.headers["location"]

    def configure_webhooks(
        self, *, url: str | None = None, secrets: list[str] | None = None, mode: str | None = None
    ) -> None:
        body: dict[str, Any] = {}
        if url is not None:
            body["url"] = url
        if secrets is not None:
            body["secrets"] = secrets
        if mode is not None:
            body["mode"] = mode
        self._ok(self._http.post("/webhooks", json=body))

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        params = {"type": event_type} if event_type else None
        events: list[dict[str, Any]] = self._ok(self._http.get("/events", params=params))["events"]
        return events

    def signed(
        self, event_id: str, *, timestamp: int | None = None, secrets: list[str] | None = None
    ) -> tuple[bytes, str]:
        """(raw body, Stripe-Signature) of a delivery of ``event_id``, not sent."""
        body: dict[str, Any] = {"event_id": event_id}
        if timestamp is not None:
            body["timestamp"] = timestamp
        if secrets is not None:
            body["secrets"] = secrets
        result = self._ok(self._http.post("/webhooks/sign", json=body))
        return result["body"].encode(), result["signature"]

    def deliver(
        self,
        event_ids: list[str] | None = None,
        *,
        times: int = 1,
        timestamp: int | None = None,
        secrets: list[str] | None = None,
    ) -> list[int]:
        """POST events to the configured endpoint now; returns each delivery's HTTP status."""
        body: dict[str, Any] = {"times": times}
        if event_ids is not None:
            body["event_ids"] = event_ids
        if timestamp is not None:
            body["timestamp"] = timestamp
        if secrets is not None:
            body["secrets"] = secrets
        result = self._ok(self._http.post("/webhooks/deliver", json=body))
        return [d["status"] for d in result["deliveries"]]

    def close(self) -> None:
        self._http.close()

    def _ok(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise RuntimeError(
                f"stand-in control call failed: {response.status_code} {response.text}"
            )
        result: dict[str, Any] = response.json()
        return result
