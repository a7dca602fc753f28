"""``python -m bench.memory``: peak RSS of the full crawl and of reprocessing, at two sizes.

Each crawl (``liuzhou crawl`` of the offline portal, as bench/crawl runs it), each
reprocess of the database it filled, and a second, incremental crawl of the same portal
into that database (what a scheduled job runs) runs in its own process; ``os.wait4``
gives that process's own peak RSS.  What may grow with the article count is what deduplication has
to keep per article, its signature; everything else (pages, batches, rows) must be
streamed.  So the figure is the slope of the peak between the two sizes, in bytes per
added article, divided by the size of one stored signature.

Last line: ``BENCH memory ratio=<largest slope / signature bytes> target=1 ok|short``
(lower is better: ok when the ratio is at most the target).  The incremental crawl's
slope is printed too, outside the ratio: the target is set for the first crawl and for
reprocessing.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

from bench.crawl.portal import ChildRun, run_child, serve
from liuzhou_spider.portal.demo import generated_site

TARGET = 1.0


def measure(size: int, tmp: Path) -> tuple[ChildRun, ChildRun, int, float, ChildRun]:
    """(crawl, reprocess, articles stored, mean signature bytes, incremental crawl) at one
    portal size."""
    db = tmp / f"crawl-{size}.db"
    with serve(generated_site(size, seed=0) / "site") as portal:
        crawl_args = ["-m", "bench.crawl.child", "full", f"sqlite:///{db}",
                      portal.base_url, portal.alias_host]
        crawl = run_child(crawl_args)
        again = run_child(["-m", "bench.memory.child", f"sqlite:///{db}"])
        incremental = run_child(crawl_args)  # the database now has a completed run
    with sqlite3.connect(db) as connection:
        articles, signature = connection.execute(
            "SELECT count(*), avg(length(signature)) FROM articles").fetchone()
    return crawl, again, int(articles), float(signature), incremental


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs=2, default=(2_000, 20_000),
                        metavar=("SMALL", "LARGE"), help="articles in the two portals")
    parser.add_argument("--quick", action="store_true", help="30 and 150 articles")
    args = parser.parse_args(argv)
    small, large = (30, 150) if args.quick else args.sizes
    with tempfile.TemporaryDirectory() as tmp:
        runs = {size: measure(size, Path(tmp)) for size in (small, large)}
    for size, (crawl, again, articles, _, incremental) in runs.items():
        print(f"{size} articles ({articles} stored): crawl peak {crawl.peak_rss_mib:.0f} MiB "
              f"in {crawl.seconds:.0f} s; reprocess peak {again.peak_rss_mib:.0f} MiB "
              f"({again.report['pages']} pages in {again.report['seconds']:.1f} s); "
              f"incremental crawl peak {incremental.peak_rss_mib:.0f} MiB "
              f"in {incremental.seconds:.0f} s")
    added = runs[large][2] - runs[small][2]
    signature = runs[large][3]
    slopes = {}
    for index, name in ((0, "crawl"), (1, "reprocess"), (4, "incremental crawl")):
        growth = (runs[large][index].peak_rss_mib - runs[small][index].peak_rss_mib) * 2**20
        slopes[name] = growth / added
        print(f"{name}: peak grows {slopes[name]:.0f} bytes per added article "
              f"({slopes[name] / signature:.2f} signatures of {signature:.0f} bytes)")
    ratio = max(slopes["crawl"], slopes["reprocess"]) / signature
    verdict = "ok" if ratio <= TARGET else "short"
    print(f"BENCH memory ratio={ratio:.2f} target={TARGET:g} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
