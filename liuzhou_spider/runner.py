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
from liuzhou_spider.health import RunOutcome, assess, error_count
from liuzhou_spider.messages import safe_url
from liuzhou_spider.sites import DEFAULT_SITE
from liuzhou_spider.spiders.loader import site_spider
from storage.db import database_identity, make_engine
from storage.migrate import ensure_schema
from storage.repository import Repository

logger = logging.getLogger(__name__)


class Locked(RuntimeError):
    """Another run holds the lock of this database or JOBDIR."""


class LockUnavailable(RuntimeError):
    """The lock file cannot be created (a read-only or missing folder)."""


@dataclass
class CrawlOptions:
    """What ``liuzhou crawl`` was asked to do."""

    db_url: str
    site: str = DEFAULT_SITE  # the registry's name of the site (``--site``)
    sites_dir: str | None = None  # the user's profiles (``--sites-dir``), else the env's
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
            "site": options.site,
            "start_urls": options.start_urls,
            "host_aliases": options.host_aliases,
            "max_pages": options.max_pages,
            "full": options.full,
            "jobdir": options.jobdir,
        },
    }
    if options.start_urls and all(is_loopback(u) for u in options.start_urls):
        overrides.update(loopback_overrides())
    if options.sites_dir:
        overrides["LIUZHOU_SITES_DIR"] = options.sites_dir
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


# What Scrapy writes into a JOBDIR (scheduler queue, seen fingerprints, spider state),
# and the JOBDIR's lock: all that a finished crawl removes from it.
JOBDIR_FILES = ("requests.queue", "requests.seen", "spider.state")
JOBDIR_LOCK = "liuzhou.lock"


def lock_path(db_url: str) -> Path | None:
    """The lock file of a database: next to an SQLite file (``liuzhou.db.lock``), None for a
    server database (its advisory lock, ``server_lock``, serves every user and machine).

    Next to the file, the lock is found by every run that can write the database (a
    timer's run under ``ProtectSystem=strict`` and a run by hand alike) and by no one
    else: the folder's permissions guard it, not a shared world-writable one where any
    local user could create the lock first and hold every crawl off.
    """
    key = lock_key(db_url)  # an SQLite file's key is "sqlite:" + its absolute path
    if not key.startswith("sqlite:") or ":memory:" in key:
        return None
    database = Path(key.removeprefix("sqlite:").split("?", 1)[0])
    return database.with_name(database.name + ".lock")


def file_lock(path: Path, what: str, *, make_folder: bool) -> FileLock:
    """An exclusive lock on ``path``, readable and writable only by the owner and group
    (those who share the database): another user cannot open it to hold it.

    ``make_folder``: create the folder (a new JOBDIR); a database's folder must exist.
    """
    if make_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LockUnavailable(f"{what}: cannot create {path.parent}: "
                                  f"{exc.strerror}") from exc
    elif not path.parent.is_dir():
        raise LockUnavailable(f"{what}: the folder {path.parent} does not exist")
    return FileLock(path, mode=0o660)


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
                raise Locked(f"another crawl is running on {safe_url(db_url)}")
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
    """Hold the database's (and JOBDIR's) lock for the run, or raise ``Locked`` at once
    (``LockUnavailable`` when the lock file cannot be made: a missing or read-only folder).
    """
    wanted: list[tuple[Path, str, str]] = []  # lock file, what it guards, option naming it
    database_lock = lock_path(options.db_url)
    if database_lock is not None:
        wanted.append((database_lock, safe_url(options.db_url), "--db"))
    if options.jobdir:
        wanted.append((Path(options.jobdir) / JOBDIR_LOCK, f"JOBDIR {options.jobdir}",
                       "--jobdir"))
    acquired: list[FileLock] = []
    try:
        for path, what, option in wanted:
            lock = file_lock(path, f"{option} {what}", make_folder=option == "--jobdir")
            try:
                lock.acquire(timeout=0)
            except Timeout as exc:
                raise Locked(f"another crawl is running on {what}") from exc
            except OSError as exc:
                raise LockUnavailable(f"{option}: cannot take the lock {path}: "
                                      f"{exc.strerror}") from exc
            acquired.append(lock)
        with server_lock(options.db_url):
            yield
    finally:
        for lock in reversed(acquired):
            lock.release()
        if database_lock is not None and not database_lock.with_suffix("").exists():
            database_lock.unlink(missing_ok=True)  # no database (a misspelt name): no trace


