"""Stopping a crawl from outside: SIGTERM to the whole unit, a second Ctrl-C, a reading
worker killed outright.  Each ends with the run's row closed and the truth in it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import pytest_twisted

from tests.crawling import exported
from tests.portal_fixture import serve_portal
from tests.test_cli import crawl_command, crawling_slowly

pytestmark = pytest.mark.crawl


def run_rows(path: Path) -> list[tuple[str, str | None, int, dict[str, object]]]:
    """(status, finished_at, errors, checks) of every run, oldest first."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT status, finished_at, errors, checks FROM crawl_runs ORDER BY id").fetchall()
    return [(status, finished, errors, json.loads(checks or "{}"))
            for status, finished, errors, checks in rows]


def reading_workers(pid: int) -> list[int]:
    """The reading worker processes of the crawl ``pid`` (not multiprocessing's tracker)."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True,
                              check=False).stdout.split()
    workers = []
    for child in children:
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in cmdline:
            workers.append(int(child))
    return workers


def test_sigterm_to_the_whole_unit_ends_interrupted_without_errors(
    portal_dir: Path, tmp_path: Path
) -> None:
    """``systemctl stop`` and a unit's timeout send SIGTERM to every process of the unit,
    the reading worker too: the run stops as interrupted, with no page counted as an
    error because its reader died."""
    db = tmp_path / "term.db"
    with serve_portal(portal_dir) as portal:
        run = crawling_slowly(portal, crawl_command(portal, f"sqlite:///{db}"),
                              start_new_session=True)
        assert reading_workers(run.pid)
        os.killpg(run.pid, signal.SIGTERM)
        assert run.wait(timeout=120) == 6, run.stderr.read() if run.stderr else ""
        assert "Traceback" not in (run.stderr.read() if run.stderr else "")
    [(status, finished, errors, checks)] = run_rows(db)
    assert (status, errors) == ("interrupted", 0)
    assert finished is not None and checks["pages_fetched"] > 0


def test_a_second_ctrl_c_closes_the_run_as_interrupted(portal_dir: Path, tmp_path: Path) -> None:
    """The second Ctrl-C stops Scrapy without closing the spider: the command itself
    closes the run's row and exits 6, never 0 with the row left 'running'."""
    db = tmp_path / "twice.db"
    with serve_portal(portal_dir) as portal:
        run = crawling_slowly(portal, crawl_command(portal, f"sqlite:///{db}"))
        run.send_signal(signal.SIGINT)
        time.sleep(0.5)
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=120) == 6, run.stderr.read() if run.stderr else ""
    [(status, finished, _errors, checks)] = run_rows(db)
    assert status == "interrupted" and finished is not None
    assert checks["finish_reason"] in ("forced", "shutdown")


def test_a_killed_reading_worker_is_replaced(portal_dir: Path, tmp_path: Path) -> None:
    """SIGKILL (the out-of-memory killer, an operator) to the reading worker mid-crawl:
    new workers take over, the pages it held are read again, every article is stored."""
    db = tmp_path / "worker.db"
    with serve_portal(portal_dir) as portal:
        run = crawling_slowly(portal, crawl_command(portal, f"sqlite:///{db}"))
        [worker] = reading_workers(run.pid)
        os.kill(worker, signal.SIGKILL)
        portal.control("reset")
        assert run.wait(timeout=240) == 0, run.stderr.read() if run.stderr else ""
        stderr = run.stderr.read() if run.stderr else ""
    assert "A reading worker died" in stderr
    assert "Could not read article page" not in stderr
    [(status, _finished, errors, _checks)] = run_rows(db)
    assert (status, errors) == ("success", 0)
    assert len(exported(f"sqlite:///{db}")) == 150


def test_a_finished_crawl_removes_only_what_it_wrote_in_its_jobdir(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """``--jobdir`` may be any folder, the working folder or the database's: after a
    finished run only Scrapy's state and the lock are gone, everything else stays."""
    from liuzhou_spider.portal.generate import build_site

    portal_dir = tmp_path_factory.mktemp("small-portal")
    build_site(portal_dir, size=20, seed=3, revision=1)
    db = tmp_path / "crawl.db"
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "keep").mkdir()
    with serve_portal(portal_dir) as portal:
        done = subprocess.run(
            crawl_command(portal, f"sqlite:///{db}", "--jobdir", str(tmp_path)),
            capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        fresh = tmp_path / "fresh-job"
        again = subprocess.run(
            crawl_command(portal, f"sqlite:///{db}", "--jobdir", str(fresh)),
            capture_output=True, text=True, timeout=300, check=False,
        )
        assert again.returncode == 0, again.stderr[-2000:]
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "keep").is_dir() and db.exists()
    left = {p.name for p in tmp_path.iterdir()}
    assert not left & {"requests.queue", "requests.seen", "spider.state", "liuzhou.lock"}
    assert not fresh.exists()  # the run made it and nothing else is in it


@pytest_twisted.inlineCallbacks
def test_a_page_that_kills_every_reader_fails_alone():  # type: ignore[no-untyped-def]
    """A page whose reading kills the worker is tried on one fresh pool, then counted as
    its own error; the page after it is read by new workers as usual."""
    import functools
    from concurrent.futures.process import BrokenProcessPool

    from scrapy.utils.defer import deferred_from_coro

    from pipelines.page_reading import ReadingWorkers, worker_ready
    from tests.sites import LZTZ

    restarts: list[None] = []
    readers = ReadingWorkers(1, LZTZ, lambda: restarts.append(None))

    async def scenario() -> bool:
        with pytest.raises(BrokenProcessPool):
            await readers.run(functools.partial(os._exit, 1))
        return await readers.run(worker_ready)

    try:
        assert (yield deferred_from_coro(scenario())) is True
    finally:
        readers.shutdown()
    assert len(restarts) == 2
