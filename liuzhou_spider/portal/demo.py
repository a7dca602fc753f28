"""The offline portal as ``liuzhou demo`` uses it: generated once, served on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from liuzhou_spider.portal.generate import build_site
from liuzhou_spider.portal.server import PortalServer


def cache_dir() -> Path:
    """Where generated portals are kept between runs ($XDG_CACHE_HOME/liuzhou)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "liuzhou"


def generated_site(size: int, seed: int, revision: int = 1) -> Path:
    """The generated portal's folder, built on first use (generation is deterministic)."""
    folder = cache_dir() / f"portal-size{size}-seed{seed}-rev{revision}"
    if not (folder / "ground_truth.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        build_site(folder, size=size, seed=seed, revision=revision)
    return folder


@contextmanager
def offline_portal(size: int = 150, seed: int = 0) -> Iterator[PortalServer]:
    """Serve the offline portal on 127.0.0.1 and 127.0.0.2 for the length of the block."""
    folder = generated_site(size, seed)
    server = PortalServer(folder / "site")
    server.start()
    try:
        yield server
    finally:
        server.stop()
