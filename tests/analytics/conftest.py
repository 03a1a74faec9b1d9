from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.test import Client

from analytics import click_buffer

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _empty_click_buffer() -> Iterator[None]:
    """Each test starts with no buffered clicks, no cached links and Redis reachable."""
    click_buffer.reset()

    def wipe() -> None:
        # Its own client: a test may have pointed the tracking one at a Redis that is down.
        conn = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(conn.scan_iter(f"{click_buffer.prefix()}:*", count=1000))
        if keys:
            conn.delete(*keys)

    wipe()
    yield
    click_buffer.reset()
    wipe()


@pytest.fixture
def client() -> Client:
    """A visitor's phone browser (requests without a User-Agent are scripts, not counted)."""
    return Client(headers={"User-Agent": BROWSER})
