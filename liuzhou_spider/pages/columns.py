"""The site's column tree, learned from the pages that show it.

Older article templates show only the leaf column's name above the title, or nothing,
and some carry no site menu: the page alone cannot name its column path.  A careful
reader knows it from where the article is listed.  A TRS site files each article under
its column's folder (``/dptt/mzdp/201604/t20160403_1054440.html`` sits in
``/dptt/mzdp/``), and every list page of that folder states the folder's path in its
breadcrumb, whose links also name each ancestor folder.  So the crawl learns
folder → names from the list pages it reads, and an article whose own page gives no
breadcrumb takes its folder's names, when they agree with the name the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from lxml import etree

from liuzhou_spider.pages.article import _breadcrumb, column_names
from liuzhou_spider.pages.selectors import PageSelectors
from liuzhou_spider.pages.text import join_url, text_of

# An article file under its column folder, with or without a month folder.
_ARTICLE_FILE = re.compile(r"(?:\d{6}/)?t\d{8}_\d+(?:_[a-z]+)?\.s?html?$")
_LIST_FILE = re.compile(r"index(?:_\d+)?\.s?html?$")


def column_folder(url: str) -> str | None:
    """The column folder of an article or list page URL (``/dptt/mzdp/``), else None."""
    path = urlsplit(url).path
    if _ARTICLE_FILE.search(path):
        return _ARTICLE_FILE.sub("", path)
    if path.endswith("/") or _LIST_FILE.search(path):
        return _LIST_FILE.sub("", path)
    return None


def learned_columns(root: etree._Element, url: str) -> dict[str, tuple[str, ...]]:
    """Folder → column names that the breadcrumb of the list page ``url`` states.

    The page's own folder gets the whole path; each breadcrumb link to a column folder
    gets the names up to it.  A page without a breadcrumb teaches nothing.
    """
    own = column_folder(url)
    crumb = _breadcrumb(PageSelectors(root), None)
    if own is None or crumb is None:
        return {}
    names = column_names(crumb)
    if not names:
        return {}
    learned: dict[str, tuple[str, ...]] = {own: tuple(names)}
    for anchor in crumb.iter("a"):
        href = anchor.get("href")
        name = text_of(anchor)
        if not href or name not in names or href.startswith(("javascript:", "#")):
            continue
        folder = column_folder(join_url(url, href))
        if folder and folder != "/":
            learned.setdefault(folder, tuple(names[: names.index(name) + 1]))
    return learned


class ColumnTree:
    """What the crawl has learned of the site's columns: folder → names."""

    def __init__(self, known: Mapping[str, Sequence[str]] | None = None) -> None:
        self.names: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (known or {}).items()}

    def learn(self, entries: Mapping[str, tuple[str, ...]]) -> None:
        """Add what one page taught; a deeper path for a folder replaces a shorter one."""
        for folder, names in entries.items():
            if len(names) > len(self.names.get(folder, ())):
                self.names[folder] = names

    def column_of(self, url: str) -> list[str]:
        """The names of the column folder ``url`` is filed under, or [] when unknown."""
        folder = column_folder(url)
        return list(self.names.get(folder, ())) if folder else []

    def parent_of(self, url: str) -> list[str]:
        """The names of the folder just above ``url``'s column folder, or [] when unknown."""
        folder = column_folder(url)
        if not folder or folder == "/":
            return []
        parent = folder.rstrip("/").rsplit("/", 1)[0] + "/"
        return list(self.names.get(parent, ())) if parent != "/" else []


def resolve_column(column: Sequence[str], url: str, tree: ColumnTree, *,
                   from_breadcrumb: bool, own_names: Iterable[str | None] = ()) -> list[str]:
    """The column path of an article: its own breadcrumb, else its folder's learned path.

    The learned path replaces what the page gave (nothing, a lone column heading, a
    menu path cut short) only when it ends with the page's own column name (its heading
    or ``ColumnName`` meta) or the page shows none, and when it extends what the page
    gave; a breadcrumb on the page itself always wins (a cross-post names its own).
    A folder not learned yet whose parent folder is gets the parent's path and the
    page's own column name.
    """
    if from_breadcrumb:
        return list(column)
    learned = tree.column_of(url)
    shown = [name for name in own_names if name]
    if not learned and shown and list(column) in ([], shown[:1]):
        # The folder's own list page is not read yet (the article came from its parent
        # column's list): the parent's path and the page's own column name, so the
        # path does not depend on which page the crawl met first.
        parent = tree.parent_of(url)
        if parent and shown[0] not in parent:
            return [*parent, shown[0]]
    if not learned or (shown and learned[-1] not in shown) or (
            column and learned[-1] != column[-1]) or len(learned) < len(column):
        return list(column)
    return learned
