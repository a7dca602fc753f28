"""robots.txt per RFC 9309 against a real crawl: 5xx or no answer means "not now"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_twisted

from liuzhou_spider.health import assess
from liuzhou_spider.portal.generate import build_site
from liuzhou_spider.robots import ALLOW_ALL, DISALLOW_ALL, rules_for_status
from tests.crawling import crawl_options, exported, query, run_crawl_deferred
from tests.portal_fixture import serve_portal


@pytest.mark.parametrize(("status", "rules"), [
    (200, b"User-agent: *\nDisallow: /x/\n"), (404, ALLOW_ALL), (403, ALLOW_ALL),
    (410, ALLOW_ALL), (429, DISALLOW_ALL), (500, DISALLOW_ALL), (503, DISALLOW_ALL),
])
def test_rules_for_each_answer(status: int, rules: bytes) -> None:
    assert rules_for_status(status, b"User-agent: *\nDisallow: /x/\n") == rules


@pytest.fixture(scope="module")
def small_portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("robots-portal")
    build_site(root, size=20, seed=3, revision=1)
    return root


def robots_run(portal_dir: Path, tmp_path: Path, kind: str) -> Any:
    """Crawl with every robots.txt request answered by fault ``kind``; return
    (outcome, paths requested other than robots.txt, database URL)."""
    db_url = f"sqlite:///{tmp_path / (kind + '.db')}"
    with serve_portal(portal_dir) as portal:
        portal.control("fault", {"path": "/robots.txt", "kind": kind, "times": None,
                                 "retry_after": 0})
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
        fetched = [r["path"] for r in portal.requests() if r["path"] != "/robots.txt"]
    stats = crawler.stats.get_stats()
    return assess(stats, stats["finish_reason"]), fetched, db_url


@pytest.mark.crawl
@pytest.mark.parametrize("kind", ["503", "500", "truncated"])
@pytest_twisted.inlineCallbacks
def test_unreachable_robots_txt_disallows_everything_and_says_so(  # type: ignore[no-untyped-def]
    small_portal: Path, tmp_path: Path, kind: str
):
    outcome, fetched, db_url = yield from robots_run(small_portal, tmp_path, kind)
    assert fetched == []
    assert outcome.status == "failed" and "robots.txt" in outcome.reason
    assert outcome.checks["robots_refused"] > 0
    assert query(db_url, "SELECT status FROM crawl_runs") == [("failed",)]


@pytest.mark.crawl
@pytest_twisted.inlineCallbacks
def test_missing_robots_txt_allows_everything(  # type: ignore[no-untyped-def]
    small_portal: Path, tmp_path: Path
):
    outcome, fetched, db_url = yield from robots_run(small_portal, tmp_path, "404")
    assert outcome.status == "success", outcome.reason
    assert fetched and len(exported(db_url)) == 20


def test_a_run_with_refusals_is_never_a_success() -> None:
    refused = {"liuzhou/robots_unreachable_refused": 3,
               "liuzhou/robots_unreachable_hosts": ["127.0.0.2:8000"]}
    some = assess({"liuzhou/pages": 40, **refused}, "finished")
    assert (some.status, some.exit_code) == ("partial", 3)
    assert "robots.txt of 127.0.0.2:8000 unreachable" in some.reason
    none = assess({**refused}, "finished")
    assert none.status == "failed" and "robots.txt" in none.reason
    assert assess({"liuzhou/pages": 40}, "finished").status == "success"
