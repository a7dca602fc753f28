"""The offline portal for crawl tests: generated once per session, served in a subprocess.

A subprocess keeps the server off the test's reactor and lets a test kill a crawl
without killing the site.  Control goes through the server's ``/__portal__/`` endpoints.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class ServedPortal:
    """A running portal server and what tests need to talk to it."""

    root: Path
    base_url: str
    alias_base_url: str
    process: subprocess.Popen[str]

    @property
    def port(self) -> int:
        return int(self.base_url.rstrip("/").rsplit(":", 1)[1])

    @property
    def alias_host(self) -> str:
        return self.alias_base_url.split("//", 1)[1].rstrip("/")

    def control(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        """POST (with a JSON body) or GET one of the server's control endpoints."""
        data = json.dumps(payload).encode() if payload is not None else None
        method = "POST" if payload is not None or path in ("reset",) else "GET"
        if path.startswith(("revision", "reset")):
            method = "POST"
        request = urllib.request.Request(
            self.base_url + "__portal__/" + path, data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def requests(self) -> list[dict[str, Any]]:
        return self.control("requests")


@contextmanager
def serve_portal(root: Path, port: int = 0) -> Iterator[ServedPortal]:
    """Start ``python -m liuzhou_spider.portal serve`` (on a free port unless given one)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "liuzhou_spider.portal", "serve", str(root), "--port", str(port)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("PORTAL "), f"portal server did not start: {line!r}"
        base = line.split()[1]
        yield ServedPortal(root, base, base.replace("127.0.0.1", "127.0.0.2"), process)
    finally:
        process.terminate()
        process.wait(timeout=10)
