"""One measured crawl, run as its own process by the benchmark (a reactor runs once).

``python -m bench.crawl.child full DB START ALIAS``: ``liuzhou crawl`` exactly as the
command runs it (``runner.run_crawl``: settings, pipelines, lock, database).
``python -m bench.crawl.child bare URLS_FILE``: a bare Scrapy spider that requests the
same URLs with the same concurrency and does nothing with the responses.
Both print, as their last line, JSON with the responses received and Scrapy's own
elapsed time (engine start to stop: interpreter start-up and imports excluded alike).
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

from liuzhou_spider.runner import CrawlOptions, loopback_overrides, run_crawl


class BareSpider(scrapy.Spider):
    """Fetch a list of URLs; keep nothing."""

    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> None:
        return None


def bare(urls_file: Path) -> dict[str, Any]:
    """The baseline: same URLs, same loopback concurrency, no parsing, no pipelines."""
    urls = urls_file.read_text("utf-8").split()
    process = CrawlerProcess({
        **loopback_overrides(),
        "CONCURRENT_ITEMS": 4,  # as the project's settings: Scrapy tuning is not measured
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "RETRY_ENABLED": False,
        "HTTPERROR_ALLOWED_CODES": [404, 410],
    })
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    return _report(crawler.stats.get_stats() if crawler.stats else {})


def full(db_url: str, start_url: str, alias: str) -> dict[str, Any]:
    """The product's crawl, as ``liuzhou crawl`` runs it."""
    result = run_crawl(CrawlOptions(db_url=db_url, start_urls=[start_url],
                                    host_aliases=[alias], log_level="WARNING",
                                    extra_settings={"LIUZHOU_PROGRESS": False}))
    return {**_report(result.stats), "outcome": result.outcome.status}


def _report(stats: dict[str, Any]) -> dict[str, Any]:
    return {"responses": int(stats.get("response_received_count", 0)),
            "seconds": float(stats.get("elapsed_time_seconds", 0.0))}


def main(argv: list[str]) -> int:
    mode, *rest = argv
    report = bare(Path(rest[0])) if mode == "bare" else full(*rest)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
