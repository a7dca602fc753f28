"""The merging rules: which URL stands for an article, which body is its content, and
what evidence besides body similarity says two pages report the same event.

Pure functions over small records, so the rules can be read and tested apart from the
index.  docs/architecture.md "Canonical article rules" and docs/dedup.md describe them.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from liuzhou_spider.items import Rendering
from pipelines.dedup.normalize import normalize

_DIGITS = re.compile(r"\d+")
_ORDINAL = re.compile(r"第([一二三四五六七八九十百千零〇两]+)")
_NO_DOCID = 1 << 62  # pages without a docid sort after every real one


@dataclass(frozen=True, slots=True)
class PageRank:
    """What the canonical rules need to know about one page of an article."""

    url: str
    docid: int | None
    rendering: Rendering
    template_current: bool
    body_len: int | None = None  # normalised characters; None when not known (reloaded)


def docid_number(docid: str | None) -> int | None:
    """The docid as a number (docids are compared numerically: 999 < 1000)."""
    return int(docid) if docid and docid.isdigit() else None


def url_key(page: PageRank) -> tuple[bool, bool, int, int, str]:
    """Sort key of the canonical-URL rule; the smallest wins.

    An article rendering before print/mobile, the current template before older ones,
    the oldest docid (the first publication), the shortest path (the column the article
    was filed under first is usually the shorter one), then the URL itself so the choice
    never depends on crawl order.
    """
    docid = page.docid if page.docid is not None else _NO_DOCID
    path = urlsplit(page.url).path
    return (page.rendering != "article", not page.template_current, docid, len(path), page.url)


def content_key(page: PageRank) -> tuple[int, tuple[bool, bool, int, int, str]]:
    """Sort key of the canonical-content rule among complete versions; the smallest wins.

    The newest version (largest docid) first; among pages of one docid (cross-posts,
    hosts), the one the canonical-URL rule prefers.
    """
    docid = page.docid if page.docid is not None else -1
    return (-docid, url_key(page))


def is_complete(page: PageRank, longest: int, ratio: float) -> bool:
    """A version is complete when it is an article rendering at least ``ratio`` as long
    as the longest known article rendering: a print page or an excerpt never becomes the
    canonical body while a full article rendering exists."""
    return (
        page.rendering == "article"
        and page.body_len is not None
        and page.body_len >= ratio * longest
    )


def title_numbers(title: str) -> tuple[str, ...]:
    """The numbers a title carries (第12周, 2026年, 第十二次): they name the event.

    Sorted and unique, as a tuple: one is kept per article, and a tuple of two strings
    costs a quarter of a frozenset's memory.
    """
    text = unicodedata.normalize("NFKC", title)
    return tuple(sorted({*_DIGITS.findall(text), *_ORDINAL.findall(text)}))


def numbers_conflict(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two titles name different events when each carries a number the other lacks.

    One-sided additions (``…(2026年)`` appended on a republication) are not a conflict.
    """
    return not set(a).issubset(b) and not set(b).issubset(a)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def titles_related(a: str, b: str) -> bool:
    """Same title, one inside the other (a site-name suffix), or mostly the same words."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb or na in nb or nb in na:
        return True
    ba, bb = _bigrams(na), _bigrams(nb)
    return 2 * len(ba & bb) / (len(ba) + len(bb)) >= 0.5


@dataclass(frozen=True, slots=True)
class Evidence:
    """What besides the body tells two reports apart: title and publication day."""

    title: str
    numbers: tuple[str, ...]
    day: str | None  # YYYY-MM-DD of publication

    @classmethod
    def of(cls, title: str, published_at: str | None) -> Evidence:
        # Many articles share a day: one string per day, not one per article.
        day = sys.intern(published_at[:10]) if published_at else None
        # A copy of the title: the caller's string goes on to the database driver, which
        # caches its UTF-8 form on it (about 90 bytes for a 30-character Chinese title, for
        # as long as the string lives; evidence lives as long as the crawl).
        return cls(title.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass"),
                   title_numbers(title), day)


def worth_exact_check(
    page: Evidence, article: Evidence, similarity: float, recheck: float, strong: float
) -> bool:
    """Whether ``same_report`` rejected a pair only because its estimate fell just under
    ``strong``: titles related, no conflicting numbers, estimate in [recheck, strong).

    That is a republication on another day whose estimate came out low (about one pair in
    500 at exact Jaccard 0.92, with 128 permutations); the exact Jaccard of the two bodies
    settles it, when the stored body can be read.
    """
    return (
        recheck <= similarity < strong
        and not numbers_conflict(page.numbers, article.numbers)
        and titles_related(page.title, article.title)
    )


def same_report(
    page: Evidence, article: Evidence, similarity: float, accept: float, strong: float
) -> bool:
    """Whether a page whose body has ``similarity`` to an article's reports the same event.

    Look-alike reports (weekly meetings sharing whole sentences) stay below ``accept``
    on the body alone with 5-grams; what separates the ones that come closer is what the
    body similarity cannot see: numbered titles that disagree (第12周 / 第13周), or a
    different publication day or an unrelated title without a near-identical body.
    A republication (new docid, later day, suffix on the title, a corrected name, an
    added line) keeps a body similarity above ``strong`` and so still merges.
    """
    if similarity < accept or numbers_conflict(page.numbers, article.numbers):
        return False
    days_differ = page.day is not None and article.day is not None and page.day != article.day
    if days_differ or not titles_related(page.title, article.title):
        return similarity >= strong
    return True
