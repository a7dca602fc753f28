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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from liuzhou_spider.database import database_for
from liuzhou_spider.field_quality import FIELD_QUALITY, FieldTally, anomalies
from liuzhou_spider.health import CAPPED
from liuzhou_spider.items import ArticlePage, CleanArticle, PageFetch
from liuzhou_spider.pages.listing import Listing, links_in, parse_listing
from liuzhou_spider.pages.text import parse_document
from liuzhou_spider.pages.trust import (
    REPEATED_BODY,
    SHRUNK,
    RepeatedBodies,
    judge_article,
    shrunk,
    site_links,
)
from liuzhou_spider.profile import SiteProfile
from pipelines.cleaning import read_article, with_learned_site
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
    """Set up a reading worker: its site profile, deaf to Ctrl-C and SIGTERM, gone with
    the crawl.

    Ctrl-C, ``systemctl stop`` and a unit's timeout (SIGTERM to the whole control group)
    stop a crawl, which then waits for the pages its workers hold: a worker that died of
    the signal would turn each of them into an error.  A crawl killed outright (SIGKILL)
    cannot stop its workers, so they watch for that themselves.
    """
    global _worker_profile
    _worker_profile = profile
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@contextmanager
def stop_signals_ignored() -> Iterator[None]:
    """Ignore SIGINT and SIGTERM in this process for a moment: a process started meanwhile
    inherits the dispositions, so a signal sent to the whole group while a reading worker
    is still importing (before ``reading_worker_init`` runs, about a second) does not kill
    it.  A signal that reaches this process in the few milliseconds of the spawn itself
    is lost: blocking it instead would not carry over (the spawn resets the signal mask).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {signum: signal.signal(signum, signal.SIG_IGN)
             for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def reading_pool(workers: int, profile: SiteProfile) -> ProcessPoolExecutor:
    """``workers`` reading processes for ``profile``, started now.

    A spawned worker imports the whole reading code (about a second of CPU): starting
    them while the first list pages download keeps the first article pages from waiting.
    Their start is not awaited, so Ctrl-C still stops at once.
    """
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=reading_worker_init, initargs=(os.getpid(), profile),
    )
    with stop_signals_ignored():
        for _ in range(workers):
            pool.submit(worker_ready)
    return pool


class CleaningStep:
    """ArticlePage → CleanArticle, and the page's links back to the spider; counts
    fallback use and chrome leaks.

    Reading a page (parsing and cleaning) is pure-Python CPU work: in the crawl's own
    process it would compete with the event loop for one core (the GIL), so it runs in a
    worker process (``LIUZHOU_READING_PROCESSES``; 0 = a thread).  Workers ignore Ctrl-C
    and SIGTERM: a stopped crawl finishes the pages it holds instead of losing them; a
    worker that dies all the same is replaced.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.workers = crawler.settings.getint("LIUZHOU_READING_PROCESSES", 1)
        self.pool: ProcessPoolExecutor | None = None
        self.quality = FieldTally()
        self.column_names: set[str] = set()  # every column name the run's articles showed
        self.short_body = crawler.settings.getint("LIUZHOU_SHORT_BODY_CHARS", 40)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = reading_pool(self.workers, self.profile)

    async def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        # Read by the storing step when the run ends: stored with the run, judged there.
        self.crawler.stats.set_value(  # type: ignore[union-attr]
            FIELD_QUALITY, self.quality.to_json())

    @property
    def profile(self) -> SiteProfile:
        return self.crawler.spider.profile  # type: ignore[union-attr]

    async def in_pool(self, work: Callable[[], PageReading]) -> PageReading:
        """Run ``work`` in the reading pool; if a worker dies (killed, out of memory), start
        a new pool and try the page once more there.

        A dead worker breaks its whole pool: without a new one every later page of the
        run would fail.  The pages in flight when it died are read again once each, so a
        page that kills its reader is counted once, as that page's error, not forever.
        """
        loop = asyncio.get_running_loop()
        pool = self.pool
        try:
            return await loop.run_in_executor(pool, work)
        except BrokenProcessPool:
            if self.pool is pool:  # the first page to notice replaces the pool
                logger.error("A reading worker died; starting new reading workers")
                self.crawler.stats.inc_value("liuzhou/reading_restarts")  # type: ignore[union-attr]
                pool.shutdown(wait=False, cancel_futures=True)  # type: ignore[union-attr]
                self.pool = reading_pool(self.workers, self.profile)
            return await loop.run_in_executor(self.pool, work)

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
            if self.pool is None:
                reading = await asyncio.get_running_loop().run_in_executor(None, work)
            else:
                reading = await self.in_pool(work)
        except BrokenProcessPool:  # it killed a fresh reader too: never read it here
            reading = PageReading(Listing(), error=traceback.format_exc())
        except Exception:  # the worker itself failed: read the links here
            reading = PageReading(
                parse_listing(page.html, fetch.url, spider.profile),  # type: ignore[union-attr]
                error=traceback.format_exc(),
            )
        clean = reading.article
        links = reading.links
        refused = clean and judge_article(
            clean.raw.template, clean.body_text, site_links(links),
            shows_listed_title=bool(clean.raw.link_title) and clean.title_from not in (
                None, "list_link", "title_tag") and not clean.title_conflict,
        )
        if refused:
            raise refusal(spider, refused, fetch.url)
        engine = self.crawler.engine
        assert engine is not None
        # The spider's follow() applies the run's bounds: links of an article page are
        # held to the same depth, length and pager limits as those of a list page.
        for request in spider.follow(links, fetch.canonical_url, page.depth):  # type: ignore[union-attr]
            engine.crawl(request)
        if clean is None:
            stats.inc_value("liuzhou/parse_errors")
            logger.error("Could not read article page %s\n%s", fetch.url, reading.error)
            return fetch
        stats.inc_value("liuzhou/articles_parsed")
        with_learned_site(clean, spider.site)  # type: ignore[union-attr]
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
        for name in clean.capped:
            stats.inc_value(f"{CAPPED}/{name}")
            logger.warning("The %s of %s was cut at its cap (docs/refusals.md)", name,
                           clean.raw.url)
        if not clean.body_text:
            stats.inc_value("liuzhou/empty_bodies")
            logger.warning("No body text found at %s", clean.raw.url)
        if clean.raw.rendering == "article":  # print and mobile renderings repeat it
            spider = self.crawler.spider
            names = (*spider.profile.site_name_suffixes, spider.site.site_name)  # type: ignore[union-attr]
            self.quality.add(clean, anomalies(
                clean, site_names=[n for n in names if n], column_names=self.column_names,
                list_title=clean.raw.link_title, short_body_chars=self.short_body,
            ))
            self.column_names.update(clean.column)
        return clean


