"""Stored page bytes → clean article, in this process or in worker processes.

Reading a page (decoding, parsing, cleaning, signing its body) is about three quarters
of a reprocess's CPU and needs nothing but the page, while merging and storing must see
the pages one by one in crawl order, in one transaction.  So ``liuzhou reprocess``
hands the reading to worker processes (the crawl's reading workers: same start-up,
same profile handling) a batch ahead, and takes the results back in page order: the
decisions, and so the database, are those of reading in this process.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from scrapy.http import TextResponse
from scrapy.responsetypes import responsetypes

from liuzhou_spider.items import CleanArticle
from liuzhou_spider.pages.decoding import content_type_of, decode_page
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.urls import canonicalize
from pipelines.cleaning import read_article
from pipelines.steps import DEDUP_CONFIG, reading_pool, reading_profile, with_sketch

# A pool costs about a second of imports per worker before the first page: below this
# many pages a reprocess reads them itself.
POOL_MIN_PAGES = 1000
MAX_WORKERS = 8  # merging and storing stay in one process: more readers wait on it

# Reads one page when called: the result, or the exception reading raised.
PendingRead = Callable[[], CleanArticle | None]
# (zlib page bytes, response headers as stored JSON, URL, status, fetched_at) → PendingRead
ReadPage = Callable[[bytes, str, str, int, str, "str | None", "str | None"], PendingRead]


def process_page(
    body: bytes, headers: dict[str, str], url: str, profile: SiteProfile, *,
    status: int = 200, fetched_at: str | None = None, link_title: str | None = None,
    link_date: str | None = None,
) -> CleanArticle | None:
    """Stored bytes of an article page → its clean article, as the crawl would read it.

    Returns None for what the spider does not read (a non-text response).  Raises what
    parsing or cleaning raises; the caller counts it.
    """
    html = stored_text(body, headers, url)
    if html is None:
        return None
    return read_article(
        html, url, profile, canonical_url=canonicalize(url, profile),
        status=status, fetched_at=fetched_at, headers=headers, link_title=link_title,
        link_date=link_date,
    )


def stored_text(body: bytes, headers: dict[str, str], url: str) -> str | None:
    """A stored page's text as the spider decoded it (``pages.decoding``), or None for
    what the spider does not read (a non-text response)."""
    if not issubclass(responsetypes.from_args(headers=headers, url=url, body=body),
                      TextResponse):
        return None
    return decode_page(body, content_type_of(headers)).text


def read_stored(compressed: bytes, headers: str, url: str, status: int, fetched_at: str,
                profile: SiteProfile | None, link_title: str | None = None,
                link_date: str | None = None) -> CleanArticle | None:
    """``process_page`` of a stored page (its zlib bytes and headers JSON as
    ``page_contents`` keeps them), with the body's sketch (``profile`` None: the
    worker's own); ``link_title``/``link_date``: what the list page that linked it showed,
    as the crawl kept it."""
    clean = process_page(zlib.decompress(compressed), json.loads(headers), url,
                         reading_profile(profile), status=status, fetched_at=fetched_at,
                         link_title=link_title, link_date=link_date)
    return None if clean is None else with_sketch(clean, DEDUP_CONFIG)


def default_workers(pages: int) -> int:
    """Worker processes for reading ``pages`` pages: one per usable core, none for few."""
    if pages < POOL_MIN_PAGES:
        return 0
    # The cores this process may use (a container's share); macOS has no affinity call.
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return min(usable or os.cpu_count() or 1, MAX_WORKERS)


@contextmanager
def page_reader(profile: SiteProfile, workers: int) -> Iterator[ReadPage]:
    """A function that starts reading a page and returns how to get its result: at once
    in this process (``workers`` 0), else in a pool of ``workers`` processes."""
    if workers <= 0:
        def here(compressed: bytes, headers: str, url: str, status: int, fetched_at: str,
                 link_title: str | None, link_date: str | None) -> PendingRead:
            return lambda: read_stored(compressed, headers, url, status, fetched_at, profile,
                                       link_title, link_date)

        yield here
        return
    with reading_pool(workers, profile) as pool:
        def submit(compressed: bytes, headers: str, url: str, status: int, fetched_at: str,
                   link_title: str | None, link_date: str | None) -> PendingRead:
            return pool.submit(read_stored, compressed, headers, url, status, fetched_at,
                               None, link_title, link_date).result

        try:
            yield submit
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # a failed run reads no further
            raise
