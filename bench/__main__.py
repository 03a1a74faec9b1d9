"""Run every benchmark: ``python -m bench`` (arguments go to each, e.g. ``--creators 20000``)."""

import sys

from bench import creator_search, tracking_link

BENCHMARKS = [creator_search.main, tracking_link.main]


def main() -> int:
    status = 0
    for bench in BENCHMARKS:
        status = bench(sys.argv[1:]) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
