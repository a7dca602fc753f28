"""Deploy the project to a real scrapyd on loopback and schedule a crawl through its API.

The README promises that ``scrapy.cfg``'s ``[deploy]`` target works with scrapyd.  Only a
real deployment shows that the egg carries what a crawl needs (the three packages, the
Alembic migrations, the ``scrapy`` settings entry point scrapyd looks up) and that the
spider runs from that egg with the arguments and settings given over HTTP.

scrapyd runs in a subprocess with its own configuration, eggs, logs and queues under the
test's temporary directory (and its own HOME, so a ``~/.scrapyd.conf`` is never read);
the project is deployed from a copy of the tree, because ``scrapyd-deploy`` writes a
``setup.py`` and build folders into the project it packs.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from tests.portal_fixture import ServedPortal

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = frozenset({"liuzhou_spider", "pipelines", "storage"})
NOT_SHIPPED = shutil.ignore_patterns(
    ".venv", ".git", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
    "*.db", "*.db-*", "setup.py", "output", ".scrapy",
)
CRAWL_DEADLINE = 60.0  # seconds from schedule.json to the job in "finished"

pytestmark = [
    pytest.mark.crawl,
    pytest.mark.skipif(
        find_spec("scrapyd") is None or find_spec("scrapyd_client") is None,
        reason="scrapyd/scrapyd-client are not installed (pip install -e '.[dev]')",
    ),
]


@dataclass
class Scrapyd:
    """A scrapyd daemon of the test: its API base URL and its private folder."""

    url: str
    home: Path

    def api(self, endpoint: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET ``endpoint`` (query string included) or POST ``data`` form-encoded."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        with urllib.request.urlopen(f"{self.url}/{endpoint}", data=body, timeout=30) as response:
            answer = json.loads(response.read())
        assert answer.get("status") == "ok", f"scrapyd {endpoint}: {answer}"
        return answer

    def job_log(self, project: str, spider: str, job: str) -> str:
        path = self.home / "logs" / project / spider / f"{job}.log"
        return path.read_text(errors="replace") if path.exists() else "(no job log)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(probe: Callable[[], Any], timeout: float, what: str) -> Any:
    """Call ``probe`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = probe()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[Scrapyd]:
    """scrapyd on 127.0.0.1 and a free port, with eggs, logs and queues in ``tmp_path``."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "items_dir =\n"
        "jobs_dir =\n"
        "poll_interval = 0.2\n"
        "max_proc = 1\n"
    )
    server = Scrapyd(f"http://127.0.0.1:{port}", home)
    with (home / "scrapyd.out").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"], cwd=home, env={**os.environ, "HOME": str(home)},
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: process.poll() is None and server.api("daemonstatus.json"), 30,
                 f"scrapyd on port {port}: {(home / 'scrapyd.out').read_text()[-2000:]}")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=15)


def project_copy(tmp_path: Path, target_url: str) -> tuple[Path, str, str]:
    """The project tree in ``tmp_path`` with its deploy target pointed at ``target_url``.

    Returns the copy, the scrapyd project name and the settings module of ``scrapy.cfg``.
    """
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_SHIPPED)
    config = configparser.ConfigParser()
    config.read(copy / "scrapy.cfg")
    assert config.has_option("deploy", "url"), "scrapy.cfg has no [deploy] url"
    assert not config.get("deploy", "url").endswith("/"), "scrapyd-deploy wants no trailing /"
    config.set("deploy", "url", target_url)
    with (copy / "scrapy.cfg").open("w") as cfg:
        config.write(cfg)
    return copy, config.get("deploy", "project"), config.get("settings", "default")


def deploy(project_dir: Path, project: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """``scrapyd-deploy`` the copy to its target; return the egg it uploaded and the answer.

    scrapyd lists the egg's spiders before it accepts it, and ``scrapyd-deploy`` exits 0
    even when scrapyd refuses, so the answer is returned for the caller to check.

    ``--debug`` keeps the build folder (made under TMPDIR, here ``tmp_path``) so the very
    egg that was uploaded can be inspected.
    """
    build_tmp = tmp_path / "build-tmp"
    build_tmp.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "-p", project, "-v", "r1", "--debug"],
        cwd=project_dir, env={**os.environ, "TMPDIR": str(build_tmp)},
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, f"scrapyd-deploy failed:\n{done.stdout}\n{done.stderr[-4000:]}"
    eggs = list(build_tmp.glob("scrapydeploy-*/*.egg"))
    assert len(eggs) == 1, f"expected one egg in {build_tmp}: {eggs}"
    return eggs[0], json.loads(done.stdout.strip().splitlines()[-1])


def check_egg(egg: Path, settings_module: str) -> None:
    """The egg holds the three packages, every migration file and the settings entry point."""
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read("EGG-INFO/entry_points.txt").decode())
    assert {name.split("/", 1)[0] for name in names} == PACKAGES | {"EGG-INFO"}
    migrations = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "storage" / "migrations").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert migrations <= names, f"migrations missing from the egg: {sorted(migrations - names)}"
    assert entry_points.get("scrapy", "settings", fallback=None) == settings_module, (
        "scrapyd finds the settings through the egg's `scrapy` entry point; add to pyproject.toml:"
        f' [project.entry-points.scrapy] settings = "{settings_module}"'
    )


def finished_job(server: Scrapyd, project: str, job: str) -> dict[str, Any] | None:
    jobs = server.api(f"listjobs.json?project={project}")
    return next((j for j in jobs["finished"] if j["id"] == job), None)


def test_deploy_and_schedule_a_crawl(
    scrapyd: Scrapyd, portal: ServedPortal, tmp_path: Path
) -> None:
    project_dir, project, settings_module = project_copy(tmp_path, scrapyd.url)
    egg, answer = deploy(project_dir, project, tmp_path)
    check_egg(egg, settings_module)
    assert answer["status"] == "ok", answer.get("message", answer)
    assert scrapyd.api("listprojects.json")["projects"] == [project]
    spiders = scrapyd.api(f"listspiders.json?project={project}")["spiders"]
    assert "lztz" in spiders

    database = tmp_path / "x.db"
    job = scrapyd.api("schedule.json", {
        "project": project,
        "spider": "lztz",
        "start_url": portal.base_url,
        "host_alias": portal.alias_host,
        "setting": [
            f"LIUZHOU_DB=sqlite:///{database}",
            "DOWNLOAD_DELAY=0",
            "AUTOTHROTTLE_ENABLED=False",
            "CLOSESPIDER_PAGECOUNT=30",
        ],
    })["jobid"]
    wait_for(lambda: finished_job(scrapyd, project, job), CRAWL_DEADLINE, f"scrapyd job {job}")

    log = scrapyd.job_log(project, "lztz", job)
    assert "'finish_reason': 'closespider_pagecount'" in log, log[-4000:]
    assert "Traceback" not in log, log[-4000:]
    with sqlite3.connect(database) as db:
        articles = db.execute("SELECT count(*) FROM v_articles").fetchone()[0]
        runs = db.execute(
            "SELECT status, pages_fetched, articles_new, finished_at FROM v_crawl_runs"
        ).fetchall()
    assert articles > 0
    assert len(runs) == 1
    status, pages_fetched, articles_new, finished_at = runs[0]
    assert status == "success", log[-4000:]
    assert 0 < pages_fetched <= 30 + 16  # the page count stops the crawl; in-flight pages land
    assert articles_new == articles
    assert finished_at is not None
