"""``python -m bench.crawl``: the full crawl of the offline portal against a bare fetch.

The full crawl is ``liuzhou crawl`` of the 20,000-article offline portal over loopback
(parse, clean, deduplicate, store).  The baseline is a bare Scrapy spider requesting the
very URLs the crawl stored, with the same concurrency, doing nothing with them.  Each runs
in its own process against the same server; rates are responses per second of Scrapy's
own elapsed time.  The site's files are read once first so neither run pays cold disks.

Last line: ``BENCH crawl ratio=<full rate / bare rate> target=0.7 ok|short``.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

from bench.crawl.portal import ChildRun, run_child, serve
from liuzhou_spider.portal.demo import generated_site

TARGET = 0.7


def warm(site: Path) -> int:
    """Read every file of the site once (the page cache then serves both runs alike)."""
    return sum(len(p.read_bytes()) for p in site.rglob("*") if p.is_file())


def raw_page_cost(connection: sqlite3.Connection) -> str:
    """What keeping every fetched page costs: zlib bytes and headers per page, and disk."""
    pages, raw, stored = connection.execute(
        "SELECT count(*), sum(size), sum(length(body) + length(headers)) FROM page_contents"
    ).fetchone()
    try:
        (disk,) = connection.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name = 'page_contents'").fetchone()
    except sqlite3.OperationalError:  # SQLite built without the dbstat table
        disk = None
    on_disk = f", {disk / pages:.0f} on disk" if disk else ""
    return (f"raw pages kept: {pages} pages of {raw / pages:.0f} bytes, stored as "
            f"{stored / pages:.0f} bytes each (zlib + headers){on_disk}")


def rate(run: ChildRun) -> float:
    return run.report["responses"] / run.report["seconds"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__)
    parser.add_argument("--size", type=int, default=20_000, help="articles in the portal")
    parser.add_argument("--quick", action="store_true", help="the 150-article portal")
    args = parser.parse_args(argv)
    size = 150 if args.quick else args.size
    site = generated_site(size, seed=0) / "site"
    print(f"portal: {size} articles, {warm(site) / 2**20:.0f} MiB of files")
    with tempfile.TemporaryDirectory() as tmp, serve(site) as portal:
        db = Path(tmp) / "crawl.db"
        full = run_child(["-m", "bench.crawl.child", "full", f"sqlite:///{db}",
                          portal.base_url, portal.alias_host])
        with sqlite3.connect(db) as connection:
            urls = [u for (u,) in connection.execute("SELECT url FROM urls ORDER BY url")]
            print(raw_page_cost(connection))
        urls_file = Path(tmp) / "urls.txt"
        urls_file.write_text("\n".join(urls), "utf-8")
        bare = run_child(["-m", "bench.crawl.child", "bare", str(urls_file)])
    for name, run in (("full crawl", full), ("bare fetch", bare)):
        print(f"{name}: {run.report['responses']} responses in {run.report['seconds']:.1f} s "
              f"= {rate(run):.1f}/s (process {run.seconds:.1f} s, peak RSS "
              f"{run.peak_rss_mib:.0f} MiB)")
    print(f"full crawl outcome: {full.report['outcome']}")
    ratio = rate(full) / rate(bare)
    verdict = "ok" if ratio >= TARGET else "short"
    print(f"BENCH crawl ratio={ratio:.2f} target={TARGET:g} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
