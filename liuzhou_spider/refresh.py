"""Meta refreshes that lead nowhere: the page is kept, not lost.

Scrapy's ``MetaRefreshMiddleware`` builds a request for any ``<meta http-equiv=refresh>``
before it checks the target's scheme, and a target like ``javascript:...`` (or a URL no
request can have) makes that raise: the page, an article that merely carries such a tag
in its body, was dropped as a download error.  A refresh that is no URL to fetch is no
redirect: the page itself is the answer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class KeepingMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh handling; an unusable refresh target keeps the page."""

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        try:
            return super().process_response(request, response)
        except ValueError as exc:  # "Missing scheme in request url: javascript:..."
            logger.debug("Meta refresh of %s ignored: %s", response.url, exc)
            crawler = getattr(self, "crawler", None)  # set by from_crawler
            if crawler is not None and crawler.stats is not None:
                crawler.stats.inc_value("liuzhou/meta_refresh_ignored")
            return response
