"""The storing step: batched writes in a worker thread, one transaction per batch.

The event loop never waits on the database: records are buffered, and a full buffer is
handed to ``Repository.write_batch`` in a thread.  Batches are written in order (a lock)
so a page's fetch and its merge decision never overtake each other.  Every committed
batch stays committed; the run's row says whether the run finished.

Nothing is dropped quietly.  A batch whose write fails is kept and written again after a
pause (a locked or briefly full database recovers); if it still fails it is written page
by page, so one value the database rejects costs one page, not a hundred; a page that
cannot be stored at all is logged and counted (``liuzhou/write_errors``), and the health
verdict fails the run or makes it partial, naming storage.  When nothing at all can be
written any more (a full disk) the crawl stops instead of fetching pages it cannot keep.
Errors raised by any pipeline step are counted too (``liuzhou/item_errors``): Scrapy only
logs them.

Everything is the crawl's site's (its profile name, ``Database.site``): the run's row,
the rows its batches write, the filing-number verdicts reconciled when it closes.  Once
the article ids have settled, the site's articles are linked with their reposts on the
other sites of the database (``pipelines.stories``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from liuzhou_spider.database import database_for
from liuzhou_spider.field_quality import FIELD_QUALITY, Thresholds, failures
from liuzhou_spider.health import (
    COLUMN_LINKS,
    FIELD_FAILURES,
    STORAGE_FAILED,
    assess,
    collapsed_columns,
    error_count,
)
from liuzhou_spider.items import MergeDecision, PageFetch
from pipelines.dedup import article_id_for
from pipelines.page_reading import DEDUP_CONFIG
from pipelines.reconcile import reconcile, unexpected_filings
from pipelines.stories import link_stories
from storage.repository import SETTLED

logger = logging.getLogger(__name__)

Unit = tuple[list[PageFetch], list[MergeDecision]]


def pages_of(fetches: list[PageFetch], decisions: list[MergeDecision]) -> list[Unit]:
    """A batch cut into pages: each decision with the fetches of its URL, then the rest."""
    by_url: dict[str, list[PageFetch]] = {}
    for fetch in fetches:
        by_url.setdefault(fetch.url, []).append(fetch)
    units: list[Unit] = [(by_url.pop(d.article.raw.url, []), [d]) for d in decisions]
    return units + [(page_fetches, []) for page_fetches in by_url.values()]


def one_line(exc: BaseException) -> str:
    """An exception in one line: a database error's message runs over several."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def urls_of(units: Iterable[Unit]) -> set[str]:
    """The page URLs of some units (what a lost unit costs, counted once per page)."""
    return {f.url for fs, _ in units for f in fs} | {
        d.article.raw.url for _, ds in units for d in ds}


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
        self.edited: set[str] = set()  # articles whose title or body this run changed
        settings = crawler.settings
        self.retries = settings.getint("LIUZHOU_WRITE_RETRIES", 3)
        self.backoff = settings.getfloat("LIUZHOU_WRITE_BACKOFF", 0.5)
        self.failures_to_stop = settings.getint("LIUZHOU_WRITE_FAILURES_TO_STOP", 3)
        self.failed_batches = 0  # consecutive batches of which not one page was stored
        self.stopping: asyncio.Task[None] | None = None  # the crawl stopped for storage
        self.closing = False
        # Signal receivers are weak references: connect bound methods of this object.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_error, signal=signals.item_error)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def repository(self):  # type: ignore[no-untyped-def]
        return database_for(self.crawler).repository

    @property
    def site(self) -> str:
        return database_for(self.crawler).site

    async def open_spider(self) -> None:
        repository = self.repository
        await asyncio.to_thread(repository.mark_interrupted_runs)
        options = dict(self.crawler.settings.getdict("LIUZHOU_RUN_OPTIONS"))
        self.run_id = await asyncio.to_thread(repository.start_run, options, site=self.site)
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

    def item_error(self, item: Any, response: Any, spider: Spider, failure: Any) -> None:
        """A pipeline step raised on an item: Scrapy logs it, the verdict must count it."""
        self.crawler.stats.inc_value("liuzhou/item_errors")  # type: ignore[union-attr]

    async def flush(self) -> None:
        """Write what is buffered as one transaction, in a worker thread.

        The buffer is handed over only to be written: a batch that fails is retried, then
        written page by page, and what still fails is counted, never dropped unnoticed.
        """
        async with self.lock:
            fetches, self.fetches = self.fetches, []
            decisions, self.decisions = self.decisions, []
            if not fetches and not decisions:
                return
            assert self.run_id is not None
            if await self._write_retried(fetches, decisions):
                self.failed_batches = 0
                return
            pages = pages_of(fetches, decisions)
            lost = [page for page in pages if not await self._write(*page, level=logging.DEBUG)]
            self._count_lost(lost, everything=len(lost) == len(pages))

    async def _write_retried(self, fetches: list[PageFetch],
                             decisions: list[MergeDecision]) -> bool:
        """Write one batch, trying again after growing pauses; False if it never went in."""
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            level = logging.WARNING if attempt < self.retries else logging.ERROR
            if await self._write(fetches, decisions, level=level):
                return True
        return False

    async def _write(self, fetches: list[PageFetch], decisions: list[MergeDecision], *,
                     level: int) -> bool:
        """One transaction in the worker thread; False (the error logged at ``level``, in
        one line) if it failed."""
        assert self.run_id is not None
        try:
            result = await asyncio.to_thread(
                self.repository.write_batch, self.run_id, fetches, decisions)
        except Exception as exc:
            logger.log(level, "Database write of %d page(s) failed: %s",
                       len(urls_of([(fetches, decisions)])), one_line(exc))
            return False
        stats = self.crawler.stats
        assert stats is not None
        if result.repaired:
            stats.inc_value("liuzhou/values_repaired", len(result.repaired))
        self.edited |= result.edited
        self.counts["articles_updated"] = len(self.edited)
        return True

    def _count_lost(self, lost: list[Unit], *, everything: bool) -> None:
        """Count the pages that could not be stored; stop a crawl that can store nothing."""
        if not lost:
            self.failed_batches = 0
            return
        urls = sorted(urls_of(lost))
        logger.error("%d page(s) not stored (database write failed), the first: %s",
                     len(urls), ", ".join(urls[:3]))
        for url in urls:
            logger.info("Page not stored: %s", url)
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("liuzhou/write_errors", len(urls))
        self.failed_batches = self.failed_batches + 1 if everything else 0
        engine = self.crawler.engine
        if (self.failures_to_stop and self.failed_batches >= self.failures_to_stop
                and engine and not self.closing and self.stopping is None):
            logger.error("%d batches in a row could not be stored: stopping the crawl",
                         self.failed_batches)
            self.stopping = asyncio.get_running_loop().create_task(
                engine.close_spider_async(reason=STORAGE_FAILED))

    async def close_spider(self) -> None:
        self.closing = True  # the engine is closing already: no second close
        await self.flush()
        repository = self.repository
        profile = self.crawler.spider.profile  # type: ignore[union-attr]
        await self.settle_columns()
        try:
            # Streamed through the rule in the thread: one pass, no list of every sighting.
            # Per site: each portal shows its own filing numbers.
            site = self.site
            verdicts = await asyncio.to_thread(lambda: reconcile(
                repository.registration_observations(site=site), profile.current_templates))
            await asyncio.to_thread(repository.set_registration_verdicts, verdicts, site=site)
            for line in unexpected_filings(verdicts, profile.filings):
                logger.warning("Filing number not the site's known one (%s): %s",
                               profile.name, line)
                self.crawler.stats.inc_value("liuzhou/filings_unexpected")  # type: ignore[union-attr]
        except Exception as exc:  # the verdicts are derived: the next run writes them
            logger.error("Filing-number verdicts not stored: %s", one_line(exc))
            self.crawler.stats.inc_value("liuzhou/write_errors")  # type: ignore[union-attr]

    async def settle_columns(self) -> None:
        """Complete the column paths of articles read before their folder's list page
        (``LearnedSite.settled_columns``): the path must not depend on crawl order."""
        learned = getattr(self.crawler.spider, "site", None)
        if learned is None:
            return
        settled = learned.settled_columns()
        if not settled:
            return
        try:
            changed = await asyncio.to_thread(self.repository.settle_columns, settled,
                                              site=self.site)
            self.crawler.stats.set_value("liuzhou/columns_settled", changed)  # type: ignore[union-attr]
        except Exception as exc:  # the stored paths stay as read; reprocess completes them
            logger.error("Column paths not settled: %s", one_line(exc))
            self.crawler.stats.inc_value("liuzhou/write_errors")  # type: ignore[union-attr]

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
        previous = await asyncio.to_thread(self.repository.previous_run_checks, self.run_id,
                                           site=self.site)
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
        crawl_stats.set_value("liuzhou/outcome", outcome.status)
        try:
            # However the run ended: a failed or interrupted run's articles settle too;
            # an interrupted one's again when it is resumed (or the next run ends).
            final = outcome.status != "interrupted"
            await asyncio.to_thread(self.repository.settle_article_ids, self.run_id,
                                    article_id_for, final=final)
            checks[SETTLED] = final
        except Exception as exc:
            logger.error("Article ids could not be settled (the next run settles them): %s",
                         one_line(exc))
        try:
            # With the ids settled: which of the site's articles other sites published too.
            links = await asyncio.to_thread(link_stories, self.repository, self.site,
                                            DEDUP_CONFIG)
            crawl_stats.set_value("liuzhou/story_links", links)
        except Exception as exc:  # derived, like the verdicts: the next run links them
            logger.error("Reposts on other sites not linked: %s", one_line(exc))
            crawl_stats.inc_value("liuzhou/write_errors")
        try:
            await asyncio.to_thread(
                self.repository.finish_run, self.run_id, outcome.status, counts, checks
            )
        except Exception as exc:
            # The exit code still tells (it comes from the same stats); the row stays
            # 'running' and the next run marks it interrupted.
            logger.error("The run's row could not be finished: %s", one_line(exc))
