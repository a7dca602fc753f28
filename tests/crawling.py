"""Running a real crawl inside a test: the same settings ``liuzhou crawl`` builds.

Crawls run on the test session's reactor (pytest-twisted, asyncio reactor) through
``AsyncCrawlerRunner``, so one test process can run several crawls.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.crawler import AsyncCrawlerRunner
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

from liuzhou_spider.runner import CrawlOptions, build_settings, check_database
from liuzhou_spider.spiders.loader import site_spider
from storage.db import make_engine
from storage.export import iter_records
from tests.portal_fixture import ServedPortal


def crawl_options(portal: ServedPortal, db_url: str, **extra: Any) -> CrawlOptions:
    return CrawlOptions(
        db_url=db_url, start_urls=[portal.base_url], host_aliases=[portal.alias_host],
        log_level="WARNING", **extra,
    )


def run_crawl_deferred(options: CrawlOptions) -> Deferred:
    """Start one crawl on the test's reactor; the deferred fires with the crawler."""
    check_database(options.db_url)
    settings = build_settings(options)
    crawler = AsyncCrawlerRunner(settings).create_crawler(
        site_spider(options.site, options.sites_dir))
    d = deferred_from_coro(crawler.crawl_async(
        start_url=options.start_urls, host_alias=options.host_aliases,
    ))
    d.addCallback(lambda _: crawler)
    return d


def ground_truth(portal: ServedPortal) -> dict[str, Any]:
    return json.loads((portal.root / "ground_truth.json").read_text(encoding="utf-8"))


def exported(db_url: str, site: str | None = None) -> list[dict[str, Any]]:
    """The export records of a crawled database (of one site, when given)."""
    engine = make_engine(db_url)
    try:
        return list(iter_records(engine, site=site))
    finally:
        engine.dispose()


def query(db_url: str, sql: str) -> list[Any]:
    """Rows of one SQL statement on a crawled database (any backend)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            return list(connection.exec_driver_sql(sql).all())
    finally:
        engine.dispose()
