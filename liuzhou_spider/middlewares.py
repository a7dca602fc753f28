"""Downloader middlewares: retries that back off, a guard that keeps us on the site, and
the run's bounds."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.response import response_status_message

from liuzhou_spider.bounds import PAGE_BUDGET, STATS_PREFIX
from liuzhou_spider.urls import is_site_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (a number or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, but waiting before each retry.

    A server that says ``Retry-After`` gets that long (capped); otherwise the wait grows
    exponentially with jitter, so a struggling government server is not hammered.
    """

    def __init__(self, settings) -> None:  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)

    def backoff(self, request: Request, response: Response | None) -> float:
        """How long to wait before retrying ``request``."""
        asked = retry_after_seconds(response.headers.get("Retry-After")) if response else None
        if asked is not None:
            return min(asked, self.cap)
        attempt = request.meta.get("retry_times", 0)
        return min(self.cap, self.base * (2**attempt) * random.uniform(0.5, 1.5))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self.backoff(request, response))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self.backoff(request, None))
        return retry


class SiteGuardMiddleware:
    """Refuses every request off the site's hosts, whatever produced it.

    The spider only follows site links, but redirects and third-party components can
    still schedule others: this is the last gate before the network.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        profile = getattr(self.crawler.spider, "profile", None)
        if profile is None or is_site_url(request.url, profile):
            return None
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("liuzhou/offsite_refused")
        logger.info("Refused offsite request %s", request.url)
        raise IgnoreRequest(f"offsite: {request.url}")


class BoundsMiddleware:
    """The run's bounds at the last gate before the network: every request, wherever
    it came from (a redirect, a retry, a re-check), counts against the page budget and
    passes the link bounds (``liuzhou_spider.bounds``).

    The spider applies the link bounds before it schedules a link (so a link refused
    at one depth can still come by a shorter path); here they catch what bypasses the
    spider, and the budget ends the run once spent.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.requests = 0
        self.spent = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        bounds = getattr(spider, "bounds", None)
        if bounds is None:
            return None
        stats = self.crawler.stats
        assert stats is not None
        # Any page that is not an article counts as a pager page here: a redirect or a
        # re-check does not say which list it came from.
        is_article = getattr(spider, "is_article", None)
        pager = is_article is not None and not is_article(request.url)
        bound = bounds.refuse_link(request.url, request.meta.get("depth", 0), pager=pager)
        if bound is None and bounds.page_budget and self.requests >= bounds.page_budget:
            bound = PAGE_BUDGET
            if not self.spent:
                self.spent = True
                spider.cut(PAGE_BUDGET)  # type: ignore[union-attr]
        if bound is None:
            self.requests += 1
            return None
        stats.inc_value(STATS_PREFIX + bound)
        raise IgnoreRequest(f"{bound} bound: {request.url[:200]}")
