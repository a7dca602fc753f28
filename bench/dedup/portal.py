"""Deduplication on the offline portal: every article page (and its print and mobile
renderings), parsed and cleaned as the crawl would, assigned in shuffled orders, and
compared with the generator's ground truth.

``python -m bench.dedup.portal DIR [--orders 5] [--next DIR2]`` after
``python -m liuzhou_spider.portal generate DIR`` (``--both``: DIR/rev1, DIR/rev2).
Reports pair precision and recall of the grouping, look-alike pairs merged, canonical
URLs and bodies that differ from the ground truth, the lowest similarity of a page to
its article, and with ``--next`` what a reloaded index does with the next revision.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from itertools import combinations
from pathlib import Path

from scrapy.http import HtmlResponse

from liuzhou_spider.items import CleanArticle
from liuzhou_spider.pages.article import parse_article
from liuzhou_spider.sites import offline_profile
from pipelines.cleaning import clean_article
from pipelines.dedup import DedupConfig, Deduplicator, known_articles
from pipelines.dedup.normalize import normalize

BASE = "https://www.lztz.gov.cn"
# The crawl's settings for the site: its current templates preferred as canonical.
SITE_CONFIG = DedupConfig(current_templates=offline_profile(BASE).current_templates)


def load_pages(site: Path, truth: dict) -> list[tuple[str, CleanArticle]]:
    """(true article id, cleaned page) for every article page and rendering."""
    profile = offline_profile(BASE)
    out = []
    for page in truth["pages"]:
        for path in (page["url"], page.get("print_url"), page.get("mobile_url")):
            if not path:
                continue
            file = site / path.split("?")[0].lstrip("/")
            if "print=1" in path:  # the server answers ?print=1 with the _print file
                file = file.with_name(file.name[: -len(".html")] + "_print.html")
            # Decoded as the crawl decodes: declared charset, gb2312 read as gb18030.
            html = HtmlResponse(BASE + path, body=file.read_bytes()).text
            raw = parse_article(html, BASE + path, profile)
            out.append((page["id"], clean_article(raw, profile)))
    return out


def measure(pages: list[tuple[str, CleanArticle]], truth: dict, orders: int) -> dict[str, float]:
    articles = {a["id"]: a for a in truth["articles"]}
    lookalikes = {frozenset(p) for p in truth["lookalike_pairs"]}
    totals = dict.fromkeys(("tp", "fp", "fn", "lookalike_merged", "url_wrong", "body_wrong"), 0)
    sims: list[float] = []
    for seed in range(orders):
        shuffled = pages[:]
        random.Random(seed).shuffle(shuffled)
        dedup = Deduplicator(SITE_CONFIG)
        ours = {}
        for i, (true_id, page) in enumerate(shuffled):
            decision = dedup.assign(page)
            ours[i] = (true_id, decision.article_id)
            sims.append(decision.similarity)
        for (ta, oa), (tb, ob) in combinations(ours.values(), 2):
            same_truth, same_ours = ta == tb, oa == ob
            totals["tp"] += same_truth and same_ours
            totals["fp"] += same_ours and not same_truth
            totals["fn"] += same_truth and not same_ours
            totals["lookalike_merged"] += same_ours and frozenset((ta, tb)) in lookalikes
        by_ours: dict[str, str] = {oa: ta for ta, oa in ours.values()}
        for our_id, true_id in by_ours.items():
            summary = dedup.summary(our_id)
            truth_article = articles[true_id]
            expected_url = BASE + truth_article["canonical_url"]
            totals["url_wrong"] += summary.canonical_url != expected_url
            content = next(p for _, p in shuffled if p.raw.canonical_url == summary.content_url
                           or p.raw.url == summary.content_url)
            totals["body_wrong"] += normalize(content.body_text) != normalize(
                truth_article["body_text"]
            )
    tp, fp, fn = totals["tp"], totals["fp"], totals["fn"]
    return {
        "pages": len(pages),
        "articles": len(articles),
        "pair_precision": tp / (tp + fp) if tp + fp else 1.0,
        "pair_recall": tp / (tp + fn) if tp + fn else 1.0,
        "lookalike_pairs_merged": totals["lookalike_merged"] / orders,
        "canonical_url_wrong": totals["url_wrong"] / orders,
        "canonical_body_wrong": totals["body_wrong"] / orders,
        "min_similarity": min(sims),
    }


def next_run(
    first: list[tuple[str, CleanArticle]], second: list[tuple[str, CleanArticle]],
    truth_first: dict, truth_second: dict,
) -> dict[str, float]:
    """Crawl one revision, reload from what storage keeps, crawl the next revision."""
    config = SITE_CONFIG
    dedup = Deduplicator(config)
    decisions = [dedup.assign(page) for _, page in first]
    reloaded = Deduplicator(config)
    reloaded.load(known_articles(decisions, config.current_templates))
    ours: dict[str, set[str]] = {}
    new = replaced = 0
    for true_id, page in second:
        d = reloaded.assign(page)
        new += d.is_new_article
        replaced += d.body_replaced
        ours.setdefault(true_id, set()).add(d.article_id)
    before = {a["id"] for a in truth_first["articles"]}
    expected_new = len({a["id"] for a in truth_second["articles"]} - before)
    split = sum(len(ids) > 1 for ids in ours.values())
    owners: dict[str, set[str]] = {}
    for true_id, ids in ours.items():
        for our_id in ids:
            owners.setdefault(our_id, set()).add(true_id)
    return {
        "next_run_new_articles": new,
        "next_run_expected_new": expected_new,
        "next_run_bodies_replaced": replaced,
        "next_run_split_articles": split,
        "next_run_merged_articles": sum(len(t) > 1 for t in owners.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup.portal", description=__doc__)
    parser.add_argument("directory", type=Path, help="a generated portal")
    parser.add_argument("--orders", type=int, default=5, help="shuffled crawl orders to try")
    parser.add_argument("--next", type=Path, metavar="DIR2",
                        help="the next revision (generate --both): crawl it after a reload")
    args = parser.parse_args(argv)
    truth = _truth(args.directory)
    pages = load_pages(args.directory / "site", truth)
    results: dict[str, float] = dict(measure(pages, truth, args.orders))
    if args.next:
        truth2 = _truth(args.next)
        results |= next_run(pages, load_pages(args.next / "site", truth2), truth, truth2)
    for key, value in results.items():
        print(f"{key}: {value:.4f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


def _truth(directory: Path) -> dict:
    return json.loads((directory / "ground_truth.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    sys.exit(main())
