"""What earlier runs saw, for a run that fetches only what changed.

The database remembers, for every URL, its ETag, Last-Modified and content hash.  A later
run asks conditionally (304 costs the site nothing), skips parsing a page whose bytes did
not change, stops paging through a column once a page lists only known articles, and
re-checks known articles nobody links to any more (to notice deletions).  ``--full``
switches all of it off.

Stopping early is safe only if the last run stored everything it met: pages a failed or
partial run lost deep in a column would otherwise never be fetched again.  So after any
run that did not end ``success`` every column is paged to its end (``pager_depth_after``);
conditional requests keep the known pages cheap.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from storage.storable import is_keyed, url_key

logger = logging.getLogger(__name__)


class Remembered(Protocol):
    """The fields of ``storage.repository.UrlMemory`` this module reads."""

    etag: str | None
    last_modified: str | None
    content_hash: str | None
    status: int | None
    article_id: str | None
    gone_at: str | None


def pager_depth_after(previous_status: str | None, depth: int) -> int:
    """The pager depth of this run: ``depth`` (``LIUZHOU_PAGER_DEPTH``) after a run that
    ended ``success`` (or none), else 0: read every page of every column."""
    return depth if previous_status in (None, "success") else 0


@dataclass
class SeenBefore:
    """The URL memory of earlier runs and the rules that use it.

    The memory is keyed as the database stores URLs (``storage.storable.url_key``: a URL
    too long for an index by prefix and hash), so lookups go through the same key.
    """

    memory: dict[str, Remembered] = field(default_factory=dict)
    pager_depth: int = 1  # column pages always read, from page 1, before stopping is allowed
    requested: set[str] = field(default_factory=set)

    @property
    def enabled(self) -> bool:
        """False on a first run (nothing remembered) or with ``--full``."""
        return bool(self.memory)

    def conditional_headers(self, url: str) -> dict[str, str]:
        """``If-None-Match``/``If-Modified-Since`` for an article stored before, else nothing.

        A page fetched but never stored as an article (a run killed between the two
        writes) is asked for in full, so the next run completes it.
        """
        seen = self.memory.get(url_key(url))
        if seen is None or seen.gone_at or seen.status != 200 or seen.article_id is None:
            return {}
        headers = {}
        if seen.etag:
            headers["If-None-Match"] = seen.etag
        if seen.last_modified:
            headers["If-Modified-Since"] = seen.last_modified
        return headers

    def unchanged(self, url: str, content_hash: str) -> bool:
        """True when a stored article's page answered the same bytes as last time."""
        seen = self.memory.get(url_key(url))
        return (
            seen is not None and seen.article_id is not None
            and seen.content_hash == content_hash and not seen.gone_at
        )

    def is_known_article(self, url: str) -> bool:
        """A page stored as an article by an earlier run."""
        seen = self.memory.get(url_key(url))
        return seen is not None and seen.article_id is not None

    def follow_pager(self, page_index: int, article_urls: list[str]) -> bool:
        """Whether to read the next page of a column's pager.

        Always within the first ``pager_depth`` pages (0 = always); after that only while
        the page still lists an article no earlier run stored.
        """
        if not self.enabled or self.pager_depth == 0 or page_index + 1 < self.pager_depth:
            return True
        return any(not self.is_known_article(url) for url in article_urls)

    def unreached_articles(self) -> list[str]:
        """Known, not-gone article URLs this run has not requested: candidates to re-check."""
        return sorted(
            url for url, seen in self.memory.items()
            if seen.article_id is not None and not seen.gone_at and url not in self.requested
            and not is_keyed(url)  # stored by hash: not a URL that can be asked for
        )
