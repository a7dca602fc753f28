"""Run one crawl in this process and return its verdict: the engine of ``liuzhou crawl``.

Kept apart from the command line so ``liuzhou demo`` and the tests start exactly the
crawl a scheduled job starts: same settings, same pipelines, same lock, same verdict.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from filelock import FileLock, Timeout
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from sqlalchemy import text

from liuzhou_spider.gc_tuning import tuned_for_long_run
from liuzhou_spider.health import RunOutcome, assess
from liuzhou_spider.spiders.lztz import LztzSpider
from storage.db import database_identity, make_engine
from storage.migrate import ensure_schema

logger = logging.getLogger(__name__)


class Locked(RuntimeError):
    """Another run holds the lock of this database or JOBDIR."""


@dataclass
class CrawlOptions:
    """What ``liuzhou crawl`` was asked to do."""

    db_url: str
    start_urls: list[str] = field(default_factory=list)
    host_aliases: list[str] = field(default_factory=list)
    max_pages: int | None = None
    jobdir: str | None = None
    full: bool = False
    log_file: str | None = None
    log_level: str = "INFO"
    extra_settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlResult:
    """The verdict and the stats of a finished crawl."""

    outcome: RunOutcome
    stats: dict[str, Any]


def project_settings() -> Settings:
    """The project's Scrapy settings, wherever the command is run from."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "liuzhou_spider.settings")
    return get_project_settings()


def is_loopback(url: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: the offline portal, never the real site."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_overrides() -> dict[str, Any]:
    """Politeness exists for the real portal; a loopback copy may be crawled flat out."""
    return {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "RETRY_BACKOFF_BASE": 0.05,
        "RETRY_BACKOFF_MAX": 5.0,
    }


def build_settings(options: CrawlOptions) -> Settings:
    """Project settings plus what the options change."""
    settings = project_settings()
    overrides: dict[str, Any] = {
        "LIUZHOU_DB": options.db_url,
        "LOG_LEVEL": options.log_level,
        "LIUZHOU_FULL": options.full,
        "LIUZHOU_RUN_OPTIONS": {
            "start_urls": options.start_urls,
            "host_aliases": options.host_aliases,
            "max_pages": options.max_pages,
            "full": options.full,
            "jobdir": options.jobdir,
        },
    }
    if options.start_urls and all(is_loopback(u) for u in options.start_urls):
        overrides.update(loopback_overrides())
    if options.max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = options.max_pages
    if options.jobdir:
        overrides["JOBDIR"] = options.jobdir
    if options.log_file:
        overrides["LOG_FILE"] = options.log_file
        overrides["LIUZHOU_PROGRESS"] = False
    overrides.update(options.extra_settings)
    settings.setdict(overrides, priority="cmdline")
    return settings


def lock_key(db_url: str) -> str:
    """What identifies a database whatever the spelling (``storage.db.database_identity``):
    a SQLite file by its real path, whatever the query string, relative or through a
    symlink; a server database without user or password."""
    return database_identity(db_url)


def lock_path(key: str) -> Path:
    """A lock file named after what it protects (a database or a JOBDIR).

    The folder is shared by every user of the machine (sticky, world-writable, like
    /tmp itself), so a second user's run sees the first one's lock.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "liuzhou-locks"
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(PermissionError):
            folder.chmod(0o1777)
    return folder / f"{digest}.lock"


@contextmanager
def server_lock(db_url: str) -> Iterator[None]:
    """On PostgreSQL, a session advisory lock: a team's runs on other machines wait too.

    The lock lives as long as the connection, so a killed run never leaves it behind.
    """
    if not db_url.startswith(("postgresql", "postgres:")):
        yield
        return
    key = int(hashlib.sha256(b"liuzhou-crawl").hexdigest()[:15], 16)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
            if not got.scalar():
                raise Locked(f"another crawl is running on {engine.url.render_as_string()}")
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
    finally:
        engine.dispose()


@contextmanager
def run_lock(options: CrawlOptions) -> Iterator[None]:
    """Hold the database's (and JOBDIR's) lock for the run, or raise ``Locked`` at once."""
    keys = [lock_key(options.db_url)]
    if options.jobdir:
        keys.append(str(Path(options.jobdir).resolve()))
    locks = [FileLock(lock_path(key), mode=0o666) for key in keys]
    acquired: list[FileLock] = []
    try:
        for key, lock in zip(keys, locks, strict=True):
            try:
                lock.acquire(timeout=0)
            except Timeout as exc:
                raise Locked(f"another crawl is running on {key}") from exc
            acquired.append(lock)
        with server_lock(options.db_url):
            yield
    finally:
        for lock in reversed(acquired):
            lock.release()


def check_database(url: str) -> None:
    """Open the database and check its schema before anything is fetched.

    An unreachable server or an outdated schema must stop the run with its own message,
    not after minutes of crawling; an empty database gets the schema created.
    """
    engine = make_engine(url)
    try:
        ensure_schema(engine)
    finally:
        engine.dispose()


def run_crawl(options: CrawlOptions) -> CrawlResult:
    """Crawl once, in this process (a process can run one crawl: Twisted's reactor)."""
    with run_lock(options):
        check_database(options.db_url)
        settings = build_settings(options)
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(LztzSpider)
        process.crawl(
            crawler, start_url=options.start_urls or None,
            host_alias=options.host_aliases or None,
        )
        with tuned_for_long_run():
            process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = str(stats.get("finish_reason", "finished"))
    if options.jobdir and reason != "shutdown":
        # A finished crawl's JOBDIR remembers every request made: left in place it would
        # make the next scheduled run skip its own start pages.
        shutil.rmtree(options.jobdir, ignore_errors=True)
    outcome = assess(stats, reason, max_error_rate=settings.getfloat("LIUZHOU_MAX_ERROR_RATE"))
    return CrawlResult(outcome=outcome, stats=stats)
