"""A reusable crawl of a TRS WCM portal: home → columns → pager → articles.

The spider holds the crawl strategy only.  What a page says is read by the pure
functions of ``liuzhou_spider.pages``; what the site looks like is the profile.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CloseSpider,
    DontCloseSpider,
    DownloadCancelledError,
    IgnoreRequest,
)
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from liuzhou_spider.bounds import (
    DEPTH,
    FINISH_PREFIX,
    PAGE_BUDGET,
    SITE_PAGES,
    SITE_SECONDS,
    STATS_PREFIX,
    TIME_BUDGET,
    Bounds,
    pager_index,
)
from liuzhou_spider.database import database_for
from liuzhou_spider.health import (
    COLUMN_LINKS,
    DECODE_REPLACED,
    MAX_REFUSED,
    MAX_REFUSED_SHARE,
    PAGER_UNREADABLE,
    PAGER_UNREADABLE_URLS,
    REFUSED,
)
from liuzhou_spider.incremental import SeenBefore, pager_depth_after
from liuzhou_spider.items import ArticlePage, PageFetch
from liuzhou_spider.pages.decoding import decode_page
from liuzhou_spider.pages.learned import LearnedSite
from liuzhou_spider.pages.listing import Listing, links_in
from liuzhou_spider.pages.registrations import find_registrations
from liuzhou_spider.pages.text import parse_document
from liuzhou_spider.pages.trust import BINARY, TrustRules, judge_listing, judge_response
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.urls import article_ids, canonicalize
from storage.storable import url_key

logger = logging.getLogger(__name__)

BLOCK_STATUSES = frozenset({412, 521})
GONE_STATUSES = frozenset({404, 410})
LOGGED_REFUSALS = 20  # links refused by one bound that are logged one by one
TOO_DEEP_KEPT = 100_000  # refused-as-too-deep links remembered (a trap is cut by the budgets)
TOO_LARGE = "too_large"  # a refusal reason: over DOWNLOAD_MAXSIZE, or inflating past it
DEAD_ENDS = "liuzhou/dead_ends"  # never-stored pages without a link into the site


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
        self.stored_lists: set[str] = set()  # list pages earlier runs stored (url_key)
        self.rechecked = False
        self.site = LearnedSite()  # column paths and <title> suffix, from the list pages
        self.bounds = Bounds()
        # Links refused as too deep and not requested since: a shorter path to a page
        # (its list page, after a chain of related-article links) takes it off.
        self.too_deep: set[str] = set()
        self.trust = TrustRules()
        self.time_limit: Any = None  # the pending time-budget call

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TrsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.recheck_when_idle, signal=signals.spider_idle)
        settings = crawler.settings
        spider.trust = TrustRules(
            max_replacement_share=settings.getfloat("LIUZHOU_TRUST_MAX_REPLACEMENT_SHARE", 0.01),
            shrink_ratio=settings.getfloat("LIUZHOU_TRUST_SHRINK_RATIO", 0.5),
            same_body_limit=settings.getint("LIUZHOU_TRUST_SAME_BODY_LIMIT", 25),
        )
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # With a JOBDIR, ``self.state`` survives a pause: a resumed run goes on in the
        # mode it started in (a full crawl stays full though pages are stored meanwhile).
        state = getattr(self, "state", None)
        resumed_full = state is not None and state.get("full_run") is True
        if state is not None and "full_run" in state:
            self.crawler.stats.set_value("liuzhou/resumed", True)  # type: ignore[union-attr]
        repository = database_for(self.crawler).repository
        previous = await self.set_bounds(repository)
        site = self.profile.name
        self.stored_lists = await asyncio.to_thread(repository.stored_list_pages, site=site)
        # Until one crawl has run to its end the site was never seen whole: crawl it all.
        # A run its page or time budget cut short saw part of it: crawl it all again.
        completed = await asyncio.to_thread(repository.has_completed_run, site=site) and not (
            {PAGE_BUDGET, TIME_BUDGET} & set(previous.get("bounds_cut") or {}))
        if completed and not self.settings.getbool("LIUZHOU_FULL") and not resumed_full:
            self.seen = SeenBefore(
                memory=await asyncio.to_thread(  # type: ignore[arg-type]
                    repository.url_memory, site=site),
                pager_depth=pager_depth_after(
                    await asyncio.to_thread(repository.previous_run_status,
                                            self.crawler.stats.get_value("liuzhou/run_id"),
                                            site=site),
                    self.settings.getint("LIUZHOU_PAGER_DEPTH", 1)),
            )
            if self.seen.enabled:
                logger.info("Incremental run: %d URLs remembered, pager depth %d",
                            len(self.seen.memory), self.seen.pager_depth)
        self.crawler.stats.set_value("liuzhou/incremental", self.seen.enabled)  # type: ignore[union-attr]
        if state is not None:
            state.setdefault("full_run", not self.seen.enabled)
        for url in self.profile.start_urls:
            yield self.request(canonicalize(url, self.profile))

    async def set_bounds(self, repository: Any) -> dict[str, Any]:
        """Size the run's budgets from the last complete run, and start the clock;
        returns that run's checks."""
        stats = self.crawler.stats
        assert stats is not None
        # This run's row is opened by the storing step; before it, every run is earlier.
        this_run = stats.get_value("liuzhou/run_id") or 2**31 - 1
        previous = await asyncio.to_thread(repository.previous_run_checks, this_run,
                                         site=self.profile.name)
        self.bounds = Bounds.from_settings(self.settings, previous)
        stats.set_value(SITE_PAGES, previous.get("site_pages") or 0)
        stats.set_value(SITE_SECONDS, previous.get("site_seconds") or 0)
        settings = self.settings
        stats.set_value(MAX_REFUSED, settings.getint("LIUZHOU_MAX_REFUSED", 20))
        stats.set_value(MAX_REFUSED_SHARE, settings.getfloat("LIUZHOU_MAX_REFUSED_SHARE", 0.05))
        logger.info("Bounds of this run: %s", self.bounds)
        if self.bounds.time_budget:
            self.time_limit = call_later(self.bounds.time_budget, self.cut, TIME_BUDGET)
        return previous

    def cut(self, bound: str) -> None:
        """End the run because it reached ``bound`` (its finish reason names it)."""
        if bound == TIME_BUDGET:
            self.time_limit = None  # fired: nothing left to cancel
        engine = self.crawler.engine
        if engine is None or engine.spider is None:
            return
        logger.error("Run cut short: %s reached (see docs/refusals.md)", bound)
        deferred_from_coro(engine.close_spider_async(reason=FINISH_PREFIX + bound))

    def closed(self, reason: str) -> None:
        if self.time_limit is not None:
            self.time_limit.cancel()
            self.time_limit = None

    def request(
        self, url: str, *, article: bool = False, depth: int = 0,
        link_title: str | None = None, link_date: str | None = None,
    ) -> scrapy.Request:
        """A request for a site page: conditional for articles fetched before.  An
        article's request carries the list page's words and date for it (evidence)."""
        self.seen.requested.add(url)
        if url in self.too_deep:  # reached after all: nothing of the site was cut off
            self.too_deep.discard(url)
            self.crawler.stats.inc_value(STATS_PREFIX + DEPTH, -1)  # type: ignore[union-attr]
        headers = self.seen.conditional_headers(url) if article else {}
        return scrapy.Request(
            url, callback=self.parse, errback=self.download_failed, headers=headers or None,
            priority=10 if article else 0,
            meta={"depth": depth, **({"link_title": link_title, "link_date": link_date}
                                     if article else {})},
        )

    def download_failed(self, failure: Failure) -> None:
        """A request that got no usable answer: an answer over the size bound is a
        refusal; anything else is logged as Scrapy would (and counted by the retries)."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        message = str(failure.value)
        # Scrapy drops an answer past DOWNLOAD_MAXSIZE: announced too large (a message
        # naming the max size), inflating past it (HttpCompressionMiddleware), or read
        # past it without a declared length (the HTTP/1.1 handler cancels the download:
        # the one cancellation it makes).
        if "max size" in message or "DOWNLOAD_MAXSIZE" in message or failure.check(
                DownloadCancelledError):
            self.refuse(TOO_LARGE, url)
            return
        if failure.check(IgnoreRequest):
            return  # a middleware's decision (a bound, the site guard), counted there
        logger.error("Download failed for %s: %s", url, failure.getErrorMessage())

    def refuse(self, reason: str, url: str) -> None:
        """Count and log a page that is not taken as what it claims: it stores nothing."""
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(REFUSED)
        stats.inc_value(f"{REFUSED}/{reason}")
        logger.warning("Refused %s: %s (docs/refusals.md)", url, reason)

    def recheck_when_idle(self) -> None:
        """Before closing, ask again for known articles no page links to any more.

        A deleted article disappears from the lists; only asking for it tells it is gone
        (404/410).  Conditional requests make the unchanged ones cheap (304).
        """
        limit = self.settings.getint("LIUZHOU_RECHECK_LIMIT", 200)
        if self.rechecked or not self.seen.enabled or limit == 0:
            return
        self.rechecked = True
        urls = sorted(self.seen.unreached_articles(),
                      key=lambda url: article_ids(url, self.profile) or ("", ""),
                      reverse=True)[:limit]
        if not urls:
            return
        logger.info("Re-checking %d known article(s) no page links to", len(urls))
        assert self.crawler.engine is not None
        for url in urls:
            self.crawler.engine.crawl(self.request(url, article=True))
        raise DontCloseSpider

    def is_article(self, url: str) -> bool:
        """Article pages are recognised by their URL shape, as the site names them."""
        return article_ids(url, self.profile) is not None

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
            if not urlsplit(response.url).path.lower().endswith(
                    (*self.profile.attachment_exts, *self.profile.image_exts)):
                self.refuse(BINARY, response.url)  # a page URL answered with a file
            return  # an attachment or image reached by a redirect: not read
        stats.inc_value("liuzhou/pages")
        # Not ``response.text``: a declared charset the bytes do not decode in is not
        # believed (pages.decoding), and the reprocess and ``liuzhou extract`` read the
        # same text from the same bytes.
        decoded = decode_page(response.body, header_text(response, "Content-Type"))
        if decoded.replacements:
            stats.inc_value(DECODE_REPLACED)
            logger.warning("%s decodes only with %d replacement character(s) (%s)",
                           response.url, decoded.replacements, decoded.encoding)
        html = decoded.text
        refused = judge_response(response.body, html, self.trust)
        if refused:
            # Not stored: the URL keeps what its last trusted fetch answered, so the next
            # run asks again as before and a stored article keeps its content.
            self.refuse(refused, response.url)
            return
        depth = response.meta.get("depth", 0)
        if kind == "article":
            # Read in a worker process by the reading step (pipelines.steps), which then
            # passes the fetch on with the article read from it, and hands the page's
            # links back to ``follow``.
            fetch.link_title = response.meta.get("link_title")
            fetch.link_date = response.meta.get("link_date")
            yield ArticlePage(fetch=fetch, html=html, depth=depth)
            return
        # One parse for the footer and the links: this runs on the event loop.
        root = parse_document(html)
        listing = links_in(root, html, response.url, self.profile)
        refused = judge_listing(listing)
        if refused and url_key(canonical) in self.stored_lists:
            # A list page an earlier run stored now links nowhere: a maintenance notice
            # or an error page in its place.
            self.refuse(refused, response.url)
            return
        if refused:
            # A page never stored that links nowhere (a search form, an interaction page):
            # a dead end of the site, neither stored nor a refusal.
            stats.inc_value(DEAD_ENDS)
            return
        fetch.registrations = find_registrations(html, root)  # list pages carry footers too
        self.site.learn_list_page(root, canonical)
        yield fetch
        if listing.pager_unreadable:
            # Its column would be crawled to this page only: the run must say so.
            stats.inc_value(PAGER_UNREADABLE)
            unreadable = stats.get_value(PAGER_UNREADABLE_URLS) or []
            if len(unreadable) < 20:
                stats.set_value(PAGER_UNREADABLE_URLS, [*unreadable, canonical])
            logger.error("Unreadable pager script at %s", response.url)
        yield from self.follow(listing, canonical, depth)

    def admit(self, link: str, depth: int, *, pager: bool = False) -> bool:
        """Whether a link may be followed at ``depth`` (``pager``: a page of a column's
        pager); a refused one is counted under its bound and stays unrequested (a
        shorter path to it may still come)."""
        bound = self.bounds.refuse_link(link, depth, pager=pager)
        if bound is None:
            return True
        stats = self.crawler.stats
        assert stats is not None
        if bound == DEPTH:
            if link in self.too_deep:
                return False  # counted once, as long as no shorter path comes
            if len(self.too_deep) < TOO_DEEP_KEPT:
                self.too_deep.add(link)
        stats.inc_value(STATS_PREFIX + bound)
        # A trap repeats its links on every page: the first few are logged, all counted.
        logged = stats.get_value(STATS_PREFIX + bound)
        if logged <= LOGGED_REFUSALS:
            logger.info("Not following %s: %s bound%s", link[:200], bound,
                        " (further ones only counted)" if logged == LOGGED_REFUSALS else "")
        return False

    def follow(self, listing: Listing, url: str, depth: int = 0) -> Iterator[scrapy.Request]:
        """Requests for the site pages a page links to (articles first), each asked once.

        Every link passes the run's bounds here, whichever page it was found on (list
        pages in ``parse``, article pages through the reading step): ``depth`` is the
        page's own.

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
        depth += 1
        titles, dates = listing.link_titles, listing.link_dates
        for link in listing.article_urls:
            if link not in requested and self.admit(link, depth):
                yield self.request(link, article=True, depth=depth, link_title=titles.get(link),
                                   link_date=dates.get(link))
        pager = listing.pager_urls
        if self.seen.enabled and pager:
            # The next page is the pager's lowest-numbered page after this one, whether
            # the pager lists this page or not: ``index.html`` → ``index_1.html``, and a
            # 1-based pager's ``xlist.shtml`` → ``xlist_2.shtml``.
            current = pager_index(url)
            later = sorted((u for u in pager if pager_index(u) > current), key=pager_index)
            following = self.seen.follow_pager(current, listing.article_urls)
            pager = later[:1] if following else []
        for link in pager:
            if link not in requested and self.admit(link, depth, pager=True):
                yield self.request(link, depth=depth)
        for link in (*listing.column_urls, *listing.other_urls):
            if link not in requested and self.admit(link, depth):
                yield self.request(link, depth=depth)
