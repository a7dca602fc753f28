"""The bounds of a run (pure): link bounds, budgets, and what a cut run's verdict says."""

from __future__ import annotations

from scrapy.settings import Settings

from liuzhou_spider import bounds
from liuzhou_spider.bounds import Bounds, budget, cut_by, site_size
from liuzhou_spider.health import ExitCode, assess
from liuzhou_spider.runner import project_settings


def test_link_bounds() -> None:
    b = Bounds(depth_limit=3, max_url_length=60, max_pager_pages=10)
    assert b.refuse_link("https://h/tzdt/t20240102_1.html", 3) is None
    assert b.refuse_link("https://h/tzdt/t20240102_1.html", 4) == bounds.DEPTH
    assert b.refuse_link("https://h/tzdt/" + "a" * 60, 1) == bounds.URL_LENGTH
    assert b.refuse_link("https://h/tzdt/index_9.html", 1, pager=True) is None
    assert b.refuse_link("https://h/tzdt/index_10.html", 1, pager=True) == bounds.PAGER_PAGES
    # an article's number is no pager page
    assert b.refuse_link("https://h/tzdt/202401/t20240102_1054440.html", 1) is None
    assert Bounds(0, 0, 0).refuse_link("https://h/tzdt/index_99999.html" + "x" * 5000, 99) is None


def test_budget_follows_the_site_within_floor_and_ceiling() -> None:
    assert budget(None, 3, 5000, 300000) == 300000  # no complete run yet: the ceiling
    assert budget(0, 3, 5000, 300000) == 300000
    assert budget(100, 3, 5000, 300000) == 5000
    assert budget(35000, 3, 5000, 300000) == 105000
    assert budget(1e6, 3, 5000, 300000) == 300000


def test_default_bounds_fit_the_bench_portal() -> None:
    """The 20,000-article portal: about 35,000 pages, its largest column about 230 list
    pages, articles at depth 3-5; its first crawl and every later one fit the defaults."""
    settings = project_settings()
    first = Bounds.from_settings(settings, {})
    assert first.page_budget >= 2 * 35_000 and first.time_budget >= 24 * 3600
    later = Bounds.from_settings(settings, {"site_pages": 35_000, "site_seconds": 600})
    assert later.page_budget >= 2 * 35_000
    assert later.max_pager_pages >= 4 * 230
    assert later.depth_limit >= 2 * 5  # the offline portal's crawl reaches it all at 5
    assert settings.getint("DOWNLOAD_MAXSIZE") >= 100 * 50 * 1024  # 100 times a page


def test_bounds_from_settings() -> None:
    settings = Settings({
        "LIUZHOU_DEPTH_LIMIT": 4, "LIUZHOU_MAX_URL_LENGTH": 300, "LIUZHOU_MAX_PAGER_PAGES": 7,
        "LIUZHOU_PAGE_BUDGET_FACTOR": 2, "LIUZHOU_PAGE_BUDGET_MIN": 10,
        "LIUZHOU_PAGE_BUDGET_MAX": 1000, "LIUZHOU_TIME_BUDGET_FACTOR": 2,
        "LIUZHOU_TIME_BUDGET_MIN": 5, "LIUZHOU_TIME_BUDGET_MAX": 100,
    })
    b = Bounds.from_settings(settings, {"site_pages": 200, "site_seconds": 30})
    assert (b.depth_limit, b.max_url_length, b.max_pager_pages) == (4, 300, 7)
    assert (b.page_budget, b.time_budget) == (400, 60)


def test_cut_by_names_links_refused_and_the_budget_that_ended_the_run() -> None:
    stats = {"liuzhou/bounds/depth": 12, "liuzhou/bounds/url_length": 0}
    assert cut_by(stats, "finished") == {"depth": 12}
    assert cut_by({}, "bound_page_budget") == {"page_budget": 1}


def test_site_size_is_remembered_from_complete_runs_only() -> None:
    stats = {bounds.SITE_PAGES: 900, bounds.SITE_SECONDS: 50, "elapsed_time_seconds": 80.04}
    assert site_size(stats, 1000, True) == {"site_pages": 1000, "site_seconds": 80.0}
    assert site_size(stats, 100, True) == {"site_pages": 900, "site_seconds": 80.0}
    assert site_size(stats, 5000, False) == {"site_pages": 900, "site_seconds": 50}


def stats_of(pages: int, **more: int) -> dict[str, int]:
    return {"liuzhou/pages": pages, **{f"liuzhou/{k.replace('__', '/')}": v
                                      for k, v in more.items()}}


def test_a_run_cut_by_a_bound_is_unhealthy_and_names_it() -> None:
    outcome = assess(stats_of(100), "bound_page_budget")
    assert (outcome.status, outcome.exit_code) == ("unhealthy", ExitCode.UNHEALTHY)
    assert outcome.reason == "cut by bounds: page_budget reached (LIUZHOU_PAGE_BUDGET_*)"
    outcome = assess(stats_of(100, bounds__depth=40), "finished")
    assert outcome.status == "unhealthy"
    assert outcome.reason == "cut by bounds: 40 link(s) beyond depth (LIUZHOU_DEPTH_LIMIT)"
    assert outcome.checks["bounds_cut"] == {"depth": 40}


def test_refused_pages_few_partial_many_unhealthy() -> None:
    few = assess(stats_of(1000, refused=2, refused__binary=2), "finished")
    assert (few.status, few.exit_code) == ("partial", ExitCode.PARTIAL)
    assert "binary 2" in few.reason
    many = assess(stats_of(1000, refused=20, refused__shrunk=20), "finished")
    assert (many.status, many.exit_code) == ("unhealthy", ExitCode.UNHEALTHY)
    assert "shrunk 20" in many.reason
    share = assess(stats_of(40, refused=3, refused__mojibake=3), "finished")
    assert share.status == "unhealthy"
    assert share.checks["refused"] == {"mojibake": 3}
    clean = assess(stats_of(40), "finished")
    assert clean.status == "success" and clean.checks["refused"] == {}


def test_title_source_and_body_are_cut_at_their_caps() -> None:
    from liuzhou_spider.pages.article import parse_article
    from pipelines import cleaning
    from tests.hostile_server import article_html
    from tests.sites import LZTZ

    url = "https://www.lztz.gov.cn/tzdt/t20240102_1.html"
    paragraphs = [f"第{i}段" + "正文内容。" * 40_000 for i in range(6)]
    page = article_html(1, title="标" * 1_000_000, paragraphs=paragraphs)
    page = page.replace("来源：市委统战部", "来源：" + "源" * 5000)
    clean = cleaning.clean_article(parse_article(page, url, LZTZ), LZTZ)
    assert clean.capped == ("title", "source", "body")
    assert len(clean.title) == cleaning.MAX_TITLE_CHARS
    assert clean.source is not None and len(clean.source) == cleaning.MAX_SOURCE_CHARS
    assert len(clean.body_text) == cleaning.MAX_BODY_CHARS
    assert len(clean.body_html) <= cleaning.MAX_BODY_HTML_CHARS + 100
    normal = cleaning.clean_article(parse_article(article_html(2), url, LZTZ), LZTZ)
    assert normal.capped == ()
    outcome = assess({"liuzhou/pages": 10, "liuzhou/capped/title": 1}, "finished")
    assert outcome.status == "partial" and "title 1" in outcome.reason
