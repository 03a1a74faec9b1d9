"""The embedded default's demo: approved demo posts are put on the simulator (its posts file,
loaded when it starts, as ``make run`` does) and get their metrics on the first pull."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from analytics.models import PostMetrics
from analytics.pulls import pull_batch, pulls_dispatch
from analytics.pulls_demo import seed_pulls_demo
from platforms.registry import clear_client_cache
from platforms.simulator.app import make_app
from platforms.simulator.server import create_server, platform_base_urls
from platforms.simulator.state import SimulatorState
from submissions.models import ReviewState
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def approved_demo_post(handle: str) -> Any:
    participation = ParticipationFactory()
    SocialAccountFactory(creator=participation.creator, platform="tiktok", handle=handle)
    submission = SubmissionFactory(slot=participation.slots.order_by("id").first())
    return LivePostFactory(
        submission=submission,
        platform="tiktok",
        post_id="7390000000000000042",
        state=ReviewState.APPROVED,
        approved_at=timezone.now(),
        published_at=timezone.now() - timezone.timedelta(hours=5),
    )


@pytest.fixture
def posts_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "simulator-posts.json"
    settings.DEMO_SIMULATOR_POSTS = True
    settings.PLATFORM_SIMULATOR_POSTS_FILE = str(path)
    return path


def started_simulator(path: Path, settings: Any) -> Iterator[None]:
    server = create_server(app=make_app(SimulatorState(posts_file=path)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.PLATFORM_SIMULATOR_URL = url
    settings.PLATFORM_BASE_URLS = platform_base_urls(url)
    settings.PLATFORM_CREDENTIALS = {}
    clear_client_cache()
    try:
        yield
    finally:
        clear_client_cache()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_demo_posts_are_put_on_the_simulator_and_get_figures(posts_file, settings):
    post = approved_demo_post("demo.glow.creator")

    assert seed_pulls_demo() == 1
    assert seed_pulls_demo() == 0  # idempotent

    for _ in started_simulator(posts_file, settings):
        for batch in pulls_dispatch():
            pull_batch(batch.metrics_ids, lease=batch.lease)
    row = PostMetrics.objects.get(live_post=post)
    assert row.status == PostMetrics.Status.OK
    assert row.views is not None
    assert row.views > 0


def test_outside_the_embedded_default_the_simulator_is_left_alone(posts_file, settings):
    settings.DEMO_SIMULATOR_POSTS = False
    post = approved_demo_post("demo.other.creator")

    assert seed_pulls_demo() == 0

    assert not posts_file.exists()
    assert PostMetrics.objects.filter(live_post=post).exists()  # tracked all the same