def clear_jobdir(jobdir: Path, created: bool) -> None:
    """Remove what a finished crawl wrote into its JOBDIR, and the folder itself if this
    run created it and nothing else is left: a JOBDIR can be any folder (``.``, the
    database's), and nothing else in it belongs to the crawl.

    A finished crawl's JOBDIR remembers every request made: left in place it would make
    the next run with it skip its own start pages.
    """
    for name in (*JOBDIR_FILES, JOBDIR_LOCK):
        path = jobdir / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if created:
        with contextlib.suppress(OSError):  # not empty: someone else's files stay
            jobdir.rmdir()


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


class StoppableProcess(CrawlerProcess):
    """A ``CrawlerProcess`` that remembers whether a second Ctrl-C or SIGTERM forced the
    stop: Scrapy then stops the reactor without closing the spider, so no
    ``finish_reason`` is set and no pipeline closes the run's row."""

    forced = False

    def _signal_kill(self, signum: int, frame: Any) -> None:
        self.forced = True
        super()._signal_kill(signum, frame)


def close_forced_run(db_url: str, stats: dict[str, Any], outcome: RunOutcome) -> None:
    """Close the row of a run stopped by force as ``interrupted``: what it wrote stays,
    what it held in memory is fetched again by the next run."""
    run_id = stats.get("liuzhou/run_id")
    if run_id is None:
        return
    counts = {"pages_fetched": outcome.checks.get("pages_fetched", 0),
              "errors": error_count(stats)}
    checks = {**outcome.checks, "reason": outcome.reason, "finish_reason": "forced"}
    engine = make_engine(db_url)
    try:
        Repository(engine).finish_run(int(run_id), outcome.status, counts, checks)
    finally:
        engine.dispose()


def run_crawl(options: CrawlOptions) -> CrawlResult:
    """Crawl once, in this process (a process can run one crawl: Twisted's reactor)."""
    jobdir = Path(options.jobdir) if options.jobdir else None
    jobdir_created = jobdir is not None and not jobdir.exists()
    try:
        with run_lock(options):
            check_database(options.db_url)
            stats, outcome = crawl_locked(options)
    except Exception as exc:
        if jobdir is not None and jobdir_created and not isinstance(exc, Locked):
            clear_jobdir(jobdir, created=True)  # refused before crawling: no folder left
        raise
    if jobdir is not None and outcome.status != "interrupted":
        clear_jobdir(jobdir, jobdir_created)
    return CrawlResult(outcome=outcome, stats=stats)


def crawl_locked(options: CrawlOptions) -> tuple[dict[str, Any], RunOutcome]:
    """The crawl itself (its lock held, its database checked): its stats and verdict."""
    settings = build_settings(options)
    process = StoppableProcess(settings)
    crawler = process.create_crawler(site_spider(options.site, options.sites_dir))
    process.crawl(
        crawler, start_url=options.start_urls or None,
        host_alias=options.host_aliases or None,
    )
    with tuned_for_long_run():
        process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    forced = process.forced and "liuzhou/outcome" not in stats
    reason = "shutdown" if forced else str(stats.get("finish_reason", "finished"))
    outcome = assess(stats, reason, max_error_rate=settings.getfloat("LIUZHOU_MAX_ERROR_RATE"))
    if forced:
        close_forced_run(options.db_url, stats, outcome)
    return stats, outcome
