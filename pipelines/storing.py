"""The storing step: batched writes in a worker thread, one transaction per batch.

The event loop never waits on the database: records are buffered, and a full buffer is
handed to ``Repository.write_batch`` in a thread.  Batches are written in order (a lock)
so a page's fetch and its merge decision never overtake each other.  Every committed
batch stays committed; the run's row says whether the run finished.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from liuzhou_spider.database import database_for
from liuzhou_spider.field_quality import FIELD_QUALITY, Thresholds, failures
from liuzhou_spider.health import (
    COLUMN_LINKS,
    FIELD_FAILURES,
    assess,
    collapsed_columns,
    error_count,
)
from liuzhou_spider.items import MergeDecision, PageFetch
from pipelines.dedup import article_id_for
from pipelines.reconcile import reconcile

logger = logging.getLogger(__name__)


class StoringStep:
    """Buffers PageFetch and MergeDecision records and writes them in batches."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch_size = crawler.settings.getint("LIUZHOU_BATCH_SIZE", 200)
        self.fetches: list[PageFetch] = []
        self.decisions: list[MergeDecision] = []
        self.lock = asyncio.Lock()
        self.run_id: int | None = None
        self.counts = {"articles_new": 0, "articles_updated": 0, "duplicates_merged": 0}
        # Signal receivers are weak references: connect a bound method of this object.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def repository(self):  # type: ignore[no-untyped-def]
        return database_for(self.crawler).repository

    async def open_spider(self) -> None:
        repository = self.repository
        await asyncio.to_thread(repository.mark_interrupted_runs)
        options = dict(self.crawler.settings.getdict("LIUZHOU_RUN_OPTIONS"))
        self.run_id = await asyncio.to_thread(repository.start_run, options)
        self.crawler.stats.set_value("liuzhou/run_id", self.run_id)  # type: ignore[union-attr]

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, PageFetch):
            self.fetches.append(item)
        elif isinstance(item, MergeDecision):
            if item.article.fetch is not None:  # its fetch travelled with the article
                self.fetches.append(item.article.fetch)
            self.decisions.append(item)
            self._count(item)
        else:
            return item
        if len(self.fetches) + len(self.decisions) >= self.batch_size:
            await self.flush()
        return item

    def _count(self, decision: MergeDecision) -> None:
        if decision.is_new_article:
            self.counts["articles_new"] += 1
            return
        if not decision.known_page:
            self.counts["duplicates_merged"] += 1  # another URL joined an article
        if decision.body_replaced:
            self.counts["articles_updated"] += 1

    async def flush(self) -> None:
        """Write what is buffered as one transaction, in a worker thread."""
        async with self.lock:
            fetches, self.fetches = self.fetches, []
            decisions, self.decisions = self.decisions, []
            if not fetches and not decisions:
                return
            assert self.run_id is not None
            await asyncio.to_thread(
                self.repository.write_batch, self.run_id, fetches, decisions
            )

    async def close_spider(self) -> None:
        await self.flush()
        repository = self.repository
        # Streamed through the rule in the thread: one pass, no list of every sighting.
        verdicts = await asyncio.to_thread(
            lambda: reconcile(repository.registration_observations()))
        await asyncio.to_thread(repository.set_registration_verdicts, verdicts)

    def thresholds(self) -> Thresholds:
        """The field-quality thresholds of the settings (``LIUZHOU_FIELD_*``)."""
        settings = self.crawler.settings
        return Thresholds(
            floors={k: float(v) for k, v in settings.getdict("LIUZHOU_FIELD_FLOORS").items()},
            max_drop=settings.getfloat("LIUZHOU_FIELD_MAX_DROP", 0.25),
            min_articles=settings.getint("LIUZHOU_FIELD_MIN_ARTICLES", 20),
        )

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """Finish the run's row once the crawl's outcome is known."""
        if self.run_id is None:
            return
        crawl_stats = self.crawler.stats
        assert crawl_stats is not None
        column_links = {
            key.removeprefix(COLUMN_LINKS): int(value)
            for key, value in crawl_stats.get_stats().items() if key.startswith(COLUMN_LINKS)
        }
        previous = await asyncio.to_thread(self.repository.previous_run_checks, self.run_id)
        collapsed = collapsed_columns(previous.get("column_links") or {}, column_links)
        if collapsed and reason == "finished":
            crawl_stats.set_value("liuzhou/collapsed_columns", collapsed)
        quality = crawl_stats.get_value(FIELD_QUALITY) or {}
        failed_fields = failures(quality, previous.get("field_quality"), self.thresholds())
        if failed_fields and reason == "finished":
            crawl_stats.set_value(FIELD_FAILURES, failed_fields)
        stats = crawl_stats.get_stats()
        outcome = assess(
            stats, reason,
            max_error_rate=self.crawler.settings.getfloat("LIUZHOU_MAX_ERROR_RATE", 0.2),
        )
        counts = {
            **self.counts,
            "pages_fetched": int(stats.get("liuzhou/pages", 0))
            + int(stats.get("liuzhou/not_modified", 0)),
            "errors": error_count(stats),
            "pages_not_modified": int(stats.get("liuzhou/not_modified", 0)),
            "pages_gone": int(stats.get("liuzhou/gone", 0)),
        }
        checks = {**outcome.checks, "reason": outcome.reason, "finish_reason": reason,
                  "column_links": column_links, "field_quality": quality}
        if outcome.status != "interrupted":
            await asyncio.to_thread(self.repository.settle_article_ids, self.run_id,
                                    article_id_for)
        await asyncio.to_thread(
            self.repository.finish_run, self.run_id, outcome.status, counts, checks
        )
        self.crawler.stats.set_value("liuzhou/outcome", outcome.status)  # type: ignore[union-attr]
