"""``python -m platforms.simulator --port 8765``: serve the platform simulator until Ctrl-C."""

from __future__ import annotations

import argparse

from platforms.simulator.server import create_server, platform_base_urls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m platforms.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    server = create_server(args.host, args.port)
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
