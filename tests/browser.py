"""Headless Chromium for the browser tests: the Debian package, driven with Playwright.

Playwright drives the system ``chromium`` (``executable_path``; no browser download) and
gives what the tests check: console messages and page errors, every request a page makes,
DOM queries after the page has loaded, screenshots. Its sync API runs in a thread of its
own, away from the asyncio loop of the test session's reactor.

Without chromium the browser tests skip, except in CI (``LIUZHOU_REQUIRE_PG=1`` or
``CI`` set), where they fail: CI must run them (``.ci/run`` installs chromium).
``LIUZHOU_SCREENSHOTS=DIR`` saves the screenshots there (``docs/`` for the README).
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
VIEWPORT = {"width": 1200, "height": 900}


def chromium() -> str:
    """The chromium executable; skip (fail in CI) when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "chromium is not installed (apt-get install -y chromium)"
    if os.environ.get("LIUZHOU_REQUIRE_PG") == "1" or os.environ.get("CI"):
        pytest.fail(f"{message}: the browser tests must run in CI", pytrace=False)
    pytest.skip(message)


@dataclass
class Visit:
    """A page and what it said while it loaded and ran."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def count(self, selector: str) -> int:
        return int(self.page.locator(selector).count())

    def values(self, selector: str) -> list[float]:
        """The ``data-value`` of every element matching ``selector``."""
        return [float(v) for v in self.page.eval_on_selector_all(
            selector, "els => els.map(e => e.dataset.value)")]


def in_browser(work: Callable[[Callable[[str], Visit]], T]) -> T:
    """Run ``work(open)`` with a headless Chromium; ``open(url)`` loads a page and returns
    its ``Visit``. The browser closes afterwards."""
    from playwright.sync_api import sync_playwright

    executable = chromium()

    def session() -> T:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=["--no-sandbox"])
            opened: list[Any] = []
            try:
                def open_page(url: str) -> Visit:
                    while opened:  # one page at a time: the last one stays usable
                        opened.pop().close()
                    page = browser.new_page(viewport=VIEWPORT)
                    opened.append(page)
                    visit = Visit(page)
                    page.on("console", lambda m: visit.errors.append(m.text)
                            if m.type == "error" else None)
                    page.on("pageerror", lambda e: visit.errors.append(str(e)))
                    page.on("request", lambda r: visit.requests.append(r.url))
                    page.goto(url, wait_until="load")
                    return visit

                return work(open_page)
            finally:
                browser.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(session).result()


def screenshot(visit: Visit, name: str, fallback: Path, height: int = 1500) -> Path:
    """Save the top ``height`` pixels of the page as ``name`` in ``LIUZHOU_SCREENSHOTS``
    (else ``fallback``)."""
    folder = Path(os.environ.get("LIUZHOU_SCREENSHOTS") or fallback)
    path = folder / name
    visit.page.screenshot(path=str(path), full_page=True,
                          clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height})
    return path
