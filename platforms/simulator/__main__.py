"""``python -m platforms.simulator --port 8765``: serve the platform simulator until Ctrl-C."""

from __future__ import annotations

import argparse
import os

from platforms.simulator.app import make_app
from platforms.simulator.server import create_server, platform_base_urls
from platforms.simulator.state import SimulatorState


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m platforms.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--posts-file",
        default=os.environ.get("PLATFORM_SIMULATOR_POSTS_FILE", ""),
        help="JSON file that keeps posts made through the control API across restarts",
    )
    args = parser.parse_args(argv)
    state = SimulatorState(posts_file=args.posts_file or None)
    server = create_server(args.host, args.port, make_app(state))
    base = f"http://{args.host}:{server.server_address[1]}"
    print(f"Platform simulator on {base} (control API at {base}/_control)", flush=True)
    for platform, url in platform_base_urls(base).items():
        print(f"  {platform:<10} {url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
