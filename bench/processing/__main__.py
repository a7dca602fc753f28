"""``python -m bench.processing``: pages per second of parse + clean + signature + store.

On one core, over every article page of the 20,000-article offline portal, against
trafilatura 2.3.1 extracting a sample of the same pages in the same process (trafilatura
runs at about 40 pages/s: all 22,000 pages would take ten minutes to say the same thing).

Last line: ``BENCH processing ratio=<our rate / trafilatura's> target=5 ok|short``.
"""

from __future__ import annotations

import argparse
import json
import sys

from bench.processing.run import one_core, ours, page_paths, profile_ours, trafilatura_rate
from liuzhou_spider.gc_tuning import tuned_for_long_run
from liuzhou_spider.portal.demo import generated_site

TARGET = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.processing", description=__doc__)
    parser.add_argument("--size", type=int, default=20_000, help="articles in the portal")
    parser.add_argument("--sample", type=int, default=1_000,
                        help="pages trafilatura extracts (evenly spread over all pages)")
    parser.add_argument("--quick", action="store_true", help="150 articles, 50 sampled")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print pyinstrument's profile of our path over N pages first")
    args = parser.parse_args(argv)
    size, sample = (150, 50) if args.quick else (args.size, args.sample)
    folder = generated_site(size, seed=0)
    site = folder / "site"
    paths = page_paths(json.loads((folder / "ground_truth.json").read_text("utf-8")))
    cpu = one_core()
    print(f"portal: {size} articles, {len(paths)} article pages; pinned to CPU {cpu}")
    if args.profile:
        print(profile_ours(site, paths[: args.profile]))
    # Both under the collector settings ``liuzhou reprocess`` runs with.
    with tuned_for_long_run():
        mine = ours(site, paths)
    print(f"ours: {mine.pages} pages in {mine.seconds:.1f} s = {mine.per_second:.1f} pages/s")
    step = max(1, len(paths) // sample)
    with tuned_for_long_run():
        base = trafilatura_rate(site, paths[::step][:sample])
    print(f"trafilatura: {base.pages} pages in {base.seconds:.1f} s = "
          f"{base.per_second:.1f} pages/s")
    ratio = mine.per_second / base.per_second
    verdict = "ok" if ratio >= TARGET else "short"
    print(f"BENCH processing ratio={ratio:.2f} target={TARGET:g} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
