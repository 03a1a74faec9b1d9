"""Run the benchmarks and print their figures: ``python -m bench`` runs every one;
``python -m bench review_queue --submissions 2000`` runs the named one(s) with their arguments."""

import subprocess
import sys
from collections.abc import Callable

from bench import (
    conversions,
    creator_search,
    dashboard,
    platform_throttle,
    review_queue,
    rollup,
    snapshot_ingest,
    tracking_link,
)

BENCHMARKS: dict[str, Callable[[list[str]], int]] = {
    "conversions": conversions.main,
    "creator_search": creator_search.main,
    "dashboard": dashboard.main,
    "platform_throttle": platform_throttle.main,
    "review_queue": review_queue.main,
    "rollup": rollup.main,
    "snapshot_ingest": snapshot_ingest.main,
    "tracking_link": tracking_link.main,
}


def main() -> int:
    argv = sys.argv[1:]
    chosen = [name for name in argv if name in BENCHMARKS]
    args = [a for a in argv if a not in BENCHMARKS]
    names = chosen or list(BENCHMARKS)
    if len(names) == 1:
        return BENCHMARKS[names[0]](args)
    # Each in its own process: Django is set up once per process, on that benchmark's database.
    status = 0
    for name in names:
        status = subprocess.call([sys.executable, "-m", "bench", name, *args]) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
