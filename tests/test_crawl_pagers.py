"""A crawl meeting a list page whose pager script it cannot read ends unhealthy, naming
the page: its column would otherwise be crawled to that page only, in silence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import pytest_twisted

from liuzhou_spider.health import ExitCode, assess
from liuzhou_spider.portal.generate import build_site
from tests.crawling import crawl_options, run_crawl_deferred
from tests.portal_fixture import serve_portal

pytestmark = pytest.mark.crawl


@pytest_twisted.inlineCallbacks
def test_an_unreadable_pager_fails_the_run_naming_the_page(tmp_path: Path):  # type: ignore[no-untyped-def]
    build_site(tmp_path / "portal", size=150, seed=0)
    page = tmp_path / "portal" / "site" / "tzdt" / "szjj" / "bs" / "index.html"
    markup = page.read_text(encoding="utf-8")
    broken, n = re.subn(r"createPageHTML\(\d+, 0,", "createPageHTML(${pageCount}, 0,", markup)
    assert n == 1
    page.write_text(broken, encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'crawl.db'}"
    with serve_portal(tmp_path / "portal") as portal:
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    stats = crawler.stats.get_stats()
    assert stats["liuzhou/pager_unreadable"] == 1
    outcome = assess(stats, stats["finish_reason"])
    assert outcome.exit_code == ExitCode.UNHEALTHY, outcome
    assert "unreadable pager" in outcome.reason and "/tzdt/szjj/bs/" in outcome.reason
    assert outcome.checks["unreadable_pager_urls"][0].endswith("/tzdt/szjj/bs/")
