"""The Scrapy item pipelines around the pure cleaning and deduplication steps.

Each step is a thin adapter: it takes one record type, calls the pure function of its
module, counts what the crawl summary and the health checks need, and passes every
other record through untouched.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Self

from scrapy.crawler import Crawler

from liuzhou_spider.database import database_for
from liuzhou_spider.items import ArticlePage, CleanArticle, PageFetch
from liuzhou_spider.pages.listing import Listing, links_in, parse_listing
from liuzhou_spider.pages.text import parse_document
from liuzhou_spider.profile import SiteProfile
from pipelines.cleaning import read_article
from pipelines.dedup import DedupConfig, Deduplicator
from pipelines.dedup.sketch import sketch_body

logger = logging.getLogger(__name__)


# One configuration for the sketches made in the reading worker and the index they meet.
DEDUP_CONFIG = DedupConfig()
_signer = functools.cache(DedupConfig.signer)  # one per configuration, per process


@dataclass
class PageReading:
    """What reading one article page gives: its links, and its article or the error."""

    links: Listing
    article: CleanArticle | None = None
    error: str | None = None  # the traceback, when reading failed


def read_page(html: str, url: str, profile: SiteProfile | None, config: DedupConfig,
              **fetch: Any) -> PageReading:
    """Links, article and sketch of an article page: all of a page's CPU work that needs
    nothing but the page, in one call in the reading worker.

    Sorting an article page's links (the whole menu) was a fifth of the crawl's event
    loop; here it costs the worker little.  A page that cannot be read still gives its
    links: nothing reachable only through it is lost.  ``profile`` None means the
    worker's own (``reading_worker_init``): a profile holds templates and patterns, too
    much to pickle again with every page.
    """
    profile = reading_profile(profile)
    root = parse_document(html)  # one parse for the links and the article
    links = links_in(root, html, url, profile)
    try:
        clean = read_article(html, url, profile, root=root, **fetch)
        return PageReading(links, with_sketch(clean, config))
    except Exception:
        return PageReading(links, error=traceback.format_exc())


def with_sketch(clean: CleanArticle, config: DedupConfig) -> CleanArticle:
    """The article with its body's sketch and band keys, as a ``Deduplicator`` of
    ``config`` would compute them: made where the page is read, off the merging process."""
    return replace(clean, sketch=sketch_body(
        clean.body_text, _signer(config), (config.bands, config.rows)))


_worker_profile: SiteProfile | None = None


def reading_profile(profile: SiteProfile | None) -> SiteProfile:
    """``profile``, or the reading worker's own (``reading_worker_init``) when None."""
    profile = profile or _worker_profile
    assert profile is not None, "no profile given and none set by reading_worker_init"
    return profile


def worker_ready() -> bool:
    """Nothing: submitted once per worker so that it starts and imports what it needs."""
    return True


def reading_worker_init(parent_pid: int, profile: SiteProfile) -> None:
    """Set up a reading worker: its site profile, deaf to Ctrl-C, gone with the crawl.

    Ctrl-C pauses a crawl, which then waits for the pages its workers hold; a crawl
    killed outright (SIGKILL) cannot stop its workers, so they watch for that themselves.
    """
    global _worker_profile
    _worker_profile = profile
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class CleaningStep:
    """ArticlePage → CleanArticle, and the page's links back to the spider; counts
    fallback use and chrome leaks.

    Reading a page (parsing and cleaning) is pure-Python CPU work: in the crawl's own
    process it would compete with the event loop for one core (the GIL), so it runs in a
    worker process (``LIUZHOU_READING_PROCESSES``; 0 = a thread).  Workers ignore Ctrl-C:
    a paused crawl finishes the pages it holds instead of losing them.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.workers = crawler.settings.getint("LIUZHOU_READING_PROCESSES", 1)
        self.pool: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=reading_worker_init,
                initargs=(os.getpid(), self.crawler.spider.profile),  # type: ignore[union-attr]
            )
            # Start the workers now (a spawned worker imports the whole reading code, about
            # a second of CPU) while the first list pages download, not when the first
            # article pages are waiting; without waiting, so Ctrl-C still stops at once.
            for _ in range(self.workers):
                self.pool.submit(worker_ready)

    async def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    async def process_item(self, item: Any) -> Any:
        return await self.read(item) if isinstance(item, ArticlePage) else item

    async def read(self, page: ArticlePage) -> CleanArticle | PageFetch:
        """Read a fetched page and follow its links; on failure pass its fetch on alone
        (still stored, counted as a parse error)."""
        fetch = page.fetch
        stats = self.crawler.stats
        assert stats is not None
        spider = self.crawler.spider
        # A worker process has the profile already; a thread reads the spider's.
        profile = None if self.pool else spider.profile  # type: ignore[union-attr]
        work = functools.partial(
            read_page, page.html, fetch.url, profile, DEDUP_CONFIG,
            canonical_url=fetch.canonical_url, status=fetch.status,
            fetched_at=fetch.fetched_at, headers=fetch.headers, link_title=fetch.link_title,
            link_date=fetch.link_date,
        )
        try:
            reading = await asyncio.get_running_loop().run_in_executor(self.pool, work)
        except Exception:  # the worker itself failed: read the links here
            reading = PageReading(
                parse_listing(page.html, fetch.url, spider.profile),  # type: ignore[union-attr]
                error=traceback.format_exc(),
            )
        engine = self.crawler.engine
        assert engine is not None
        for request in spider.follow(reading.links, fetch.canonical_url):  # type: ignore[union-attr]
            engine.crawl(request)
        clean = reading.article
        if clean is None:
            stats.inc_value("liuzhou/parse_errors")
            logger.error("Could not read article page %s\n%s", fetch.url, reading.error)
            return fetch
        stats.inc_value("liuzhou/articles_parsed")
        fetch.template = clean.raw.template
        fetch.registrations = clean.raw.registrations
        clean.fetch = fetch
        return self.counted(clean)

    def counted(self, clean: CleanArticle) -> CleanArticle:
        """Count what the summary and the health checks need of a cleaned article."""
        stats = self.crawler.stats
        assert stats is not None
        if clean.extractor == "fallback":
            stats.inc_value("liuzhou/fallback_extractor")
        if clean.chrome_leaks:
            stats.inc_value("liuzhou/chrome_leaks")
            logger.warning("Chrome left in body of %s: %s", clean.raw.url,
                           ", ".join(clean.chrome_leaks))
        if not clean.body_text:
            stats.inc_value("liuzhou/empty_bodies")
            logger.warning("No body text found at %s", clean.raw.url)
        return clean


class DedupStep:
    """CleanArticle → MergeDecision, against everything stored by earlier runs too."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.dedup = Deduplicator(DEDUP_CONFIG)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        repository = database_for(self.crawler).repository
        # Streamed into the index in the thread: no list of every stored article.
        await asyncio.to_thread(self.dedup.load, repository.load_known_articles())
        self.dedup.bodies = repository.article_body
        logger.info("Deduplication index loaded with %d stored articles", len(self.dedup))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CleanArticle):
            return item
        decision = self.dedup.assign(item, item.sketch)
        stats = self.crawler.stats
        assert stats is not None
        if decision.is_new_article:
            stats.inc_value("liuzhou/articles_new")
        elif not decision.known_page:
            stats.inc_value("liuzhou/merged")
        return decision
