"""Shared by the crawl and memory benchmarks: the offline portal served in a subprocess,
and children whose wall time and peak memory are measured one by one.

The server runs in its own process so that the crawler's process holds only the crawl
(its peak RSS and its CPU are the crawl's); ``os.wait4`` gives each child's own peak RSS,
where ``RUSAGE_CHILDREN`` would give the largest of all children so far.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Served:
    """A running portal: its start URL and the alias host of the same site."""

    base_url: str

    @property
    def alias_host(self) -> str:
        return self.base_url.replace("127.0.0.1", "127.0.0.2").split("//", 1)[1].rstrip("/")


@contextmanager
def serve(site: Path) -> Iterator[Served]:
    """``python -m liuzhou_spider.portal serve SITE --port 0`` for the length of the block."""
    process = subprocess.Popen(
        [sys.executable, "-m", "liuzhou_spider.portal", "serve", str(site), "--port", "0"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("PORTAL "):
            raise RuntimeError(f"portal server did not start: {line!r}")
        yield Served(line.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class ChildRun:
    """A finished child: the JSON it printed last, its wall time and its peak RSS."""

    report: dict[str, Any]
    seconds: float
    peak_rss_mib: float


def run_child(args: list[str]) -> ChildRun:
    """Run ``python ARGS`` from the project root; its last stdout line must be JSON."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {process.returncode}:\n{out[-2000:]}")
    last = out.strip().splitlines()[-1]
    return ChildRun(json.loads(last), seconds, usage.ru_maxrss / 1024)
