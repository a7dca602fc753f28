"""The offline portal as ``liuzhou demo`` uses it: generated once, served on loopback."""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from liuzhou_spider.portal.generate import build_site
from liuzhou_spider.portal.server import PortalServer
from liuzhou_spider.portal.sites import BUNDLED, LZTZ, SiteSpec


def cache_dir() -> Path:
    """Where generated portals are kept between runs ($XDG_CACHE_HOME/liuzhou)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "liuzhou"


def _site_tag(site: SiteSpec) -> str:
    """The cache name part of a site: none for the default, the key for a bundled site,
    the key and a checksum of the spec for others (two specs may share a key)."""
    if site == LZTZ:
        return ""
    if BUNDLED.get(site.key) == site:
        return f"-{site.key}"
    spec = json.dumps(site.to_json(), ensure_ascii=False, sort_keys=True)
    return f"-{site.key}-{zlib.crc32(spec.encode()):08x}"


def generated_site(size: int, seed: int, revision: int = 1, site: SiteSpec = LZTZ) -> Path:
    """The generated portal's folder, built on first use (generation is deterministic)."""
    folder = cache_dir() / f"portal{_site_tag(site)}-size{size}-seed{seed}-rev{revision}"
    if not (folder / "ground_truth.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        build_site(folder, size=size, seed=seed, revision=revision, site=site)
    return folder


@contextmanager
def offline_portal(
    size: int = 150, seed: int = 0, site: SiteSpec = LZTZ
) -> Iterator[PortalServer]:
    """Serve the offline portal of ``site`` on 127.0.0.1 and 127.0.0.2 for the block."""
    folder = generated_site(size, seed, site=site)
    server = PortalServer(folder / "site")
    server.start()
    try:
        yield server
    finally:
        server.stop()
