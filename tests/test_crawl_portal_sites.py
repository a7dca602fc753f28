"""Crawls of the other generated portals, one site per database: each reads to its own
ground truth with the crawler as it is (the profile re-pointed at the served hosts).

Both sites of a two-site build (lzgov: its *gov* design, columns and names; each with
the other's reposts) and a portal whose names the project has never seen: what the
generic rules must already read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_twisted

from liuzhou_spider.health import assess
from tests.crawling import crawl_options, exported, run_crawl_deferred
from tests.groundtruth_compare import compare
from tests.portal_sites import OtherPortal, ServedSites

pytestmark = pytest.mark.crawl


def _check(crawler, db_url: str, articles: list) -> None:  # type: ignore[no-untyped-def]
    stats = crawler.stats.get_stats()
    outcome = assess(stats, stats["finish_reason"])
    assert outcome.status == "success", outcome.reason
    problems = compare(exported(db_url), articles)
    assert {kind: found[:3] for kind, found in problems.items() if found} == {}


@pytest.mark.parametrize("key", ["lzgov", "lztz"])
@pytest_twisted.inlineCallbacks
def test_each_of_two_sites_crawls_to_its_ground_truth(  # type: ignore[no-untyped-def]
    two_sites: ServedSites, tmp_path: Path, key: str
):
    db_url = f"sqlite:///{tmp_path / 'site.db'}"
    crawler = yield run_crawl_deferred(crawl_options(two_sites.portals[key], db_url))
    _check(crawler, db_url, two_sites.truth.sites[key].articles)


@pytest_twisted.inlineCallbacks
def test_a_portal_with_names_never_seen_crawls_to_its_ground_truth(  # type: ignore[no-untyped-def]
    other_portal: OtherPortal, tmp_path: Path
):
    db_url = f"sqlite:///{tmp_path / 'other.db'}"
    crawler = yield run_crawl_deferred(crawl_options(other_portal.served, db_url))
    _check(crawler, db_url, other_portal.truth.articles)
