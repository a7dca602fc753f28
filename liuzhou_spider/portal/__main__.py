"""``python -m liuzhou_spider.portal generate DIR`` / ``serve DIR``.

The crawl tests run the server in a subprocess (off the test's reactor); the first
line it prints, ``PORTAL http://127.0.0.1:PORT/``, tells them where it listens.

Which portal: ``--site lzgov`` (a bundled key, or a ``.toml``/``.json`` spec file, see
``sites.py``), or one described by options (``--site-name``, ``--host``, ``--column``
…); ``--sites lztz,lzgov`` writes several portals that repost each other's stories
(``DIR/<key>/`` each, plus ``DIR/sites.json``), and ``serve DIR --site lzgov`` serves
one of them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from liuzhou_spider.portal.generate import (
    SITES_TRUTH,
    build_revisions,
    build_site,
    build_sites,
)
from liuzhou_spider.portal.server import PortalServer
from liuzhou_spider.portal.sites import SiteSpec, SpecError, site_spec, spec_from_dict


def spec_from_options(args: argparse.Namespace) -> SiteSpec:
    """A spec from ``--site-name``/``--host``/``--alias``/``--column PATH=NAME`` …

    A column's breadcrumb is the names of its ancestors (each given by its own
    ``--column``) and its own; a column with sub-columns becomes a parent.
    """
    named = dict(item.split("=", 1) for item in args.column if "=" in item)
    if len(named) != len(args.column):
        raise SpecError("--column takes PATH=NAME, e.g. --column news/local=本地新闻")
    columns = []
    for path, name in named.items():
        parts = path.split("/")
        names = [named.get("/".join(parts[:i])) for i in range(1, len(parts))]
        if None in names:
            raise SpecError(f"column {path!r}: give its parent columns first")
        parent = any(other.startswith(path + "/") for other in named)
        columns.append({"path": path, "names": [*names, name],
                        "kind": "parent" if parent else "list"})
    return spec_from_dict({
        "key": args.key, "site_name": args.site_name, "host": args.host,
        "aliases": args.alias, "columns": columns, "template": args.template,
    })


def _site(args: argparse.Namespace) -> SiteSpec:
    if args.site_name or args.host or args.column:
        if args.site != "lztz":
            raise SpecError("give --site or --site-name/--host/--column, not both")
        return spec_from_options(args)
    return site_spec(args.site)


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
    generate.add_argument("--site", default="lztz",
                          help="a bundled site (lztz, lzgov) or a .toml/.json spec file")
    generate.add_argument("--sites", help="several sites reposting each other: lztz,lzgov "
                          "(keys or spec files); writes DIR/<key>/ and DIR/sites.json")
    described = generate.add_argument_group("a site described by options instead of --site")
    described.add_argument("--key", default="custom", help="the site's key")
    described.add_argument("--site-name", help="e.g. 贺州市人民政府门户网站")
    described.add_argument("--host", help="the canonical host name, e.g. www.gxhz.gov.cn")
    described.add_argument("--alias", action="append", default=[], help="another host name")
    described.add_argument("--column", action="append", default=[], metavar="PATH=NAME",
                           help="a column, parents first: --column xwzx=新闻中心 "
                           "--column xwzx/hzyw=贺州要闻")
    described.add_argument("--template", default="gov", help="current design: current or gov")
    serve = commands.add_parser("serve", help="serve DIR on 127.0.0.1 and 127.0.0.2")
    serve.add_argument("dir", type=Path)
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--site", help="serve DIR/SITE (a folder of generate --sites)")
    serve.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args(argv)

    if args.command == "generate":
        try:
            if args.sites:
                if args.both or args.revision != 1 or args.variants:
                    raise SpecError("--sites builds revision 1 without variants only")
                specs = tuple(site_spec(name.strip()) for name in args.sites.split(","))
                combined = build_sites(args.dir, specs, size=args.size, seed=args.seed)
                print(f"generated {', '.join(combined['sites'])} with "
                      f"{len(combined['reposts'])} reposted stories in {args.dir}")
                return 0
            site = _site(args)
        except (SpecError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if args.both:
            truths = build_revisions(args.dir, size=args.size, seed=args.seed,
                                     variants=args.variants, site=site)
            count = len(truths[1].articles)
        else:
            count = len(
                build_site(
                    args.dir, size=args.size, seed=args.seed, revision=args.revision,
                    variants=args.variants, site=site,
                ).articles
            )
        print(f"generated {count} articles in {args.dir}")
        return 0

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    root = args.dir / args.site if args.site else args.dir
    if not args.site and (args.dir / SITES_TRUTH).exists():
        keys = json.loads((args.dir / SITES_TRUTH).read_text(encoding="utf-8"))["sites"]
        print(f"error: {args.dir} holds several sites ({', '.join(keys)}): give --site",
              file=sys.stderr)
        return 2
    if not root.is_dir():
        print(f"error: no generated portal at {root}", file=sys.stderr)
        return 2
    with PortalServer(root, args.port, verbose=args.verbose) as server:
        print(f"PORTAL {server.base_url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
