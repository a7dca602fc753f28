"""The Scrapy item pipelines around the pure reading and deduplication steps.

Each step is a thin adapter: it takes one record type, calls the pure function of its
module (the reading workers are ``pipelines.page_reading``'s), counts what the crawl
summary and the health checks need, and passes every other record through untouched.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from liuzhou_spider.database import database_for
from liuzhou_spider.field_quality import FIELD_QUALITY, FieldTally, anomalies
from liuzhou_spider.health import CAPPED
from liuzhou_spider.items import ArticlePage, CleanArticle, PageFetch
from liuzhou_spider.pages.listing import Listing, parse_listing
from liuzhou_spider.pages.trust import (
    REPEATED_BODY,
    SHRUNK,
    RepeatedBodies,
    judge_article,
    shrunk,
    site_links,
)
from liuzhou_spider.profile import SiteProfile
from pipelines.cleaning import with_learned_site
from pipelines.dedup import Deduplicator
from pipelines.page_reading import DEDUP_CONFIG, PageReading, ReadingWorkers, read_page

logger = logging.getLogger(__name__)


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
        self.pool: ReadingWorkers | None = None
        self.quality = FieldTally()
        self.column_names: set[str] = set()  # every column name the run's articles showed
        self.short_body = crawler.settings.getint("LIUZHOU_SHORT_BODY_CHARS", 40)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        if self.workers > 0:
            self.pool = ReadingWorkers(self.workers, self.profile, self.restarted)

    async def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
        # Read by the storing step when the run ends: stored with the run, judged there.
        self.crawler.stats.set_value(  # type: ignore[union-attr]
            FIELD_QUALITY, self.quality.to_json())

    @property
    def profile(self) -> SiteProfile:
        return self.crawler.spider.profile  # type: ignore[union-attr]

    def restarted(self) -> None:
        """Count that reading workers died and were replaced (``ReadingWorkers``)."""
        self.crawler.stats.inc_value("liuzhou/reading_restarts")  # type: ignore[union-attr]

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
                reading = await self.pool.run(work)
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
            names = (*spider.profile.site_names, spider.site.site_name)  # type: ignore[union-attr]
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
        # The site's current templates are preferred as canonical: a fact of its profile.
        profile: SiteProfile = crawler.spider.profile  # type: ignore[union-attr]
        self.current_templates = profile.current_templates
        self.dedup = Deduplicator(replace(DEDUP_CONFIG, current_templates=self.current_templates))
        self.repeated = RepeatedBodies(crawler.settings.getint("LIUZHOU_TRUST_SAME_BODY_LIMIT", 25))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        database = database_for(self.crawler)
        repository = database.repository
        # Streamed into the index in the thread: no list of every stored article.  Only
        # the site's own: another portal's copy of a story stays that portal's record.
        await asyncio.to_thread(self.dedup.load, repository.load_known_articles(
            self.current_templates, site=database.site))
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
