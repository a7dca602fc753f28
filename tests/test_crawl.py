"""Real Scrapy crawls of the offline portal, in-process, against a loopback server.

One full crawl (with transient faults injected) is shared by the assertions of this
module: it is the expensive part, and every assertion reads the same run.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_twisted

from liuzhou_spider.health import assess
from tests.crawling import crawl_options, exported, ground_truth, query, run_crawl_deferred
from tests.groundtruth_compare import compare, site_path
from tests.portal_fixture import serve_portal

pytestmark = pytest.mark.crawl


FAULTS = [
    {"path": "/__FIRST_ARTICLE__", "kind": "500", "times": 2},
    {"path": "/__SECOND_ARTICLE__", "kind": "truncated", "times": 1},
    {"path": "/__THIRD_ARTICLE__", "kind": "slow", "times": 1, "delay": 1.0},
    {"path": "/__COLUMN__", "kind": "503", "times": 1, "retry_after": 1},
]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory, portal_dir: Path) -> dict[str, Any]:
    """Placeholder: filled by ``test_full_crawl`` (module state shared with later tests)."""
    return {}


@pytest_twisted.inlineCallbacks
def test_full_crawl(crawled: dict[str, Any], portal_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    with serve_portal(portal_dir) as portal:
        truth = ground_truth(portal)
        article_paths = [a["canonical_url"] for a in truth["articles"]]
        faulted = {
            "/__FIRST_ARTICLE__": article_paths[3],
            "/__SECOND_ARTICLE__": article_paths[7],
            "/__THIRD_ARTICLE__": article_paths[11],
            "/__COLUMN__": truth["column_urls"][1],
        }
        for fault in FAULTS:
            portal.control("fault", {**fault, "path": faulted[fault["path"]]})
        db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
        requests = portal.requests()
        crawled.update(
            truth=truth, requests=requests, stats=crawler.stats.get_stats(), db_url=db_url,
            faulted=set(faulted.values()), portal_dir=portal_dir, port=portal.port,
        )
    outcome = assess(crawled["stats"], crawled["stats"]["finish_reason"])
    assert outcome.status == "success", outcome


def test_every_article_url_was_reached(crawled: dict[str, Any]) -> None:
    requested = {site_path(r["path"]) for r in crawled["requests"] if r["status"] == 200}
    expected = {u for a in crawled["truth"]["articles"] for u in a["urls"]}
    assert expected - requested == set()
    pager_only = set(crawled["truth"]["pager_only_article_urls"])
    assert pager_only, "the portal must hide some articles behind pager pages 2+"
    assert pager_only <= requested


def test_no_request_to_disallowed_paths_or_other_hosts(crawled: dict[str, Any]) -> None:
    disallowed = tuple(crawled["truth"]["robots_disallowed"])
    assert not [r for r in crawled["requests"] if r["path"].startswith(disallowed)]
    hosts = {r["host"].split(":")[0] for r in crawled["requests"]}
    assert hosts <= {"127.0.0.1", "127.0.0.2"}
    assert crawled["stats"].get("liuzhou/offsite_refused", 0) == 0


def test_each_canonical_page_is_fetched_once(crawled: dict[str, Any]) -> None:
    # Faults match path prefixes: a page that answered a fault was rightly asked again.
    retried = crawled["faulted"] | {
        r["path"] for r in crawled["requests"] if r["status"] in (500, 503)
    }
    served = Counter(
        r["path"] + (f"?{r['query']}" if r.get("query") else "")
        for r in crawled["requests"]
        if r["path"] not in retried and r["path"] != "/robots.txt"
    )
    assert [path for path, n in served.items() if n > 1] == []
    assert all(urlsplit(r["path"]).path == r["path"] for r in crawled["requests"])


def test_transient_faults_were_recovered(crawled: dict[str, Any]) -> None:
    # A fault matches a path prefix, so the column's 503 may land on a known dead link
    # under that column: retried, it rightly ends with the page's real answer, 404.
    dead = set(crawled["truth"]["dead_links"])
    faulted = crawled["faulted"] | {
        r["path"] for r in crawled["requests"] if r["status"] in (500, 503)
    }
    for path in faulted:
        statuses = [r["status"] for r in crawled["requests"] if r["path"] == path]
        assert statuses[-1] == (404 if site_path(path) in dead else 200), (path, statuses)


def test_export_equals_ground_truth(crawled: dict[str, Any]) -> None:
    problems = compare(exported(crawled["db_url"]), crawled["truth"]["articles"])
    assert {k: v for k, v in problems.items() if v} == {}


def test_filing_numbers_are_reconciled(crawled: dict[str, Any]) -> None:
    rows = query(crawled["db_url"], "SELECT kind, value, is_canonical FROM v_registrations")
    canonical = {kind: value for kind, value, flag in rows if flag}
    expected = crawled["truth"]["registrations"]
    assert canonical == {kind: expected[kind]["canonical"] for kind in ("icp", "psb")}
    assert {value for _, value, flag in rows if not flag}


@pytest_twisted.inlineCallbacks
def test_recrawl_adds_no_article(crawled: dict[str, Any]):  # type: ignore[no-untyped-def]
    before = exported(crawled["db_url"])
    with serve_portal(crawled["portal_dir"], crawled["port"]) as portal:
        yield run_crawl_deferred(crawl_options(portal, crawled["db_url"], full=True))
    after = exported(crawled["db_url"])
    assert len(after) == len(before)
    assert {r["id"] for r in after} == {r["id"] for r in before}


@pytest_twisted.inlineCallbacks
def test_bot_challenge_blocks_the_run(portal_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    with serve_portal(portal_dir) as portal:
        portal.control("fault", {"path": "*", "kind": "412", "times": None})
        db_url = f"sqlite:///{tmp_path / 'blocked.db'}"
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    stats = crawler.stats.get_stats()
    outcome = assess(stats, stats["finish_reason"])
    assert outcome.status == "blocked"
    assert exported(db_url) == []


def test_run_rows_count_what_happened(crawled: dict[str, Any]) -> None:
    runs = query(crawled["db_url"], "SELECT status, articles_new, duplicates_merged, "
                                    "pages_fetched FROM v_crawl_runs ORDER BY run_id")
    truth = crawled["truth"]["articles"]
    pages = sum(len(a["urls"]) for a in truth)
    first, again = runs[0], runs[-1]
    assert first.articles_new == len(truth)
    assert first.duplicates_merged == pages - len(truth)
    assert again.articles_new == 0 and again.duplicates_merged == 0
    assert again.pages_fetched > 0


@pytest_twisted.inlineCallbacks
def test_crawl_into_each_database(db_url: str, portal_dir: Path):  # type: ignore[no-untyped-def]
    """The same crawl on SQLite and on the PostgreSQL server gives the ground truth."""
    with serve_portal(portal_dir) as portal:
        truth = ground_truth(portal)
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    stats = crawler.stats.get_stats()
    assert assess(stats, stats["finish_reason"]).status == "success"
    problems = compare(exported(db_url), truth["articles"])
    assert {k: v for k, v in problems.items() if v} == {}


def test_every_pager_form_is_crawled_to_its_last_page(crawled: dict[str, Any]) -> None:
    """Inline pager definitions, the ``countPage``/``document.write`` form and a
    1-based pager (``index_2.html`` the second page) included."""
    from liuzhou_spider.portal.plan import COLUMNS
    from liuzhou_spider.portal.render import pager_form

    site = crawled["portal_dir"] / "site"
    requested = {site_path(r["path"]) for r in crawled["requests"] if r["status"] == 200}
    last_pages: dict[str, list[str]] = {}
    for column in COLUMNS:
        pages = sorted(
            (site / column.path).glob("index_*.html"),
            key=lambda p: int(p.stem.split("_")[1]),
        )
        if pages:
            last = f"/{column.path}/{pages[-1].name}"
            last_pages.setdefault(pager_form(column), []).append(last)
    assert {"inline", "written", "one_based"} <= set(last_pages)
    missing = {form: sorted(set(p) - requested) for form, p in last_pages.items()}
    assert {form: p for form, p in missing.items() if p} == {}
    assert crawled["stats"].get("liuzhou/pager_unreadable", 0) == 0
    # and no pager page that does not exist was asked for (a 1-based pager has no _1)
    assert [r["path"] for r in crawled["requests"]
            if r["status"] == 404 and "/index_" in r["path"]] == []
