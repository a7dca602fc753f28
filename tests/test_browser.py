"""The report and the served pages in a real browser (headless Chromium).

One small crawl of the offline portal (``liuzhou demo``, twice: a first and an
incremental run) is what both show; every count a chart draws is checked against the
database's views, and no page may log a console error.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.reprocess import reprocess
from tests.browser import chromium, in_browser, screenshot
from tests.crawling import query
from tests.test_views import EXAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.crawl]
SIZE = 12  # articles in the offline portal: a few months, columns and merges


@dataclass
class Crawled:
    folder: Path
    db_url: str
    report: Path
    demo_output: str


def liuzhou(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "liuzhou_spider", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    """A crawl of the offline portal by ``liuzhou demo``, then ``liuzhou reprocess``: two
    runs (the second fetches nothing and has no health checks) for the per-run charts."""
    chromium()  # skip before crawling when there is no browser (fail in CI)
    folder = tmp_path_factory.mktemp("browser")
    db_url = f"sqlite:///{folder}/crawl.db"
    demo = liuzhou("demo", "--size", str(SIZE), "--db", db_url, cwd=folder)
    assert demo.returncode == 0, demo.stderr
    assert reprocess(db_url, workers=0).errors == 0
    report = liuzhou("report", "--db", "sqlite:///crawl.db", "-o", "report.html", cwd=folder)
    assert report.returncode == 0, report.stderr
    return Crawled(folder, db_url, folder / "report.html", demo.stdout + demo.stderr)


def test_demo_names_its_report_and_the_serve_command(crawled):
    said = crawled.demo_output.replace("\n", "")
    assert f"Report: {crawled.folder / 'liuzhou-report.html'}" in said
    assert f"liuzhou serve --db {crawled.db_url}" in said
    assert (crawled.folder / "liuzhou-report.html").stat().st_size > 0


def test_report_charts_draw_the_views_numbers(crawled, tmp_path):
    months = query(crawled.db_url, EXAMPLES[0])
    runs = query(crawled.db_url, "SELECT articles_new, articles_updated, pages_gone "
                                 "FROM v_crawl_runs ORDER BY run_id")
    merged = query(crawled.db_url, "SELECT count(*) FROM v_article_urls WHERE is_canonical = 0")
    checked = query(crawled.db_url, "SELECT count(*) FROM crawl_runs "
                                    "WHERE checks LIKE '%\"blocked\"%'")[0][0]

    def check(open_page):
        visit = open_page(crawled.report.as_uri())
        found = {
            "month bars": visit.count("svg[data-chart=months] rect.bar"),
            "months": visit.count("svg[data-chart=months] g.stack"),
            "articles": sum(visit.values("svg[data-chart=months] rect.bar")),
            "change bars": visit.values("svg[data-chart=changes] rect.bar"),
            "problem points": visit.count("svg[data-chart=problems] circle.point"),
            "duration points": visit.count("svg[data-chart=durations] circle.point"),
            "merged": sum(visit.values("svg[data-chart=merges] rect.bar")),
            "latest links": visit.count("#latest a[href^=http]"),
        }
        screenshot(visit, "report.png", tmp_path)
        return visit, found

    visit, found = in_browser(check)
    assert found == {
        "month bars": len(months),
        "months": len({row.month for row in months}),
        "articles": sum(row.articles for row in months),
        "change bars": [float(v) for run in runs for v in run],  # run by run: new, upd., gone
        "problem points": len(runs) + checked,  # errors of every run, blocks where checked
        "duration points": len(runs),
        "merged": merged[0][0],
        "latest links": min(SIZE, 20),
    }
    assert len(runs) == 2 and checked == 1
    assert visit.errors == []
    assert all(url.startswith("file:") for url in visit.requests)  # no network


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(crawled) -> Iterator[str]:
    """``liuzhou serve`` on the crawled database, on a free loopback port."""
    pytest.importorskip("datasette")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "liuzhou_spider", "serve", "--db", crawled.db_url,
         "--port", str(port)], cwd=crawled.folder, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_served_pages_queries_search_and_refusals(crawled, served, tmp_path):
    title, phrase = query(crawled.db_url, "SELECT title, substr(title, 2, 5) FROM v_articles "
                                          "ORDER BY article_id LIMIT 1")[0]
    runs = query(crawled.db_url, "SELECT count(*) FROM v_crawl_runs")[0][0]
    database = f"{served}/crawl"

    def check(open_page):
        pages = {}
        for name, path in {
            "home": "/", "runs": "/crawl/v_crawl_runs",
            "per month": "/crawl/01-articles-per-column-per-month",
        }.items():
            visit = open_page(served + path)
            pages[name] = (visit.count("table.rows-and-columns tbody tr"), visit.errors)
        browse = open_page(f"{database}/v_article_index")
        pages["articles"] = (browse.count("table.rows-and-columns tbody tr"), browse.errors)
        facets = browse.count(".facet-info")
        screenshot(browse, "serve.png", tmp_path, height=1300)
        search = open_page(f"{database}/search")
        search.page.fill("input[name=q]", phrase)
        search.page.press("input[name=q]", "Enter")
        search.page.wait_for_load_state("load")
        pages["search"] = (search.count("table.rows-and-columns tbody tr"), search.errors)
        found = search.page.inner_text("table.rows-and-columns")
        refused = open_page(f"{database}?sql=WITH x AS (SELECT 1) DELETE FROM articles")
        return pages, facets, found, refused.page.inner_text("body")

    pages, facets, found, refused = in_browser(check)
    for name, (rows, errors) in pages.items():
        assert errors == [], name
        assert rows >= 1 or name == "home", f"{name}: no row"
    assert pages["runs"][0] == runs
    assert facets == 5  # site, top-level column, column path, source, month
    assert title in found
    # Datasette lets a WITH ... DELETE through its SELECT check; the connection refuses it
    assert "attempt to write a readonly database" in refused
    assert query(crawled.db_url, "SELECT count(*) FROM v_articles")[0][0] == SIZE
