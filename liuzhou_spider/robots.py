"""robots.txt as RFC 9309 reads it: an answer the crawler cannot read means "not now".

Scrapy's own middleware takes any robots.txt response as rules and a failed download as
"no rules": a server answering 503 (or not answering) while it is overloaded or under
maintenance would be crawled in full, exactly when it asked not to be.  RFC 9309 §2.3.1:
a 4xx answer ("unavailable") allows everything, a 5xx answer or no answer
("unreachable") disallows everything.  429 Too Many Requests is taken as unreachable too:
it says "slow down", never "crawl freely".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from liuzhou_spider.health import ROBOTS_REFUSED, ROBOTS_UNREACHABLE_HOSTS

if TYPE_CHECKING:
    from scrapy.http import Request, Response
    from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
ALLOW_ALL = b""


def rules_for_status(status: int, body: bytes) -> bytes:
    """The robots.txt rules an answer with ``status`` stands for (RFC 9309 §2.3.1)."""
    if status >= 500 or status == 429:
        return DISALLOW_ALL
    if status >= 400:
        return ALLOW_ALL
    return body


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's answers for errors: 5xx, 429 and no
    answer at all disallow every URL of the host for this run, and say so (a stat the
    run's verdict reads, one error line per host)."""

    unreachable: set[str]

    def _unreachable(self, netloc: str, why: str) -> RobotParser:
        if not hasattr(self, "unreachable"):
            self.unreachable = set()
        if netloc not in self.unreachable:
            self.unreachable.add(netloc)
            self._stats.set_value(ROBOTS_UNREACHABLE_HOSTS, sorted(self.unreachable))
            logger.error("robots.txt of %s %s: crawling nothing there in this run "
                         "(RFC 9309: an unreachable robots.txt disallows everything)",
                         netloc, why)
        return build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        rules = rules_for_status(response.status, response.body)
        if rules == DISALLOW_ALL and response.status >= 400:
            self._unreachable(netloc, f"answered HTTP {response.status}")
        if rules != response.body:
            response = response.replace(body=rules)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """As Scrapy's, but the requests waiting for this host get "disallow all", not
        "no rules"."""
        if not isinstance(exc, IgnoreRequest):
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        parser = self._unreachable(netloc, f"could not be fetched ({exc})")
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            if urlparse_cached(request).netloc in getattr(self, "unreachable", ()):
                self._stats.inc_value(ROBOTS_REFUSED)
            raise
