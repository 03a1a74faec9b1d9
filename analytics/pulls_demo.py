"""Demo metrics: the approved demo live posts exist on the platform simulator, so the embedded
default's metric pulls find them and their figures grow while you watch: TikTok videos and
YouTube Shorts by their ids, Instagram reels by their media id (what the metric pulls ask for)
and their shortcode (what their address names).

``make run`` seeds the database before it starts the simulator, which then loads its posts file
(``PLATFORM_SIMULATOR_POSTS_FILE``): each approved live post whose id the file lacks is added,
owned by the creator's account on that platform (whose simulator token the pulls use), published
when the post says. Tracking starts at once (``posts_track``): the first pull is due within a
minute of the worker and beat starting. Idempotent; does nothing unless the platform simulator is
configured (``PLATFORM_SIMULATOR_URL``) and the settings ask for it (``DEMO_SIMULATOR_POSTS``,
on in the embedded default's local settings only).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from analytics.pulls import creator_account, posts_track
from platforms.simulator.state import SimulatorState, add_posts_to_file
from submissions.models import LivePost, ReviewState

DEMO_FINAL_VIEWS = (48_000, 120_000, 310_000, 75_000, 22_000)


def seed_pulls_demo() -> int:
    """Put the approved live posts on the simulator and start tracking them; returns how many
    posts were added to the simulator's file."""
    path = getattr(settings, "PLATFORM_SIMULATOR_POSTS_FILE", "")
    if not getattr(settings, "DEMO_SIMULATOR_POSTS", False):
        posts_track()
        return 0
    if not getattr(settings, "PLATFORM_SIMULATOR_URL", "") or not path:
        return 0
    known = SimulatorState(posts_file=path)
    wanted: list[dict[str, Any]] = []
    posts = LivePost.objects.filter(state=ReviewState.APPROVED).order_by("pk")
    for post in posts:
        api_id = post.api_post_id or post.post_id
        if post.platform == "instagram" and not post.api_post_id:
            continue  # the media id is only known after a lookup
        # An Instagram post's address (shortcode) and API id (media id) differ: both are kept,
        # so a lookup of the pasted link and the metric pulls find the same post.
        extra = {"shortcode": post.post_id} if post.platform == "instagram" else {}
        if known.post(post.platform, api_id) is not None:
            continue
        account = creator_account(post.creator_id, post.platform)
        if account is None:
            continue
        published = post.published_at or post.approved_at or timezone.now()
        wanted.append(
            {
                "platform": post.platform,
                "owner": account.handle,
                "id": api_id,
                "caption": post.platform_caption[:2_000],
                "published_at": published.isoformat(),
                "final_views": DEMO_FINAL_VIEWS[post.pk % len(DEMO_FINAL_VIEWS)],
                **extra,
            }
        )
    if wanted:
        add_posts_to_file(path, wanted)
    posts_track()
    return len(wanted)
