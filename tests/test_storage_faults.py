"""Nothing lost quietly: failed writes, pipeline errors and rejected values during a crawl.

Each test injects one fault into a real crawl of the small offline portal and checks
both halves of "correct or loud": what the database holds, and what the run says.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from liuzhou_spider.health import STORAGE_FAILED, assess
from liuzhou_spider.portal.generate import build_site
from liuzhou_spider.spiders import trs
from pipelines.steps import DedupStep
from storage.db import make_engine
from storage.migrate import upgrade
from storage.repository import Repository
from tests.crawling import crawl_options, exported, ground_truth, query, run_crawl_deferred
from tests.portal_fixture import serve_portal

pytestmark = pytest.mark.crawl

FAST_RETRIES = {"LIUZHOU_WRITE_BACKOFF": 0.01, "LIUZHOU_BATCH_SIZE": 20}


@pytest.fixture(scope="module")
def small_portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small-portal")
    build_site(root, size=30, seed=3, revision=1)
    return root


def outcome_of(crawler: Any) -> Any:
    stats = crawler.stats.get_stats()
    return assess(stats, stats["finish_reason"])


def failing_writes(monkeypatch: pytest.MonkeyPatch, fails: Any) -> list[int]:
    """Make ``Repository.write_batch`` raise while ``fails(call_number, fetches,
    decisions)`` says so; returns the list of call numbers that failed."""
    real = Repository.write_batch
    calls: list[int] = []
    failed: list[int] = []

    def write_batch(self: Repository, run_id: int, fetches: list, decisions: list) -> Any:
        calls.append(1)
        if fails(len(calls), fetches, decisions):
            failed.append(len(calls))
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))
        return real(self, run_id, fetches, decisions)

    monkeypatch.setattr(Repository, "write_batch", write_batch)
    return failed


@pytest_twisted.inlineCallbacks
def test_a_write_that_fails_for_a_while_loses_no_page(small_portal: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch):
    failed = failing_writes(monkeypatch, lambda n, f, d: n in (2, 3))
    db_url = f"sqlite:///{tmp_path / 'retried.db'}"
    with serve_portal(small_portal) as portal:
        truth = ground_truth(portal)
        crawler = yield run_crawl_deferred(crawl_options(
            portal, db_url, extra_settings=FAST_RETRIES))
    assert failed == [2, 3]
    assert outcome_of(crawler).status == "success"
    assert len(exported(db_url)) == len(truth["articles"])
    # A first crawl meets an article's renderings one after another: no edit, no version.
    assert query(db_url, "SELECT count(*) FROM article_versions") == [(0,)]
    assert query(db_url, "SELECT articles_updated FROM v_crawl_runs") == [(0,)]


@pytest_twisted.inlineCallbacks
def test_a_page_the_database_keeps_rejecting_is_counted_not_hidden(  # type: ignore[no-untyped-def]
        small_portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def poisoned(n: int, fetches: list, decisions: list) -> bool:
        return any(d.article.title == victim["title"] for d in decisions)

    db_url = f"sqlite:///{tmp_path / 'poisoned.db'}"
    with serve_portal(small_portal) as portal:
        truth = ground_truth(portal)
        victim = truth["articles"][5]
        failing_writes(monkeypatch, poisoned)
        crawler = yield run_crawl_deferred(crawl_options(
            portal, db_url, extra_settings=FAST_RETRIES))
    stats = crawler.stats.get_stats()
    outcome = outcome_of(crawler)
    # The batch went in page by page: only the rejected page is missing.
    assert len(exported(db_url)) == len(truth["articles"]) - 1
    assert stats["liuzhou/write_errors"] == len(victim["urls"])
    assert outcome.status == "partial" and "stored in the database" in outcome.reason
    assert query(db_url, "SELECT status FROM crawl_runs") == [("partial",)]


@pytest_twisted.inlineCallbacks
def test_a_database_that_takes_nothing_fails_and_stops_the_crawl(  # type: ignore[no-untyped-def]
        small_portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    failing_writes(monkeypatch, lambda n, f, d: True)
    db_url = f"sqlite:///{tmp_path / 'full.db'}"
    with serve_portal(small_portal) as portal:
        crawler = yield run_crawl_deferred(crawl_options(
            portal, db_url, extra_settings={**FAST_RETRIES, "LIUZHOU_BATCH_SIZE": 5}))
    stats = crawler.stats.get_stats()
    outcome = outcome_of(crawler)
    assert stats["finish_reason"] == STORAGE_FAILED
    assert outcome.status == "failed" and outcome.exit_code == 1
    assert "could not be stored" in outcome.reason
    assert query(db_url, "SELECT status FROM crawl_runs") == [("failed",)]


@pytest_twisted.inlineCallbacks
def test_an_error_in_a_pipeline_step_counts_in_the_verdict(  # type: ignore[no-untyped-def]
        small_portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = DedupStep.process_item
    broken: list[str] = []

    async def process_item(self: DedupStep, item: Any) -> Any:
        article = getattr(item, "raw", None)
        if article is not None and not broken:
            broken.append(article.url)
            raise RuntimeError("a bug in a step")
        return await real(self, item)

    monkeypatch.setattr(DedupStep, "process_item", process_item)
    db_url = f"sqlite:///{tmp_path / 'bug.db'}"
    with serve_portal(small_portal) as portal:
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    stats = crawler.stats.get_stats()
    assert broken and stats["liuzhou/item_errors"] == 1
    assert outcome_of(crawler).status == "partial"


@pytest_twisted.inlineCallbacks
def test_a_postgresql_rejection_is_counted_and_the_rest_stored(  # type: ignore[no-untyped-def]
        small_portal: Path, pg_url: str):
    """A real rejection by PostgreSQL (a trigger refusing one title), not a mock."""
    with serve_portal(small_portal) as portal:
        truth = ground_truth(portal)
        victim = truth["articles"][2]["title"]
        engine = make_engine(pg_url)
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE refused (title text)"))
            connection.execute(text("INSERT INTO refused VALUES (:t)"), {"t": victim})
            connection.execute(text(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                "IF EXISTS (SELECT 1 FROM refused WHERE title = NEW.title) THEN "
                "RAISE EXCEPTION 'refused by policy'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"))
            connection.execute(text(
                "CREATE TRIGGER refuse BEFORE INSERT ON articles "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"))
        engine.dispose()
        crawler = yield run_crawl_deferred(crawl_options(
            portal, pg_url, extra_settings=FAST_RETRIES))
    outcome = outcome_of(crawler)
    assert crawler.stats.get_stats()["liuzhou/write_errors"] >= 1
    assert outcome.status in ("partial", "failed") and "stored" in outcome.reason
    assert len(exported(pg_url)) == len(truth["articles"]) - 1
    assert query(pg_url, "SELECT status FROM crawl_runs") == [(outcome.status,)]


def deep_listed(site: Path) -> set[str]:
    """File names of the articles listed only on a column's later pager pages."""
    def listed(pattern: str) -> set[str]:
        return {name for page in site.rglob(pattern)
                for name in re.findall(r'href="[^"]*/(t\d+_\d+\.html)"', page.read_text())}
    return listed("index_*.html") - listed("index.html")


