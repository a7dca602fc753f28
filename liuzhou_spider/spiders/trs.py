"""A reusable crawl of a TRS WCM portal: home → columns → pager → articles.

The spider holds the crawl strategy only.  What a page says is read by the pure
functions of ``liuzhou_spider.pages``; what the site looks like is the profile.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response, TextResponse

from liuzhou_spider.database import database_for
from liuzhou_spider.health import COLUMN_LINKS
from liuzhou_spider.incremental import SeenBefore
from liuzhou_spider.items import ArticlePage, PageFetch
from liuzhou_spider.pages.listing import Listing, links_in
from liuzhou_spider.pages.registrations import find_registrations
from liuzhou_spider.pages.text import parse_document
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.urls import article_ids, canonicalize

logger = logging.getLogger(__name__)

BLOCK_STATUSES = frozenset({412, 521})
GONE_STATUSES = frozenset({404, 410})
_PAGER_INDEX = re.compile(r"index_(\d+)\.s?html?$")


def pager_index(url: str) -> int:
    """0 for a column's first page (``/col/``, ``index.html``), N for ``index_N.html``."""
    match = _PAGER_INDEX.search(url)
    return int(match.group(1)) if match else 0


def _split(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Spider arguments come as lists (``liuzhou crawl``) or comma-separated (``scrapy -a``)."""
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


def header_text(response: Response, name: str) -> str | None:
    """A response header as text, or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class TrsSpider(scrapy.Spider):
    """Crawl strategy shared by every TRS portal; subclasses only name a profile."""

    base_profile: ClassVar[SiteProfile]

    def __init__(
        self,
        *args: Any,
        start_url: str | list[str] | None = None,
        host_alias: str | list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        starts, aliases = _split(start_url), _split(host_alias)
        self.profile = (
            self.base_profile.with_start_urls(starts, aliases)
            if starts or aliases
            else self.base_profile
        )
        self.allowed_domains = sorted({h.split(":")[0] for h in self.profile.all_hosts()})
        self.seen = SeenBefore()
        self.rechecked = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TrsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.recheck_when_idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # With a JOBDIR, ``self.state`` survives a pause: a resumed run goes on in the
        # mode it started in (a full crawl stays full though pages are stored meanwhile).
        state = getattr(self, "state", None)
        resumed_full = state is not None and state.get("full_run") is True
        if state is not None and "full_run" in state:
            self.crawler.stats.set_value("liuzhou/resumed", True)  # type: ignore[union-attr]
        repository = database_for(self.crawler).repository
        # Until one crawl has run to its end the site was never seen whole: crawl it all.
        completed = await asyncio.to_thread(repository.has_completed_run)
        if completed and not self.settings.getbool("LIUZHOU_FULL") and not resumed_full:
            self.seen = SeenBefore(
                memory=await asyncio.to_thread(repository.url_memory),  # type: ignore[arg-type]
                pager_depth=self.settings.getint("LIUZHOU_PAGER_DEPTH", 1),
            )
            if self.seen.enabled:
                logger.info("Incremental run: %d URLs remembered", len(self.seen.memory))
        if state is not None:
            state.setdefault("full_run", not self.seen.enabled)
        for url in self.profile.start_urls:
            yield self.request(canonicalize(url, self.profile))

    def request(
        self, url: str, *, article: bool = False, link_title: str | None = None,
        link_date: str | None = None,
    ) -> scrapy.Request:
        """A request for a site page: conditional for articles fetched before.  An
        article's request carries the list page's words and date for it (evidence)."""
        self.seen.requested.add(url)
        headers = self.seen.conditional_headers(url) if article else {}
        return scrapy.Request(
            url, callback=self.parse, headers=headers or None, priority=10 if article else 0,
            meta={"link_title": link_title, "link_date": link_date} if article else None,
        )

    def recheck_when_idle(self) -> None:
        """Before closing, ask again for known articles no page links to any more.

        A deleted article disappears from the lists; only asking for it tells it is gone
        (404/410).  Conditional requests make the unchanged ones cheap (304).
        """
        limit = self.settings.getint("LIUZHOU_RECHECK_LIMIT", 200)
        if self.rechecked or not self.seen.enabled or limit == 0:
            return
        self.rechecked = True
        urls = sorted(self.seen.unreached_articles(), key=article_ids, reverse=True)[:limit]
        if not urls:
            return
        logger.info("Re-checking %d known article(s) no page links to", len(urls))
        assert self.crawler.engine is not None
        for url in urls:
            self.crawler.engine.crawl(self.request(url, article=True))
        raise DontCloseSpider

    def is_article(self, url: str) -> bool:
        """Article pages are recognised by their URL shape, as the site names them."""
        return article_ids(url) is not None

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Every page: record the fetch, read the article if it is one, follow the links."""
        stats = self.crawler.stats
        assert stats is not None
        if response.status in BLOCK_STATUSES:
            stats.inc_value("liuzhou/blocked")
            logger.error("Bot challenge (HTTP %s) at %s", response.status, response.url)
            if stats.get_value("liuzhou/blocked", 0) >= self.settings.getint(
                "LIUZHOU_BLOCKS_TO_STOP", 3
            ):
                raise CloseSpider("blocked")
            return
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        canonical = canonicalize(response.url, self.profile)
        kind = "article" if self.is_article(canonical) else "column"
        fetch = PageFetch(
            url=response.url,
            canonical_url=canonical,
            fetched_at=fetched_at,
            status=response.status,
            kind=kind,
            etag=header_text(response, "ETag"),
            last_modified=header_text(response, "Last-Modified"),
            content_hash=hashlib.sha256(response.body).hexdigest(),
            headers={
                k.decode("latin-1"): b", ".join(v).decode("latin-1")
                for k, v in response.headers.items()
            },
            body=response.body,
        )
        if response.status in GONE_STATUSES:
            stats.inc_value("liuzhou/gone")
            fetch.gone = True
            yield fetch
            return
        if response.status == 304 or (
            kind == "article" and self.seen.unchanged(canonical, fetch.content_hash or "")
        ):
            stats.inc_value("liuzhou/not_modified")
            fetch.not_modified = True
            fetch.body = b""
            fetch.content_hash = None
            yield fetch
            return
        if response.status >= 400:
            stats.inc_value("liuzhou/http_errors")
            logger.warning("HTTP %s at %s", response.status, response.url)
            return
        if not isinstance(response, TextResponse):
            return  # an attachment or image reached by a redirect: recorded, not read
        stats.inc_value("liuzhou/pages")
        html = response.text
        if kind == "article":
            # Read in a worker process by the reading step (pipelines.steps), which then
            # passes the fetch on with the article read from it, and hands the page's
            # links back to ``follow``.
            fetch.link_title = response.meta.get("link_title")
            fetch.link_date = response.meta.get("link_date")
            yield ArticlePage(fetch=fetch, html=html)
            return
        # One parse for the footer and the links: this runs on the event loop.
        root = parse_document(html)
        fetch.registrations = find_registrations(html, root)  # list pages carry footers too
        yield fetch
        yield from self.follow(links_in(root, html, response.url, self.profile), canonical)

    def follow(self, listing: Listing, url: str) -> Iterator[scrapy.Request]:
        """Requests for the site pages a page links to (articles first), each asked once.

        Every page repeats the menu: asking Scrapy again for what this run already
        requested only has its duplicate filter drop it, after the spider middlewares,
        referrer policy and fingerprinting have run on it (most of a crawl's own CPU).

        A first or ``--full`` run follows every pager page; an incremental run reads a
        column from page 1 and goes on only while pages list articles not stored yet.
        """
        if listing.article_urls and not self.is_article(url) and pager_index(url) == 0:
            path = urlsplit(url).path
            self.crawler.stats.set_value(  # type: ignore[union-attr]
                f"{COLUMN_LINKS}{path}", len(listing.article_urls)
            )
        requested = self.seen.requested
        titles, dates = listing.link_titles, listing.link_dates
        for link in listing.article_urls:
            if link not in requested:
                yield self.request(link, article=True, link_title=titles.get(link),
                                   link_date=dates.get(link))
        pager = listing.pager_urls
        if self.seen.enabled and pager:
            index = pager_index(url)
            following = self.seen.follow_pager(index, listing.article_urls)
            pager = [u for u in pager if following and pager_index(u) == index + 1]
        for link in (*pager, *listing.column_urls, *listing.other_urls):
            if link not in requested:
                yield self.request(link)
