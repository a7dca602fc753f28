"""A reusable crawl of a TRS WCM portal: home → columns → pager → articles.

The spider holds the crawl strategy only.  What a page says is read by the pure
functions of ``liuzhou_spider.pages``; what the site looks like is the profile.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse

from liuzhou_spider.items import PageFetch, RawArticle
from liuzhou_spider.pages.article import parse_article
from liuzhou_spider.pages.listing import parse_listing
from liuzhou_spider.pages.registrations import find_registrations
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.urls import article_ids, canonicalize

logger = logging.getLogger(__name__)

BLOCK_STATUSES = frozenset({412, 521})
GONE_STATUSES = frozenset({404, 410})


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

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.profile.start_urls:
            yield scrapy.Request(canonicalize(url, self.profile), callback=self.parse)

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
        if response.status >= 400:
            stats.inc_value("liuzhou/http_errors")
            logger.warning("HTTP %s at %s", response.status, response.url)
            return
        if not isinstance(response, TextResponse):
            return  # an attachment or image reached by a redirect: recorded, not read
        stats.inc_value("liuzhou/pages")
        html = response.text
        fetch.registrations = find_registrations(html)
        raw: RawArticle | None = None
        if kind == "article":
            try:
                raw = parse_article(
                    html, response.url, self.profile, canonical_url=canonical,
                    status=response.status, fetched_at=fetched_at,
                    headers={k: v for k, v in fetch.headers.items()},
                )
                fetch.template = raw.template
            except Exception:
                stats.inc_value("liuzhou/parse_errors")
                logger.exception("Could not parse article page %s", response.url)
        yield fetch
        if raw is not None:
            stats.inc_value("liuzhou/articles_parsed")
            yield raw
        yield from self.follow(html, response.url)

    def follow(self, html: str, url: str) -> Iterator[scrapy.Request]:
        """Requests for every site page the page links to (articles first)."""
        listing = parse_listing(html, url, self.profile)
        for link in listing.article_urls:
            yield scrapy.Request(link, callback=self.parse, priority=10)
        for link in (*listing.pager_urls, *listing.column_urls, *listing.other_urls):
            yield scrapy.Request(link, callback=self.parse)
