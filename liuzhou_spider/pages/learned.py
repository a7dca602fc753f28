"""What a crawl learns of a site from its list pages: column paths and the site's name.

A single page may not say what its site calls itself: an older template's ``<title>``
is the headline plus a suffix the page gives no other clue about, or the site's name
alone.  Across the site the suffix shows itself: every list page's ``<title>`` is its
column's name followed by the same ``_中共柳州市委统战部`` (or ``-某某网``).  So the crawl
collects the list pages' titles, and the tail that many of them share, starting at a
separator, is the site's own suffix: cut from a title that still carries it, and a title
equal to the name in it is no headline.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from liuzhou_spider.pages.columns import ColumnTree, learned_columns, resolve_column
from liuzhou_spider.pages.text import normalize_space, text_of

SEPARATORS = "_-|｜–—·:：»>"
MIN_PAGES = 3  # distinct list-page titles that must share a suffix
MAX_TITLES = 500  # list-page titles kept: enough to see the suffix, bounded on a trap
MAX_UNSETTLED = 100_000  # articles read before their folder's list page, kept to settle


def title_suffix(titles: list[str]) -> str | None:
    """The longest tail, starting at a separator and naming something after it, that
    at least ``MIN_PAGES`` of ``titles`` and more than half of them end with."""
    distinct = sorted(set(titles))
    if len(distinct) < MIN_PAGES:
        return None
    counts: Counter[str] = Counter()
    for title in distinct:
        tails = {title[i:] for i, char in enumerate(title) if i and char in SEPARATORS
                 and len(title[i:].strip(SEPARATORS + " ")) >= 2}
        counts.update(tails)
    shared = [tail for tail, n in counts.items()
              if n >= MIN_PAGES and n * 2 > len(distinct)]
    return max(shared, key=len) if shared else None


class LearnedSite:
    """Column paths (``ColumnTree``) and the ``<title>`` suffix learned from list pages."""

    def __init__(self) -> None:
        self.columns = ColumnTree()
        self._titles: list[str] = []
        self._suffix: str | None = None
        self._stale = False
        # URL -> (column given, the page's own column names): read before the list page
        # of its folder, so settled at the run's end against the whole tree.
        self._unsettled: dict[str, tuple[tuple[str, ...], tuple[str | None, ...]]] = {}

    def learn_list_page(self, root: etree._Element, url: str) -> None:
        """Take what one list page shows: its breadcrumb's paths and its ``<title>``."""
        self.columns.learn(learned_columns(root, url))
        title = root.find(".//title")
        text = normalize_space(text_of(title)) if title is not None else ""
        if text and len(self._titles) < MAX_TITLES:
            self._titles.append(text)
            self._stale = True

    def note_unsettled(
        self, url: str, column: list[str], own_names: tuple[str | None, ...]
    ) -> None:
        """Remember an article whose folder no list page read so far names: the crawl
        meets pages in an order it does not choose, and the article's column must not
        depend on it."""
        if url not in self._unsettled and len(self._unsettled) < MAX_UNSETTLED:
            self._unsettled[url] = (tuple(column), own_names)

    def settled_columns(self) -> dict[str, tuple[list[str], list[str]]]:
        """URL -> (column given, column now) for the noted articles whose path the list
        pages read since then complete, by the rule a page read after them gets."""
        settled = {}
        for url, (column, own_names) in self._unsettled.items():
            now = resolve_column(column, url, self.columns, from_breadcrumb=False,
                                 own_names=own_names)
            if now != list(column):
                settled[url] = (list(column), now)
        return settled

    @property
    def title_suffix(self) -> str | None:
        """The site's ``<title>`` suffix (``_中共柳州市委统战部``), once pages show it."""
        if self._stale:
            self._suffix, self._stale = title_suffix(self._titles), False
        return self._suffix

    @property
    def site_name(self) -> str | None:
        """The name in the suffix (``中共柳州市委统战部``)."""
        suffix = self.title_suffix
        return suffix.strip(SEPARATORS + " ") if suffix else None

    def headline(self, title: str) -> str:
        """``title`` without the site's suffix, when it carries it after a headline."""
        suffix = self.title_suffix
        if suffix and title.endswith(suffix):
            head = title[: -len(suffix)].strip(SEPARATORS + " ")
            if head:
                return head
        return title
