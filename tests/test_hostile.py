"""Real crawls of the hostile loopback site: what the crawler refuses, and its bounds.

Each crawl runs in this process against ``tests.hostile_server.HostileSite`` with small
budgets, so a trap ends in seconds; the verdict is the one a scheduled run would get.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted

from liuzhou_spider.health import RunOutcome, assess
from liuzhou_spider.runner import CrawlOptions
from tests.crawling import exported, query, run_crawl_deferred
from tests.groundtruth_compare import site_path
from tests.hostile_server import (
    MAINTENANCE_HTML,
    PNG_BYTES,
    GzipBomb,
    HostileSite,
    Huge,
    Page,
    Raw,
    Reset,
    Slow,
    article_html,
    article_url,
    calendar,
    chain,
    endless_pager,
    paragraphs_for,
)

pytestmark = pytest.mark.crawl

FAST = {"LIUZHOU_READING_PROCESSES": 0, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 5}


def crawl(site: HostileSite, db_url: str, **settings: Any) -> Any:
    """Crawl ``site`` once; the deferred fires with (outcome, stats)."""
    options = CrawlOptions(db_url=db_url, start_urls=[site.base_url], log_level="WARNING",
                           extra_settings={**FAST, **settings})
    d = run_crawl_deferred(options)

    def verdict(crawler: Any) -> tuple[RunOutcome, dict[str, Any]]:
        stats = crawler.stats.get_stats()
        return assess(stats, stats["finish_reason"]), stats

    return d.addCallback(verdict)


def stored(db_url: str) -> dict[str, tuple[str, str]]:
    """(title, body) of every stored article, by the path of its canonical URL."""
    return {r["canonical_url"].split("/", 3)[3]: (r["title"], r["body_text"])
            for r in exported(db_url)}


def run_row(db_url: str) -> tuple[str, str]:
    """(status, checks) of the last run."""
    return query(db_url, "SELECT status, checks FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]


@pytest_twisted.inlineCallbacks
def test_a_maintenance_page_served_with_200_overwrites_nothing(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        site.add_articles(6)
        outcome, _ = yield crawl(site, db_url)
        assert outcome.status == "success", outcome
        before = stored(db_url)
        assert len(before) == 6
        site.override = Page(MAINTENANCE_HTML)  # every page but the home page
        outcome, stats = yield crawl(site, db_url)
        incremental, _ = outcome, stats
        site.override = Page(MAINTENANCE_HTML)
        outcome_full, stats_full = yield crawl(site, db_url, LIUZHOU_FULL=True)
    assert stored(db_url) == before
    for verdict, counts in ((incremental, stats), (outcome_full, stats_full)):
        assert verdict.status == "unhealthy", verdict
        assert "refused" in verdict.reason and "not_site_page" in verdict.reason
        assert counts["liuzhou/refused/not_site_page"] >= 1
    assert stats["liuzhou/refused/not_site_page"] == 7  # the column and the six re-checked
    status, checks = run_row(db_url)
    assert status == "unhealthy" and '"not_site_page"' in checks


@pytest_twisted.inlineCallbacks
def test_binaries_empty_and_wrongly_declared_pages_are_refused(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    gbk = article_html(77).replace("utf-8", "gbk").encode("gbk")
    bad = {
        article_url(901): (Raw(PNG_BYTES), "binary"),
        article_url(902): (Raw(random.Random(3).randbytes(30000)), "binary"),
        article_url(903): (Raw(b""), "empty"),
        article_url(904): (Raw(b"\x00" * 5000), "empty"),
        article_url(905): (Raw(gbk, content_type="text/html; charset=utf-8"), "mojibake"),
        article_url(906): (Raw(PNG_BYTES, content_type="image/png"), "binary"),
    }
    with HostileSite() as site:
        good = site.add_articles(30)
        for path, (behaviour, _) in bad.items():
            site.route(path, behaviour)
        outcome, _stats = yield crawl(site, db_url, LIUZHOU_MAX_REFUSED_SHARE=0.5)
    articles = stored(db_url)
    # Bytes in another charset than declared are decoded as they really are, or refused.
    mislabelled = articles.pop(article_url(905).lstrip("/"), None)
    if mislabelled is not None:
        assert mislabelled[0] == "统战工作动态第77期"
        del bad[article_url(905)]
    assert sorted(articles) == sorted(p.lstrip("/") for p in good)
    expected: dict[str, int] = {}
    for _, reason in bad.values():
        expected[reason] = expected.get(reason, 0) + 1
    assert outcome.checks["refused"] == expected
    assert (outcome.status, outcome.exit_code) == ("partial", 3), outcome
    stored_urls = {site_path(url) for (url,) in query(db_url, "SELECT url FROM urls")}
    assert not stored_urls & set(bad)  # a refused page leaves no URL row either


@pytest_twisted.inlineCallbacks
def test_many_refused_pages_make_the_run_unhealthy(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        site.add_articles(10)
        for docid in range(900, 925):
            site.route(article_url(docid), Raw(b"\x00" * 100))
        outcome, _ = yield crawl(site, db_url)
    assert (outcome.status, outcome.exit_code) == ("unhealthy", 7), outcome
    assert "25 page(s) refused" in outcome.reason and "empty 25" in outcome.reason
    assert len(stored(db_url)) == 10


@pytest_twisted.inlineCallbacks
def test_a_body_cut_to_a_tenth_is_refused_a_slight_re_edit_and_a_short_article_are_not(  # type: ignore[no-untyped-def]
    tmp_path: Path,
):
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        cut, edited, steady = site.add_articles(3, first=500)
        outcome, _ = yield crawl(site, db_url)
        assert outcome.status == "success", outcome
        before = stored(db_url)
        paragraphs = paragraphs_for(500)
        site.route(cut, Page(article_html(500, paragraphs=[paragraphs[0][:30]])))
        shortened = paragraphs_for(501)[:-1]  # one paragraph of six removed: 83 %
        site.route(edited, Page(article_html(501, paragraphs=shortened)))
        short = site.route(article_url(600), Page(article_html(600, paragraphs=["详见附件。"])))
        outcome, _stats = yield crawl(site, db_url, LIUZHOU_FULL=True, LIUZHOU_MAX_REFUSED_SHARE=1)
    after = stored(db_url)
    assert after[cut.lstrip("/")] == before[cut.lstrip("/")]
    assert after[edited.lstrip("/")][1] == "\n".join(shortened)
    assert after[steady.lstrip("/")] == before[steady.lstrip("/")]
    assert after[short.lstrip("/")][1] == "详见附件。"
    assert outcome.checks["refused"] == {"shrunk": 1}
    assert outcome.status == "partial" and "shrunk 1" in outcome.reason


@pytest_twisted.inlineCallbacks
def test_the_same_page_at_many_urls_is_refused_past_the_limit(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    soft404 = article_html(1, title="页面不存在", paragraphs=["您访问的页面不存在或已被删除。"])
    with HostileSite() as site:
        site.add_articles(3)
        for docid in range(700, 712):
            site.route(article_url(docid), Page(soft404))
        outcome, _ = yield crawl(site, db_url, LIUZHOU_TRUST_SAME_BODY_LIMIT=4)
    assert outcome.checks["refused"] == {"repeated_body": 8}
    assert outcome.status == "unhealthy"


@pytest_twisted.inlineCallbacks
def test_traps_end_at_their_bounds_and_the_run_says_so(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A calendar, articles linking new articles forever, a pager claiming 100,000 pages,
    a redirect past the pager bound and an over-long link: bounded, and named."""
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        site.add_articles(3)
        site.route_prefix("/calendar/", calendar, link="/calendar/2024-01/")
        site.route_prefix("/chain/", chain, link="/chain/t20240301_0.html")
        site.route_prefix("/pager/", endless_pager, link="/pager/")
        site.route("/jump/", Raw(b"", status=302, headers={"Location": "/pager/index_500.html"}),
                   listed=False)
        site.home_links += ["/jump/", "/long/" + "x" * 400 + "/"]
        outcome, _stats = yield crawl(
            site, db_url, LIUZHOU_DEPTH_LIMIT=6, LIUZHOU_MAX_PAGER_PAGES=20,
            LIUZHOU_MAX_URL_LENGTH=300,
        )
        requested = site.fetched()
    assert len(requested) < 150
    assert len([p for p in requested if p.startswith("/pager/")]) <= 21
    assert not [p for p in requested if p.startswith("/long/")]
    assert "/pager/index_500.html" not in requested
    assert (outcome.status, outcome.exit_code) == ("unhealthy", 7), outcome
    cut = outcome.checks["bounds_cut"]
    assert set(cut) == {"depth", "pager_pages", "url_length"}, cut
    assert "LIUZHOU_DEPTH_LIMIT" in outcome.reason
    assert len(stored(db_url)) >= 3


