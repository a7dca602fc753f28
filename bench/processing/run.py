"""The processing path on one core: stored page bytes → parse → clean → signature → store.

Why this measures what it does: a crawl's CPU cost per page is this path (the network
part is bench/crawl), and ``liuzhou reprocess`` is exactly this path over stored pages.
The pages are the offline portal's files as its server sends them (host tokens filled
in), every article rendering included; the database is a fresh SQLite file written in
batches by ``Repository.write_batch``, as the storing step writes.  The baseline is
trafilatura 2.3.1 extracting a sample of the same pages in the same process.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from liuzhou_spider.items import MergeDecision, PageFetch
from liuzhou_spider.portal.server import ALIAS, PRIMARY
from liuzhou_spider.sites import offline_profile
from pipelines.dedup import DedupConfig, Deduplicator
from pipelines.page_reading import process_page
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.repository import Repository

HOST, ALIAS_HOST = "127.0.0.1:8000", "127.0.0.2:8000"
BASE = f"http://{HOST}/"
HEADERS = {"Content-Type": "text/html"}  # no charset: pages declare theirs, as the site does
BATCH = 100  # pages per write_batch: 100 fetches + 100 decisions = LIUZHOU_BATCH_SIZE 200


@dataclass(frozen=True)
class Rate:
    """Pages done and the seconds they took."""

    pages: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def one_core() -> int:
    """Pin this process (and its threads) to one CPU: the figure is per core."""
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def page_paths(truth: dict) -> list[str]:
    """Every article page of the portal as the crawl fetches it: article, print, mobile."""
    return [
        path
        for page in truth["pages"]
        for path in (page["url"], page.get("print_url"), page.get("mobile_url"))
        if path
    ]


def page_bytes(site: Path, path: str) -> bytes:
    """The bytes the portal server answers for ``path`` (``?print=1`` is the _print file)."""
    file = site / path.split("?")[0].lstrip("/")
    if "print=1" in path:
        file = file.with_name(file.name.removesuffix(".html") + "_print.html")
    body = file.read_bytes()
    body = body.replace(PRIMARY.encode(), HOST.encode())
    return body.replace(ALIAS.encode(), ALIAS_HOST.encode())


def _pages(site: Path, paths: list[str]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        yield BASE + path.lstrip("/"), page_bytes(site, path)


def ours(site: Path, paths: list[str]) -> Rate:
    """Parse, clean, sign (deduplicate) and store every page; the wall time of all of it."""
    profile = offline_profile(BASE, f"http://{ALIAS_HOST}/")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        ensure_schema(engine)
        repository = Repository(engine)
        run_id = repository.start_run({"bench": "processing"}, site=profile.name)
        dedup = Deduplicator(DedupConfig(current_templates=profile.current_templates))
        fetches: list[PageFetch] = []
        decisions: list[MergeDecision] = []
        fetched_at = "2026-02-25T09:44:00+00:00"
        started = time.perf_counter()
        for url, body in _pages(site, paths):
            clean = process_page(body, HEADERS, url, profile, fetched_at=fetched_at)
            fetches.append(PageFetch(
                url=url, canonical_url=clean.raw.canonical_url if clean else url,
                fetched_at=fetched_at, status=200, kind="article",
                content_hash=hashlib.sha256(body).hexdigest(), headers=HEADERS, body=body,
            ))
            if clean is not None:
                decisions.append(dedup.assign(clean))
            if len(fetches) >= BATCH:
                repository.write_batch(run_id, fetches, decisions)
                fetches, decisions = [], []
        repository.write_batch(run_id, fetches, decisions)
        repository.finish_run(run_id, "success", {})  # indexes what is pending for search
        seconds = time.perf_counter() - started
        engine.dispose()
    return Rate(len(paths), seconds)


def trafilatura_rate(site: Path, paths: list[str]) -> Rate:
    """trafilatura.extract on the same bytes, the same way (URL given, defaults otherwise)."""
    import trafilatura

    started = time.perf_counter()
    for url, body in _pages(site, paths):
        trafilatura.extract(body, url=url)
    return Rate(len(paths), time.perf_counter() - started)


def profile_ours(site: Path, paths: list[str]) -> str:
    """pyinstrument's call tree of ``ours`` over ``paths`` (text, slowest branches first)."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    ours(site, paths)
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)