@pytest_twisted.inlineCallbacks
def test_pages_a_partial_run_lost_deep_in_a_column_are_fetched_by_the_next(  # type: ignore[no-untyped-def]
        portal_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An incremental run stops paging at a page of known articles, unless the run
    before it did not end ``success``: then it pages every column to its end."""
    db_url = f"sqlite:///{tmp_path / 'deep.db'}"
    with serve_portal(portal_dir) as portal:
        truth = ground_truth(portal)
        deep = deep_listed(portal_dir / "site")
        lost = {a["title"] for a in truth["articles"] if deep & {
            u.rsplit("/", 1)[-1] for u in a["urls"]}}
        assert len(lost) >= 5
        restore = monkeypatch.context()
        with restore as patch:
            failing_writes(patch, lambda n, f, d: any(x.article.title in lost for x in d))
            crawler = yield run_crawl_deferred(crawl_options(
                portal, db_url, extra_settings=FAST_RETRIES))
        assert outcome_of(crawler).status == "partial"
        assert not lost & {r["title"] for r in exported(db_url)}
        crawler = yield run_crawl_deferred(crawl_options(portal, db_url))
    assert crawler.stats.get_stats().get("liuzhou/not_modified", 0) > 0  # incremental
    assert outcome_of(crawler).status == "success"
    assert {r["title"] for r in exported(db_url)} >= lost


FULL_DISK_CRAWL = """
import json, resource, signal, sys
from liuzhou_spider.runner import CrawlOptions, run_crawl

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
db_url, start, alias, limit = sys.argv[1:5]
resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), int(limit)))
result = run_crawl(CrawlOptions(db_url=db_url, start_urls=[start], host_aliases=[alias],
                                log_level="ERROR",
                                extra_settings={"LIUZHOU_WRITE_BACKOFF": 0.01}))
print(json.dumps({"status": result.outcome.status, "code": int(result.outcome.exit_code),
                  "reason": result.outcome.reason,
                  "write_errors": result.stats.get("liuzhou/write_errors", 0)}))
"""


def test_a_full_disk_fails_the_run_loudly(small_portal: Path, tmp_path: Path):
    """A crawl whose files may not grow past 300 kB (RLIMIT_FSIZE): the schema fits, the
    pages do not; the run must fail naming storage, not say success with pages lost."""
    db_url = f"sqlite:///{tmp_path / 'full.db'}"
    with serve_portal(small_portal) as portal:
        truth = ground_truth(portal)
        done = subprocess.run(
            [sys.executable, "-c", FULL_DISK_CRAWL, db_url, portal.base_url,
             portal.alias_host, "300000"],
            capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    verdict = json.loads(done.stdout.strip().splitlines()[-1])
    stored = len(exported(db_url))
    assert stored < len(truth["articles"])  # the limit did bite
    assert verdict["status"] == "failed" and verdict["code"] == 1, verdict
    assert verdict["write_errors"] > 0 and "could not be stored" in verdict["reason"]
    # The database is still usable, and the next run knows the last one did not finish.
    assert query(db_url, "SELECT status FROM crawl_runs") in ([("failed",)], [("running",)])


@pytest_twisted.inlineCallbacks
def test_an_etag_with_a_nul_byte_no_longer_keeps_every_page_out_of_postgresql(  # type: ignore[no-untyped-def]
        small_portal: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """The site sent an ETag with a NUL: PostgreSQL refused every batch, on every run."""
    real = trs.header_text

    def with_nul(response: Any, name: str) -> str | None:
        value = real(response, name)
        return value + "\x00" if value and name == "ETag" else value

    monkeypatch.setattr(trs, "header_text", with_nul)
    with serve_portal(small_portal) as portal:
        truth = ground_truth(portal)
        crawler = yield run_crawl_deferred(crawl_options(portal, pg_url))
    stats = crawler.stats.get_stats()
    assert outcome_of(crawler).status == "success"
    assert len(exported(pg_url)) == len(truth["articles"])
    assert stats["liuzhou/values_repaired"] >= len(truth["articles"])
    assert query(pg_url, "SELECT count(*) FROM urls WHERE etag IS NOT NULL") != [(0,)]
