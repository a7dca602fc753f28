"""The cyclic garbage collector's thresholds for a long run (a crawl, a reprocess).

A run builds a large long-lived heap (deduplication's per-article records, Scrapy's
scheduler and request state) while every page allocates and frees thousands of
containers.  With CPython's default thresholds (700, 10, 10) the collector ran 5,900
times in a crawl of the 20,000-article offline portal and kept rescanning that heap:
23 s of the crawl process's 134 s of CPU, measured with ``gc.callbacks``.  With the
heap of the imports frozen and the thresholds below: 98 collections, 5 s.  Garbage in
a reference cycle then waits at most ``YOUNG`` net allocations longer (a few MB); the
reading worker's collector is left alone (0.02 s in the same crawl).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 10_000  # net container allocations between young collections (default 700)
MIDDLE = 20  # young collections per middle one (default 10)
OLD = 10  # middle collections per full one, which CPython also defers until the
# long-lived heap has grown by a quarter


@contextmanager
def tuned_for_long_run() -> Iterator[None]:
    """Within the block: what exists now is frozen (never rescanned), thresholds raised.

    Both are undone on leaving, so a caller in a longer-lived process (a test session)
    gets its collector back as it was.
    """
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG, MIDDLE, OLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
