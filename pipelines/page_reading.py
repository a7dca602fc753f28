"""Reading pages, off the process that merges and stores: the reading workers.

Reading a page (decoding, parsing, cleaning, signing its body) is pure-Python CPU work
that needs nothing but the page, while merging and storing must see the pages one by
one, in one process.  So both the crawl (``pipelines.steps.CleaningStep``) and
``liuzhou reprocess`` hand the reading to worker processes started here (same start-up,
same profile handling, a dead worker replaced), and take the results back: the
decisions, and so the database, are those of reading in one process.  A reprocess
reads a batch ahead and takes the results back in page order.

Nothing here knows Scrapy or the database: the crawl's item pipeline and the reprocess
command are the callers.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from liuzhou_spider.items import CleanArticle
from liuzhou_spider.pages.decoding import content_type_of, decode_page, is_text_response
from liuzhou_spider.pages.listing import Listing, links_in
from liuzhou_spider.pages.text import parse_document
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.urls import canonicalize
from pipelines.cleaning import read_article
from pipelines.dedup import DedupConfig
from pipelines.dedup.sketch import sketch_body

logger = logging.getLogger(__name__)

# One configuration for the sketches made in the reading worker and the index they meet.
DEDUP_CONFIG = DedupConfig()
_signer = functools.cache(DedupConfig.signer)  # one per configuration, per process


@dataclass
class PageReading:
    """What reading one article page gives: its links, and its article or the error."""

    links: Listing
    article: CleanArticle | None = None
    error: str | None = None  # the traceback, when reading failed


def read_page(html: str, url: str, profile: SiteProfile | None, config: DedupConfig,
              **fetch: Any) -> PageReading:
    """Links, article and sketch of an article page: all of a page's CPU work that needs
    nothing but the page, in one call in the reading worker.

    Sorting an article page's links (the whole menu) was a fifth of the crawl's event
    loop; here it costs the worker little.  A page that cannot be read still gives its
    links: nothing reachable only through it is lost.  ``profile`` None means the
    worker's own (``reading_worker_init``): a profile holds templates and patterns, too
    much to pickle again with every page.
    """
    profile = reading_profile(profile)
    root = parse_document(html)  # one parse for the links and the article
    links = links_in(root, html, url, profile)
    try:
        clean = read_article(html, url, profile, root=root, **fetch)
        return PageReading(links, with_sketch(clean, config))
    except Exception:
        return PageReading(links, error=traceback.format_exc())


def with_sketch(clean: CleanArticle, config: DedupConfig) -> CleanArticle:
    """The article with its body's sketch and band keys, as a ``Deduplicator`` of
    ``config`` would compute them: made where the page is read, off the merging process."""
    return replace(clean, sketch=sketch_body(
        clean.body_text, _signer(config), (config.bands, config.rows)))


_worker_profile: SiteProfile | None = None


def reading_profile(profile: SiteProfile | None) -> SiteProfile:
    """``profile``, or the reading worker's own (``reading_worker_init``) when None."""
    profile = profile or _worker_profile
    assert profile is not None, "no profile given and none set by reading_worker_init"
    return profile


def worker_ready() -> bool:
    """Nothing: submitted once per worker so that it starts and imports what it needs."""
    return True


def reading_worker_init(parent_pid: int, profile: SiteProfile) -> None:
    """Set up a reading worker: its site profile, deaf to Ctrl-C and SIGTERM, gone with
    the crawl.

    Ctrl-C, ``systemctl stop`` and a unit's timeout (SIGTERM to the whole control group)
    stop a crawl, which then waits for the pages its workers hold: a worker that died of
    the signal would turn each of them into an error.  A crawl killed outright (SIGKILL)
    cannot stop its workers, so they watch for that themselves.
    """
    global _worker_profile
    _worker_profile = profile
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@contextmanager
def stop_signals_ignored() -> Iterator[None]:
    """Ignore SIGINT and SIGTERM in this process for a moment: a process started meanwhile
    inherits the dispositions, so a signal sent to the whole group while a reading worker
    is still importing (before ``reading_worker_init`` runs, about a second) does not kill
    it.  A signal that reaches this process in the few milliseconds of the spawn itself
    is lost: blocking it instead would not carry over (the spawn resets the signal mask).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {signum: signal.signal(signum, signal.SIG_IGN)
             for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def reading_pool(workers: int, profile: SiteProfile) -> ProcessPoolExecutor:
    """``workers`` reading processes for ``profile``, started now.

    A spawned worker imports the whole reading code (about a second of CPU): starting
    them while the first list pages download keeps the first article pages from waiting.
    Their start is not awaited, so Ctrl-C still stops at once.
    """
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"),
        initializer=reading_worker_init, initargs=(os.getpid(), profile),
    )
    with stop_signals_ignored():
        for _ in range(workers):
            pool.submit(worker_ready)
    return pool


class ReadingWorkers:
    """A pool of reading workers that replaces itself when a worker dies.

    A dead worker (killed, out of memory) breaks its whole pool: without a new one every
    later page would fail.  The pages in flight when it died are read again once each, so
    a page that kills its reader is that page's error, not every later page's.
    """

    def __init__(self, workers: int, profile: SiteProfile,
                 on_restart: Callable[[], None] = lambda: None) -> None:
        self.workers = workers
        self.profile = profile
        self.on_restart = on_restart  # told each time new workers replace dead ones
        self.pool = reading_pool(workers, profile)

    async def run(self, work: Callable[[], Any]) -> Any:
        """Run ``work`` in a worker; if the worker dies, once more in a new pool (raising
        ``BrokenProcessPool`` if that one dies too)."""
        loop = asyncio.get_running_loop()
        pool = self.pool
        try:
            return await loop.run_in_executor(pool, work)
        except BrokenProcessPool:
            if self.pool is pool:  # the first page to notice replaces the pool
                logger.error("A reading worker died; starting new reading workers")
                self.on_restart()
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = reading_pool(self.workers, self.profile)
            return await loop.run_in_executor(self.pool, work)

    def shutdown(self) -> None:
        """Wait for the pages the workers hold, then stop them."""
        self.pool.shutdown(wait=True)


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
    if not is_text_response(headers, url, body):
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
