"""The ``liuzhou`` command as a scheduled job runs it: separate processes, exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.crawling import exported
from tests.portal_fixture import ServedPortal, serve_portal

pytestmark = pytest.mark.crawl
LIUZHOU = [sys.executable, "-m", "liuzhou_spider"]


def crawl_command(portal: ServedPortal, db_url: str, *extra: str) -> list[str]:
    return [*LIUZHOU, "crawl", "--db", db_url, "--start-url", portal.base_url,
            "--host-alias", portal.alias_host, "--log-level", "WARNING", *extra]


def comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Export records without the times of the run that fetched them."""
    return sorted(
        ({k: v for k, v in r.items() if k not in ("first_seen_at", "last_seen_at")}
         for r in records),
        key=lambda r: r["id"],
    )


def test_demo_runs_the_whole_product_in_its_own_database_repeatably(tmp_path: Path) -> None:
    """The demo crawls the offline portal and prints the summary; neither ``liuzhou.db``
    nor ``$LIUZHOU_DB`` (production) gets the generated articles, and a second demo gives
    the same database as the first, not twice the URLs."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "LIUZHOU_DB": f"sqlite:///{tmp_path / 'production.db'}"}
    demo_db = f"sqlite:///{tmp_path / 'liuzhou-demo.db'}"
    counts = []
    for _ in range(2):
        done = subprocess.run([*LIUZHOU, "demo", "--size", "10"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Crawl summary" in done.stdout and "liuzhou-demo.db" in done.stderr
        assert (tmp_path / "liuzhou-report.html").is_file() and "liuzhou serve" in done.stderr
        records = exported(demo_db)
        counts.append((len(records), sum(len(r["urls"]) for r in records)))
    assert counts[0] == counts[1] and counts[0][0] == 10
    assert not (tmp_path / "production.db").exists() and not (tmp_path / "liuzhou.db").exists()


def crawling_slowly(portal: ServedPortal, command: list[str], **popen: Any
                    ) -> subprocess.Popen[str]:
    """Start a crawl against a portal that answers every request 0.3 s late, and return
    once the portal has answered 20 of its requests: the crawl is then under way, holds
    its lock, and is far from done, however slowly this machine started it."""
    portal.control("fault", {"path": "*", "kind": "slow", "times": None, "delay": 0.3})
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           **popen)
    deadline = time.monotonic() + 120
    while len(portal.requests()) < 20 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run.poll() is None, run.stderr.read() if run.stderr else ""
    return run


def test_second_run_on_the_same_database_exits_locked(portal_dir: Path, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'locked.db'}"
    with serve_portal(portal_dir) as portal:
        first = crawling_slowly(portal, crawl_command(portal, db_url))
        try:
            started = time.monotonic()
            second = subprocess.run(crawl_command(portal, db_url), capture_output=True,
                                    text=True, timeout=60, check=False)
            assert second.returncode == 5
            assert "another crawl is running" in second.stderr
            assert time.monotonic() - started < 20
        finally:
            portal.control("reset")  # full speed again: let the first run finish
            assert first.wait(timeout=240) == 0, first.stderr.read() if first.stderr else ""


def test_interrupted_crawl_resumes_with_its_jobdir(portal_dir: Path, tmp_path: Path) -> None:
    jobdir = tmp_path / "job"
    interrupted = f"sqlite:///{tmp_path / 'interrupted.db'}"
    straight = f"sqlite:///{tmp_path / 'straight.db'}"
    with serve_portal(portal_dir) as portal:
        run = crawling_slowly(portal, crawl_command(portal, interrupted, "--jobdir", str(jobdir)))
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=120) == 6, run.stderr.read() if run.stderr else ""
        portal.control("reset")
        assert (jobdir / "requests.seen").exists()
        partial = len(exported(interrupted))
        resumed = subprocess.run(crawl_command(portal, interrupted, "--jobdir", str(jobdir)),
                                 capture_output=True, text=True, timeout=300, check=False)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        whole = subprocess.run(crawl_command(portal, straight), capture_output=True, text=True,
                               timeout=300, check=False)
        assert whole.returncode == 0, whole.stderr[-2000:]
    assert partial < len(exported(straight))
    assert comparable(exported(interrupted)) == comparable(exported(straight))


def test_extract_prints_the_clean_article_of_a_saved_page() -> None:
    import json

    page = Path(__file__).parent / "pages" / "seed_both_renderings.html"
    url = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html"
    done = subprocess.run([*LIUZHOU, "extract", str(page), "--url", url],
                          capture_output=True, text=True, timeout=60, check=True)
    article = json.loads(done.stdout)
    assert article["column"] == ["统战动态", "时政聚焦", "本市"]
    assert article["published_at"] == "2026-02-25T17:44:00+08:00"
    assert article["body_text"].count("南国春来早") == 1
    assert [i["caption"] for i in article["images"]] == ["张壮出席并讲话。", "大会现场。"]


def test_unreachable_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = subprocess.run(
        [*LIUZHOU, "crawl", "--db", "postgresql://nobody@127.0.0.1:1/none",
         "--start-url", "http://127.0.0.1:1/"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert "error:" in done.stderr and "Traceback" not in done.stderr


def stored_articles(path: Path) -> int:
    """Articles committed so far by a crawl running in another process (0 before any)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_killed_crawl_leaves_a_sound_database_that_the_next_run_completes(
    portal_dir: Path, tmp_path: Path
) -> None:
    import sqlite3

    killed = tmp_path / "killed.db"
    straight = f"sqlite:///{tmp_path / 'straight.db'}"
    with serve_portal(portal_dir) as portal:
        run = crawling_slowly(portal, crawl_command(portal, f"sqlite:///{killed}"))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and stored_articles(killed) < 20:
            time.sleep(0.5)
        run.kill()
        run.wait(timeout=30)
        portal.control("reset")
        with sqlite3.connect(killed) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("SELECT status FROM crawl_runs").fetchall() == [
                ("running",)
            ]
        done = subprocess.run(crawl_command(portal, f"sqlite:///{killed}"),
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        whole = subprocess.run(crawl_command(portal, straight), capture_output=True,
                               text=True, timeout=300, check=False)
        assert whole.returncode == 0, whole.stderr[-2000:]
    with sqlite3.connect(killed) as connection:
        statuses = [s for (s,) in connection.execute("SELECT status FROM crawl_runs ORDER BY id")]
    assert statuses == ["interrupted", "success"]
    assert comparable(exported(f"sqlite:///{killed}")) == comparable(exported(straight))


@pytest.mark.postgres
def test_postgres_runs_exclude_each_other_across_machines(pg_url: str) -> None:
    """The file lock covers one machine; on PostgreSQL the server holds the lock."""
    from liuzhou_spider.runner import Locked, server_lock

    with server_lock(pg_url), pytest.raises(Locked), server_lock(pg_url):
        pass
    with server_lock(pg_url):
        pass
