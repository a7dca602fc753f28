"""A crawl of the offline portal with template variants the profile does not know.

The older table layout (``<title>`` only the site name, the leaf column name above the
title, date and source in cells of their own, no site menu on half of the pages) and
stories that repeat one of their own paragraphs: the crawl must read every field as a
careful reader would, with no template written for them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_twisted

from liuzhou_spider.health import assess
from liuzhou_spider.portal.generate import build_site
from tests.crawling import crawl_options, exported, ground_truth, run_crawl_deferred
from tests.groundtruth_compare import compare
from tests.portal_fixture import serve_portal

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def variant_portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("variants")
    build_site(root, size=150, seed=0, variants=True)
    return root


@pytest_twisted.inlineCallbacks
def test_variant_portal_crawls_to_its_ground_truth(variant_portal: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    with serve_portal(variant_portal) as portal:
        truth = ground_truth(portal)
        db_url = f"sqlite:///{tmp_path / 'variants.db'}"
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    stats = crawler.stats.get_stats()
    outcome = assess(stats, stats["finish_reason"])
    assert outcome.status == "success", outcome.reason
    assert any(page["template"] == "table" for page in truth["pages"])
    problems = compare(exported(db_url), truth["articles"])
    assert {kind: found[:3] for kind, found in problems.items() if found} == {}


@pytest_twisted.inlineCallbacks
def test_column_paths_that_cannot_be_settled_make_the_run_partial(  # type: ignore[no-untyped-def]
    variant_portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from liuzhou_spider.pages.learned import LearnedSite
    from storage.repository import Repository

    def refuse(self, settled, *, site):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    # Whichever order the crawl met the pages in, there is a path to settle.
    found = LearnedSite.settled_columns
    monkeypatch.setattr(LearnedSite, "settled_columns",
                        lambda self: found(self) or {"http://x/a/b/t1.html": (["b"], ["a", "b"])})
    monkeypatch.setattr(Repository, "settle_columns", refuse)
    with serve_portal(variant_portal) as portal:
        db_url = f"sqlite:///{tmp_path / 'unsettled.db'}"
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    stats = crawler.stats.get_stats()
    outcome = assess(stats, stats["finish_reason"])
    # The paths stay as read, and the run says a write failed instead of success.
    assert stats.get("liuzhou/columns_settled") is None
    assert outcome.status == "partial" and stats["liuzhou/write_errors"] == 1
    assert exported(db_url)  # what was stored stays