@pytest_twisted.inlineCallbacks
def test_the_page_budget_ends_a_runaway_run(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        site.route_prefix("/chain/", chain, link="/chain/t20240301_0.html")
        outcome, stats = yield crawl(site, db_url, LIUZHOU_DEPTH_LIMIT=0,
                                     LIUZHOU_PAGE_BUDGET_MAX=40)
        requested = len(site.fetched())
    assert stats["finish_reason"] == "bound_page_budget"
    assert requested <= 40 + 16  # the budget, and what was already in flight
    assert (outcome.status, outcome.exit_code) == ("unhealthy", 7), outcome
    assert "page_budget" in outcome.reason
    status, checks = run_row(db_url)
    assert status == "unhealthy" and "page_budget" in checks
    assert stats["liuzhou/incremental"] is False


@pytest_twisted.inlineCallbacks
def test_after_a_run_cut_by_its_budget_the_next_run_crawls_everything(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An incremental run stops paging where stored articles begin: after a run that saw
    only part of the site, it would never reach the rest."""
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        site.add_articles(30)
        outcome, _ = yield crawl(site, db_url, LIUZHOU_PAGE_BUDGET_MAX=10)
        assert "page_budget" in outcome.reason
        outcome, stats = yield crawl(site, db_url)
        assert (outcome.status, stats["liuzhou/incremental"]) == ("success", False)
        assert len(stored(db_url)) == 30
        outcome, stats = yield crawl(site, db_url)
    assert (outcome.status, stats["liuzhou/incremental"]) == ("success", True)


@pytest_twisted.inlineCallbacks
def test_the_time_budget_ends_a_slow_run(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        site.route_prefix("/chain/", chain, link="/chain/t20240301_0.html")
        outcome, stats = yield crawl(site, db_url, LIUZHOU_DEPTH_LIMIT=0,
                                     LIUZHOU_TIME_BUDGET_MAX=1.5,
                                     CONCURRENT_REQUESTS_PER_DOMAIN=1, DOWNLOAD_DELAY=0.2)
    assert stats["finish_reason"] == "bound_time_budget"
    assert stats["elapsed_time_seconds"] < 5
    assert outcome.status == "unhealthy" and "time_budget" in outcome.reason


@pytest_twisted.inlineCallbacks
def test_resets_are_retried_then_counted_slow_answers_waited_for(tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        good = site.add_articles(4)
        site.routes[good[0]] = Reset(times=1, then=site.routes[good[0]])
        site.routes[good[1]] = Slow(0.5, then=site.routes[good[1]])
        site.route(article_url(990), Reset())
        outcome, stats = yield crawl(site, db_url)
    assert sorted(stored(db_url)) == sorted(p.lstrip("/") for p in good)
    assert stats["retry/max_reached"] == 1
    assert outcome.status == "partial" and "1 page(s) failed" in outcome.reason


CRAWL_IN_CHILD = """
import json, sys
from pathlib import Path
from liuzhou_spider.runner import CrawlOptions, run_crawl
db_url, start, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
result = run_crawl(CrawlOptions(db_url=db_url, start_urls=[start], log_level="ERROR",
                                extra_settings=settings))
status = Path("/proc/self/status").read_text()
peak_kib = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"status": result.outcome.status, "checks": result.outcome.checks,
                  "peak_mib": peak_kib // 1024}))
"""


def crawl_in_child(site: HostileSite, db_url: str, **settings: Any) -> dict[str, Any]:
    """Crawl in a child process: its verdict and its peak resident memory (MiB).

    The peak is the child's own high-water mark (``VmHWM``, reset when the child's
    program starts): what one crawl cost, whatever this test process holds.  (The
    ``ru_maxrss`` of a child includes its parent's size at the fork.)
    """
    output = subprocess.run(
        [sys.executable, "-c", CRAWL_IN_CHILD, db_url, site.base_url,
         json.dumps({**FAST, **settings})],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_gzip_bomb_and_a_huge_page_are_refused_within_bounded_memory(tmp_path: Path) -> None:
    """0.4 MB of gzip inflating to 400 MB, and 50 MB pages (with and without a declared
    length): each refused as too large, the crawl's peak memory far below any of them."""
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with HostileSite() as site:
        good = site.add_articles(3)
        site.route(article_url(950), GzipBomb(400 * 1024 * 1024))
        site.route(article_url(951), Huge(50 * 1024 * 1024))
        site.route(article_url(952), Huge(50 * 1024 * 1024, declare=False))
        verdict = crawl_in_child(site, db_url, LIUZHOU_MAX_REFUSED_SHARE=1)
    peak_mib = verdict["peak_mib"]
    assert verdict["checks"]["refused"] == {"too_large": 3}, verdict
    assert verdict["status"] == "partial"
    assert sorted(stored(db_url)) == sorted(p.lstrip("/") for p in good)
    assert peak_mib < 250, f"peak {peak_mib} MiB"
    print(f"peak resident memory of the crawl: {peak_mib} MiB")
