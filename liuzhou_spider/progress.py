"""A live progress line on a terminal; plain periodic log lines elsewhere.

Scrapy's own LogStats prints a line a minute; a person watching a crawl wants pages,
articles, errors and the rate as they change, while a cron job's log wants a few plain
lines.  One extension serves both, reading the crawl's stats.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler

from liuzhou_spider.health import count, error_count

logger = logging.getLogger(__name__)


def progress_text(stats: dict, elapsed: float) -> str:
    """``pages 120 · articles 80 (new 60, merged 20) · errors 1 · 35.2 pages/s``."""
    pages = count(stats, "liuzhou/pages") + count(stats, "liuzhou/not_modified")
    new = count(stats, "liuzhou/articles_new")
    merged = count(stats, "liuzhou/merged")
    rate = pages / elapsed if elapsed > 0 else 0.0
    return (
        f"pages {pages} · articles {new + merged} (new {new}, merged {merged}) · "
        f"errors {error_count(stats)} · {rate:.1f} pages/s"
    )


class ProgressLine:
    """Redraws one status line every half second on a TTY, logs every 30 s otherwise."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.tty = sys.stderr.isatty() and crawler.settings.getbool("LIUZHOU_PROGRESS", True)
        self.interval = 0.5 if self.tty else crawler.settings.getfloat("LIUZHOU_LOG_EVERY", 30.0)
        self.task: asyncio.Task[None] | None = None
        self.started = time.monotonic()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def line(self) -> str:
        stats = self.crawler.stats.get_stats()  # type: ignore[union-attr]
        return progress_text(stats, time.monotonic() - self.started)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            if self.tty:
                sys.stderr.write("\r\x1b[2K" + self.line())
                sys.stderr.flush()
            else:
                logger.info("Progress: %s", self.line())

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.task = asyncio.get_event_loop().create_task(self._loop())

    def spider_closed(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.tty:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
