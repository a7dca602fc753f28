"""Incremental crawls: revision 1, then revision 2 of the portal on the same port.

Revision 2 adds, edits and deletes a few articles and leaves every other byte as it
was; the second run must fetch what changed, get 304 (or skip) for the rest, record
every change and add no duplicate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted

from liuzhou_spider.portal.generate import build_revisions
from tests.crawling import crawl_options, exported, query, run_crawl_deferred
from tests.groundtruth_compare import site_path
from tests.portal_fixture import serve_portal

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def revisions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("revisions")
    build_revisions(root, size=150, seed=0)
    return root


def truth(root: Path, revision: int) -> dict[str, Any]:
    return json.loads((root / f"rev{revision}" / "ground_truth.json").read_text("utf-8"))


@pytest_twisted.inlineCallbacks
def test_second_revision_fetches_only_what_changed(revisions: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'incremental.db'}"
    changes = truth(revisions, 2)["changes"]
    with serve_portal(revisions) as portal:
        yield run_crawl_deferred(crawl_options(portal, db_url))
        first = exported(db_url)
        portal.control("reset", {})
        portal.control("revision?n=2", {"n": 2})
        crawler = yield run_crawl_deferred(crawl_options(
            portal, db_url, extra_settings={"LIUZHOU_RECHECK_LIMIT": 1000},
        ))
        log = portal.requests()
    stats = crawler.stats.get_stats()

    article_paths = {a for art in truth(revisions, 1)["articles"] for a in art["urls"]}
    article_paths |= set(changes["new"])
    answers = {r["path"]: r["status"] for r in log if r["path"] in article_paths}
    unchanged = article_paths - set(changes["new"]) - set(changes["edited"]) - set(
        changes["deleted"]
    )
    fetched_again = [p for p in unchanged if answers.get(p) == 200]
    share = 1 - len(fetched_again) / len(unchanged)
    print(f"unchanged article pages answered 304 or skipped: {share:.1%}")
    assert share >= 0.9
    for path in (*changes["new"], *changes["edited"]):
        assert answers.get(path) == 200, path
    for path in changes["deleted"]:
        assert answers.get(path) in (404, 410), path

    second = exported(db_url)
    assert {site_path(r["canonical_url"]) for r in second} >= set(changes["new"])
    assert len(second) == len(first) + len(changes["new"])
    gone_rows = query(db_url, "SELECT url FROM urls WHERE gone_at IS NOT NULL")
    gone = {site_path(url) for (url,) in gone_rows}
    assert set(changes["deleted"]) <= gone
    versions = query(db_url, "SELECT COUNT(*) FROM article_versions")[0][0]
    assert versions >= len(changes["edited"])
    edited = {site_path(r["canonical_url"]): r for r in second}
    expected = {a["canonical_url"]: a for a in truth(revisions, 2)["articles"]}
    for path in changes["edited"]:
        assert edited[path]["body_text"].split() == expected[path]["body_text"].split()
    runs = query(db_url, "SELECT status, articles_new, articles_updated, pages_not_modified, "
                         "pages_gone FROM v_crawl_runs ORDER BY run_id")
    assert [r[0] for r in runs] == ["success", "success"]
    assert runs[1][1] == len(changes["new"])
    assert runs[1][2] >= len(changes["edited"])
    assert runs[1][3] >= 0.9 * len(unchanged)
    assert runs[1][4] >= len(changes["deleted"])
    assert stats.get("liuzhou/not_modified", 0) > 0


@pytest_twisted.inlineCallbacks
def test_a_column_that_stops_listing_articles_fails_the_run(revisions: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'collapse.db'}"
    with serve_portal(revisions) as portal:
        yield run_crawl_deferred(crawl_options(portal, db_url))
        portal.control("fault", {"path": "/gzsx/", "kind": "404", "times": None})
        yield run_crawl_deferred(crawl_options(portal, db_url))
    runs = query(db_url, "SELECT status FROM v_crawl_runs ORDER BY run_id")
    assert [status for (status,) in runs] == ["success", "unhealthy"]
