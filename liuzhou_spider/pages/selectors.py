"""The profile's CSS selectors on one page, answered from one index of its classes and ids.

Reading a page asks some thirty selectors (each template's detect, body, title, info and
breadcrumb candidates); compiled to XPath, each one is a scan of the whole tree testing
``concat(' ', normalize-space(@class), ' ')`` on every element, and together they cost
more than parsing the page.  The profiles only use class, id and tag selectors, alone,
in ``,`` lists or joined by the descendant combinator, so one walk over the elements
answers all of them, with exactly the elements, in the document order, that
``lxml.cssselect.CSSSelector`` returns.  Any other selector is handed to
``CSSSelector``.  Results are kept for the page: page parsing never edits the tree.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector

_SIMPLE = re.compile(
    r"(?:\.(?P<cls>[A-Za-z_-][A-Za-z0-9_-]*)|#(?P<id>[A-Za-z_-][A-Za-z0-9_-]*)"
    r"|(?P<tag>[a-z][a-z0-9]*))"
)
# normalize-space() knows these blanks only: class tokens are split on exactly them.
_XPATH_SPACE = re.compile(r"[ \t\r\n]+")

Simple = tuple[str, str]  # ("cls" | "id" | "tag", name)


@lru_cache(maxsize=256)
def _css(selector: str) -> CSSSelector:
    """Compiled once per selector: profiles are fixed, pages are many."""
    return CSSSelector(selector)


@lru_cache(maxsize=256)
def _parse(selector: str) -> tuple[tuple[Simple, ...], ...] | None:
    """``".a .b, #c"`` → ``((("cls", "a"), ("cls", "b")), (("id", "c"),))``; None when
    the selector uses anything else (then CSSSelector answers it)."""
    alternatives = []
    for part in selector.split(","):
        chain = []
        for word in part.split():
            match = _SIMPLE.fullmatch(word)
            if match is None:
                return None
            kind = match.lastgroup
            assert kind is not None
            chain.append((kind, match.group(kind)))
        if not chain:
            return None
        alternatives.append(tuple(chain))
    return tuple(alternatives)


class PageSelectors:
    """CSS selectors evaluated on one parsed page (``root``: its ``<html>`` element)."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._classes: dict[str, list[etree._Element]] = {}
        self._ids: dict[str, list[etree._Element]] = {}
        for el in root.iter(etree.Element):  # faster than an XPath for @class or @id
            value = el.get("class")
            if not value:
                pass
            elif " " in value or "\t" in value or "\n" in value or "\r" in value:
                for token in dict.fromkeys(_XPATH_SPACE.split(value)):
                    if token:
                        self._classes.setdefault(token, []).append(el)
            else:  # one class name, as most elements have: no regex split
                self._classes.setdefault(value, []).append(el)
            value = el.get("id")
            if value is not None:
                self._ids.setdefault(value, []).append(el)
        self._tags: dict[str, list[etree._Element]] = {}
        self._results: dict[str, list[etree._Element]] = {}
        self._order: dict[etree._Element, int] | None = None

    def select(self, selector: str) -> list[etree._Element]:
        """What ``CSSSelector(selector)(root)`` returns (do not modify the list)."""
        found = self._results.get(selector)
        if found is None:
            found = self._results[selector] = self._evaluate(selector)
        return found

    def matches_any(self, selector: str) -> bool:
        """Whether ``select(selector)`` is not empty (without sorting a ``,`` list)."""
        alternatives = _parse(selector)
        if alternatives is None or selector in self._results:
            return bool(self.select(selector))
        return any(self._chain(chain) for chain in alternatives)

    def _evaluate(self, selector: str) -> list[etree._Element]:
        alternatives = _parse(selector)
        if alternatives is None:
            return _css(selector)(self.root)
        if len(alternatives) == 1:
            return self._chain(alternatives[0])
        seen: dict[etree._Element, None] = {}
        for chain in alternatives:
            seen.update(dict.fromkeys(self._chain(chain)))
        order = self._document_order()
        return sorted(seen, key=order.__getitem__)

    def _chain(self, chain: tuple[Simple, ...]) -> list[etree._Element]:
        """Elements matching the last simple selector with ancestors matching the rest."""
        last = self._simple(chain[-1])
        if len(chain) == 1:
            return last
        return [el for el in last if self._has_ancestors(el, chain[:-1])]

    def _has_ancestors(self, el: etree._Element, chain: tuple[Simple, ...]) -> bool:
        for ancestor in el.iterancestors():
            if self._matches(ancestor, chain[-1]) and (
                len(chain) == 1 or self._has_ancestors(ancestor, chain[:-1])
            ):
                return True
            if ancestor is self.root:
                break
        return False

    def _simple(self, simple: Simple) -> list[etree._Element]:
        kind, name = simple
        if kind == "cls":
            return self._classes.get(name, [])
        if kind == "id":
            return self._ids.get(name, [])
        found = self._tags.get(name)
        if found is None:
            found = self._tags[name] = list(self.root.iter(name))
        return found

    @staticmethod
    def _matches(el: etree._Element, simple: Simple) -> bool:
        kind, name = simple
        if kind == "cls":
            value = el.get("class")
            return bool(value) and name in _XPATH_SPACE.split(value)
        if kind == "id":
            return el.get("id") == name
        return el.tag == name

    def _document_order(self) -> dict[etree._Element, int]:
        if self._order is None:
            self._order = {el: i for i, el in enumerate(self.root.iter())}
        return self._order