def refusal(spider: Any, reason: str, url: str) -> DropItem:
    """The page is counted and logged as refused (``spider.refuse``) and goes no further:
    it is not stored, so it overwrites nothing."""
    spider.refuse(reason, url)
    return DropItem(f"refused ({reason}): {url}", log_level="DEBUG")


class DedupStep:
    """CleanArticle → MergeDecision, against everything stored by earlier runs too.

    Before merging, a page that would replace its stored body with one far shorter, or
    whose title and body this run has met at too many URLs, is refused
    (``liuzhou_spider.pages.trust``): a broken answer must not overwrite an article.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.dedup = Deduplicator(DEDUP_CONFIG)
        self.repeated = RepeatedBodies(crawler.settings.getint("LIUZHOU_TRUST_SAME_BODY_LIMIT", 25))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        database = database_for(self.crawler)
        repository = database.repository
        # Streamed into the index in the thread: no list of every stored article.  Only
        # the site's own: another portal's copy of a story stays that portal's record.
        await asyncio.to_thread(self.dedup.load,
                                repository.load_known_articles(site=database.site))
        self.dedup.bodies = repository.article_body
        logger.info("Deduplication index loaded with %d stored articles", len(self.dedup))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CleanArticle):
            return item
        spider = self.crawler.spider
        sketch = item.sketch or self.dedup.sketch(item.body_text)
        stored = self.dedup.stored_length(item.raw)
        if shrunk(len(item.body_text), stored, spider.trust):  # type: ignore[union-attr]
            raise refusal(spider, SHRUNK, item.raw.url)
        if self.repeated.repeated(item.title, sketch.digest):
            raise refusal(spider, REPEATED_BODY, item.raw.url)
        decision = self.dedup.assign(item, sketch)
        stats = self.crawler.stats
        assert stats is not None
        if decision.is_new_article:
            stats.inc_value("liuzhou/articles_new")
        elif not decision.known_page:
            stats.inc_value("liuzhou/merged")
        return decision
