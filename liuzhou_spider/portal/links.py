"""Hrefs in every form the real site's links take, and a record of what was linked.

Link forms are chosen by a CRC of (source page, target, slot), never by a shared random
stream: a page's bytes then depend only on that page, so revision 2 leaves every page it
does not touch byte-identical.  The book remembers the non-canonical forms each article
page was linked under (``variant_urls`` of the ground truth) and which article pages
have a link from anywhere but pager pages 2+ (the rest are ``pager_only_article_urls``).
"""

from __future__ import annotations

import zlib
from collections import defaultdict

PRIMARY = "__PRIMARY__"  # replaced by 127.0.0.1:PORT when served
ALIAS = "__ALIAS__"  # replaced by 127.0.0.2:PORT when served
TRACKING = ("?from=timeline", "?isappinstalled=0", "#", "?from=singlemessage&isappinstalled=0")


def relative(source: str, target: str) -> str:
    """``target`` relative to the directory of page ``source``, TRS style (``./``, ``../``).

    Both are absolute paths; written by hand because ``posixpath.relpath`` dominated the
    build time of large sites.
    """
    start = source[: source.rfind("/")].split("/")[1:]
    parts = target.split("/")[1:]
    common = 0
    while common < len(start) and common < len(parts) - 1 and start[common] == parts[common]:
        common += 1
    up = len(start) - common
    rest = "/".join(parts[common:])
    return ("../" * up if up else "./") + rest


def crc(*parts: str) -> int:
    """A stable small hash (``hash()`` is salted per process)."""
    return zlib.crc32("|".join(parts).encode())


class LinkBook:
    """Builds article hrefs and records their variants and where they were linked from."""

    def __init__(self) -> None:
        self.variants: dict[str, set[str]] = defaultdict(set)
        self.linked: set[str] = set()  # article paths linked from a non-pager page

    def article(
        self,
        source: str,
        target: str,
        *,
        forms: tuple[str, ...] = ("rel",),
        slot: str = "",
        pager: bool = False,
    ) -> str:
        """An href from page ``source`` to article page ``target`` in one of ``forms``.

        Forms: ``rel`` (relative to the source), ``root`` (``/path``), ``abs`` (one of
        http/https × primary/alias host), ``track`` (relative plus a tracking query),
        ``abs+track``.
        """
        h = crc(source, target, slot)
        form = forms[h % len(forms)]
        if not pager:
            self.linked.add(target)
        if form == "rel":
            return relative(source, target)
        if form == "root":
            return target
        tracking = TRACKING[(h >> 4) % len(TRACKING)]
        if form == "track":
            self.variants[target].add(target + tracking)
            return relative(source, target) + tracking
        scheme = ("http", "https")[(h >> 8) & 1]
        host = (PRIMARY, ALIAS)[(h >> 9) & 1]
        url = f"{scheme}://{host}{target}"
        if form == "abs+track":
            url += tracking
        if url != f"http://{PRIMARY}{target}":
            self.variants[target].add(url)
        return url

    def variant(self, target: str, url: str) -> str:
        """Record a print/mobile form of article page ``target``; return ``url``."""
        self.variants[target].add(url)
        return url
