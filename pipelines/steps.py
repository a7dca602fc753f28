"""The Scrapy item pipelines around the pure cleaning and deduplication steps.

Each step is a thin adapter: it takes one record type, calls the pure function of its
module, counts what the crawl summary and the health checks need, and passes every
other record through untouched.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from liuzhou_spider.database import database_for
from liuzhou_spider.items import CleanArticle, RawArticle
from pipelines.cleaning import clean_article
from pipelines.dedup import Deduplicator

logger = logging.getLogger(__name__)


class CleaningStep:
    """RawArticle → CleanArticle; counts fallback use and chrome leaks."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawArticle):
            return item
        stats = self.crawler.stats
        assert stats is not None
        profile = self.crawler.spider.profile  # type: ignore[union-attr]
        try:
            # lxml releases the GIL for parsing; the event loop keeps downloading meanwhile.
            clean = await asyncio.to_thread(clean_article, item, profile)
        except Exception as exc:
            stats.inc_value("liuzhou/clean_errors")
            logger.exception("Could not clean %s", item.url)
            raise DropItem(f"cleaning failed: {item.url}") from exc
        if clean.extractor == "fallback":
            stats.inc_value("liuzhou/fallback_extractor")
        if clean.chrome_leaks:
            stats.inc_value("liuzhou/chrome_leaks")
            logger.warning("Chrome left in body of %s: %s", item.url, ", ".join(clean.chrome_leaks))
        if not clean.body_text:
            stats.inc_value("liuzhou/empty_bodies")
            logger.warning("No body text found at %s", item.url)
        return clean


class DedupStep:
    """CleanArticle → MergeDecision, against everything stored by earlier runs too."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.dedup = Deduplicator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        repository = database_for(self.crawler).repository
        known = await asyncio.to_thread(lambda: list(repository.load_known_articles()))
        self.dedup.load(known)
        logger.info("Deduplication index loaded with %d stored articles", len(known))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CleanArticle):
            return item
        decision = self.dedup.assign(item)
        stats = self.crawler.stats
        assert stats is not None
        if decision.is_new_article:
            stats.inc_value("liuzhou/articles_new")
        elif not decision.known_page:
            stats.inc_value("liuzhou/merged")
        return decision
