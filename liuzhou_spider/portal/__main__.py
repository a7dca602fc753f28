"""``python -m liuzhou_spider.portal generate DIR`` / ``serve DIR``.

The crawl tests run the server in a subprocess (off the test's reactor); the first
line it prints, ``PORTAL http://127.0.0.1:PORT/``, tells them where it listens.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from liuzhou_spider.portal.generate import build_revisions, build_site
from liuzhou_spider.portal.server import PortalServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m liuzhou_spider.portal")
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("generate", help="write the offline portal into DIR")
    generate.add_argument("dir", type=Path)
    generate.add_argument("--size", type=int, default=150, help="distinct articles")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--revision", type=int, default=1)
    generate.add_argument(
        "--both", action="store_true", help="write revisions 1 and 2 as DIR/rev1 and DIR/rev2"
    )
    generate.add_argument(
        "--variants", action="store_true",
        help="add template variants the profile does not know (older table layout, ...)",
    )
    serve = commands.add_parser("serve", help="serve DIR on 127.0.0.1 and 127.0.0.2")
    serve.add_argument("dir", type=Path)
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)

    if args.command == "generate":
        if args.both:
            truths = build_revisions(args.dir, size=args.size, seed=args.seed,
                                     variants=args.variants)
            count = len(truths[1].articles)
        else:
            count = len(
                build_site(
                    args.dir, size=args.size, seed=args.seed, revision=args.revision,
                    variants=args.variants,
                ).articles
            )
        print(f"generated {count} articles in {args.dir}")
        return 0

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with PortalServer(args.dir, args.port, verbose=args.verbose) as server:
        print(f"PORTAL {server.base_url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
