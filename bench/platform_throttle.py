"""What sharing rate-limit parks in Redis costs a platform call, side by side with process memory.

Each platform call first asks the throttle whether its app or token is parked. This times
``fetch_post_metrics`` for one batch of 20 TikTok videos against the in-process simulator,
``--calls`` times with each throttle (Memory, then Redis at ``REDIS_URL``), and prints the
median and p95 per call and the Redis overhead. No database is needed.

Options: ``--calls 300``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

from platforms.ratelimit import MemoryThrottle, RedisThrottle, Throttle
from platforms.registry import build_client
from platforms.simulator import SIMULATOR_CREDENTIALS
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import running_simulator


def _time(url: str, throttle: Throttle, ids: list[str], token: str, calls: int) -> list[float]:
    client = build_client(
        "tiktok",
        base_url=f"{url}/tiktok",
        credentials=SIMULATOR_CREDENTIALS["tiktok"],
        throttle=throttle,
    )
    timings = []
    for _ in range(10):  # warm-up (connections, script load)
        client.fetch_post_metrics(ids, access_token=token)
    for _ in range(calls):
        start = time.perf_counter()
        batch = client.fetch_post_metrics(ids, access_token=token)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(batch.found) == len(ids)
    client.close()
    return timings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench platform_throttle")
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args(argv)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    with running_simulator() as url:
        control = SimulatorControl(url)
        ids = [control.create_post("tiktok", owner="bench")["id"] for _ in range(20)]
        token = control.user_token("tiktok", "bench")
        memory = _time(url, MemoryThrottle(), ids, token, args.calls)
        shared = RedisThrottle.from_url(redis_url, key_prefix=f"bench-{uuid.uuid4().hex[:8]}")
        redis = _time(url, shared, ids, token, args.calls)
        shared.forget_all()
        control.close()
    print(f"fetch_post_metrics, 20 TikTok videos per call, {args.calls} calls each")
    for name, timings in (("process memory", memory), ("Redis (shared)", redis)):
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"  {name:15s} median {statistics.median(timings):6.2f} ms   p95 {p95:6.2f} ms")
    overhead = statistics.median(redis) - statistics.median(memory)
    print(f"  Redis overhead per call (median): {overhead:+.2f} ms")
    return 0
