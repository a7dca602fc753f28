"""``pipelines.reprocess``: rebuilding articles from stored pages gives the crawl's database.

One real crawl of the offline portal (``liuzhou crawl`` in a subprocess, so no reactor is
involved) is copied for each test; every assertion compares exports or analyst views.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pipelines.reprocess as reprocess_module
from liuzhou_spider.pages.learned import LearnedSite
from liuzhou_spider.runner import CrawlOptions, Locked, run_lock
from pipelines.reprocess import reprocess
from tests.crawling import exported
from tests.portal_fixture import serve_portal

pytestmark = pytest.mark.crawl

URL_VIEW = "SELECT url, article_id, is_canonical, similarity FROM v_article_urls ORDER BY url"


@pytest.fixture(scope="module")
def crawled_db(tmp_path_factory: pytest.TempPathFactory, portal_dir: Path) -> Path:
    """A database filled by one ``liuzhou crawl`` of the 150-article offline portal."""
    path = tmp_path_factory.mktemp("reprocess") / "crawl.db"
    with serve_portal(portal_dir) as portal:
        subprocess.run(
            [sys.executable, "-m", "liuzhou_spider", "crawl", "--db", f"sqlite:///{path}",
             "--start-url", portal.base_url, "--host-alias", portal.alias_host,
             "--log-level", "WARNING"],
            check=True, capture_output=True, timeout=240,
        )
    return path


@pytest.fixture
def db(crawled_db: Path, tmp_path: Path) -> str:
    """A private copy of the crawled database, as a URL."""
    copy = tmp_path / "copy.db"
    shutil.copy(crawled_db, copy)
    return f"sqlite:///{copy}"


def query(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as connection:
        return connection.execute(sql).fetchall()


def test_full_reprocess_gives_the_crawls_export(db: str) -> None:
    before, urls_before = exported(db), query(db, URL_VIEW)
    seen: list[tuple[int, int]] = []
    result = reprocess(db, progress=lambda done, total: seen.append((done, total)))
    assert result.errors == 0
    assert result.articles_new == len(before) == 150
    assert result.duplicates_merged > 0  # cross-posts, aliases, print/mobile were merged again
    assert exported(db) == before
    assert query(db, URL_VIEW) == urls_before
    assert seen and seen[-1] == (result.pages, result.pages)
    # Recorded as a run of its own kind, which crawl health checks do not compare with.
    assert query(db, "SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1") == [
        ("reprocessed",)]


EVIDENCE = ("SELECT article_id, title_from, published_from, source_from, title_conflict,"
            " list_title FROM v_articles ORDER BY article_id")


def test_the_crawl_stores_the_evidence_and_reprocessing_keeps_it(db: str) -> None:
    before = query(db, EVIDENCE)
    # Every article of the portal is linked from a list page whose words agree with it.
    assert len(before) == 150 and all(row[5] for row in before)
    assert {row[1] for row in before} <= {"heading", "meta"}
    assert not any(row[4] for row in before)
    assert {row[2] for row in before} <= {"info_line", "meta", "under_title", "url"}
    reprocess(db)
    assert query(db, EVIDENCE) == before


def test_reprocess_rebuilds_from_the_pages_not_from_the_articles(db: str) -> None:
    before = exported(db)
    query(db, "UPDATE articles SET title = 'broken', body_text = '' WHERE rowid <= 20")
    query(db, "DELETE FROM article_columns")
    reprocess(db)
    assert exported(db) == before


def test_filtered_reprocess_touches_only_its_articles(db: str) -> None:
    before = exported(db)
    column = next(r["column"][-1] for r in before if r["column"])
    query(db, f"UPDATE articles SET title = 'stale' WHERE id NOT IN "
              f"(SELECT article_id FROM article_columns WHERE name = '{column}')")
    query(db, f"UPDATE articles SET title = 'broken' WHERE id IN "
              f"(SELECT article_id FROM article_columns WHERE name = '{column}')")
    result = reprocess(db, column=column)
    after = {r["id"]: r for r in exported(db)}
    rebuilt = [r for r in before if column in r["column"]]
    assert result.articles_new == len(rebuilt) > 0
    assert all(after[r["id"]] == r for r in rebuilt)
    assert {r["title"] for r in after.values() if column not in r["column"]} == {"stale"}


def test_date_range_selects_by_publication(db: str) -> None:
    before = exported(db)
    days = sorted(r["published_at"][:10] for r in before if r["published_at"])
    since, until = days[len(days) // 4], days[len(days) // 2]
    inside = [r for r in before if r["published_at"] and since <= r["published_at"][:10] <= until]
    result = reprocess(db, since=since, until=until)
    assert result.articles_new == len(inside)
    assert exported(db) == before


@pytest.fixture
def failing_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch of the reprocess fails after writing: the run must roll back whole."""
    class Exploding(reprocess_module.Batch):
        def write(self) -> None:
            super().write()
            raise RuntimeError("disk full")

    monkeypatch.setattr(reprocess_module, "Batch", Exploding)


def test_a_failed_reprocess_changes_nothing(db: str, failing_writes: None) -> None:
    before = exported(db)
    with pytest.raises(RuntimeError):
        reprocess(db)
    assert exported(db) == before
    assert query(db, "SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1") == [("failed",)]


def test_reprocess_refuses_a_database_a_crawl_holds(db: str) -> None:
    before = exported(db)
    with run_lock(CrawlOptions(db_url=db)), pytest.raises(Locked):
        reprocess(db)
    assert exported(db) == before


def test_reading_in_worker_processes_gives_the_same_database(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, urls_before = exported(db), query(db, URL_VIEW)
    monkeypatch.setattr(reprocess_module, "BATCH", 16)  # many batches read ahead
    result = reprocess(db, workers=2)
    assert result.errors == 0 and result.articles_new == 150
    assert exported(db) == before
    assert query(db, URL_VIEW) == urls_before


def test_a_dead_reading_worker_fails_the_run_instead_of_each_page() -> None:
    from concurrent.futures.process import BrokenProcessPool

    from pipelines.dedup import Deduplicator

    def dead() -> None:
        raise BrokenProcessPool("a worker was killed")

    page = reprocess_module.StoredPage("http://127.0.0.1/a.html", "00", 200, "2026-01-01", None)
    result = reprocess_module.ReprocessResult(run_id=1)
    with pytest.raises(BrokenProcessPool):
        reprocess_module._replay(page, dead, Deduplicator(), result, LearnedSite())
    assert result.errors == 0


def test_the_command_takes_its_worker_count(db: str) -> None:
    before = exported(db)
    command = [sys.executable, "-m", "liuzhou_spider", "reprocess", "--db", db]
    done = subprocess.run([*command, "--workers", "2"], capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr
    assert "168 page(s) reprocessed" in done.stderr and "0 error(s)" in done.stderr
    assert exported(db) == before
    refused = subprocess.run([*command, "--workers", "-1"], capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode == 2 and "--workers" in refused.stderr
