"""Find the element that holds the article: readability's idea, made CJK-aware.

Every prose-like block gives points to the containers above it (its own container fully,
the next ones less), so the container with the most prose wins, discounted by how much of
its text is link text. Where readability counts commas, this counts sentence punctuation
including the full-width Chinese marks, and weighs a Han character like three Latin
letters, because a Chinese paragraph of 60 characters is as much prose as an English one
of 200. Class/id names nudge the score (``content``/``zoom``/``TRS_Editor`` up,
``comment``/``footer`` down) without deciding alone.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from pipelines.fallback.dom import LIKELY, UNLIKELY, class_id
from pipelines.fallback.text import Block

# Blocks owned by these are single paragraphs: their points go to the container above.
_PARAGRAPH_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "blockquote",
    "figcaption", "caption", "th", "address", "summary",
})
_TAG_BONUS = {"div": 5, "article": 10, "main": 5, "section": 3, "td": 3, "pre": 3,
              "blockquote": 3, "form": -3, "ul": -3, "ol": -3, "dl": -3, "li": -3,
              "h1": -5, "h2": -5, "h3": -5, "th": -5, "table": -3, "body": -5}
_NEGATIVE_NAMES = re.compile(r"comment|footer|sidebar|related|recommend|share|nav|menu", re.I)
_MIN_EFFECTIVE_LEN = 25
_LEVEL_DIVISORS = (1.0, 2.0, 3.0, 4.0)


def effective_length(block: Block) -> int:
    """Length in Latin-letter equivalents (a Han character counts three)."""
    han = block.han
    return block.chars - han + 3 * han


def block_weight(block: Block) -> float:
    """Points one block gives to its containers; 0 for blocks too short to be prose."""
    eff = effective_length(block)
    punct = block.punct
    if eff < _MIN_EFFECTIVE_LEN and not punct:
        return 0.0
    # A line that is mostly link text (a teaser, a forum thread title) is not prose.
    return (1.0 + punct + min(eff / 100.0, 3.0)) * (1.0 - block.link_density) ** 2


def _class_weight(el: etree._Element) -> float:
    names = class_id(el)
    if not names:
        return 0.0
    weight = 0.0
    if LIKELY.search(names):
        weight += 25
    if UNLIKELY.search(names) or _NEGATIVE_NAMES.search(names):
        weight -= 25
    return weight


def _ancestors(el: etree._Element, limit: int) -> list[etree._Element]:
    out = []
    while el is not None and len(out) < limit:
        out.append(el)
        el = el.getparent()
    return out


class Scores:
    """Points, text and link-text totals per element, from one pass over the blocks."""

    def __init__(self, blocks: list[Block]) -> None:
        self.points: dict[etree._Element, float] = defaultdict(float)
        self.chars: dict[etree._Element, int] = defaultdict(int)
        self.link_chars: dict[etree._Element, int] = defaultdict(int)
        initialised: set[etree._Element] = set()
        for block in blocks:
            owner = block.owner
            chars, link_chars = block.chars, block.link_chars  # properties: computed once
            for el in _ancestors(owner, 10_000):
                self.chars[el] += chars
                self.link_chars[el] += link_chars
            weight = block_weight(block)
            if not weight:
                continue
            first = owner.getparent() if owner.tag in _PARAGRAPH_TAGS else owner
            if first is None:
                first = owner
            for level, el in enumerate(_ancestors(first, len(_LEVEL_DIVISORS))):
                if el not in initialised:
                    initialised.add(el)
                    self.points[el] += _TAG_BONUS.get(el.tag, 0) + _class_weight(el)
                self.points[el] += weight / _LEVEL_DIVISORS[level]

    def link_density(self, el: etree._Element) -> float:
        """Share of the element's text that is link text."""
        chars = self.chars.get(el, 0)
        return self.link_chars.get(el, 0) / chars if chars else 0.0

    def final(self, el: etree._Element) -> float:
        """The element's score as a candidate: points discounted by link density."""
        return self.points.get(el, 0.0) * (1.0 - self.link_density(el))

    def best(self) -> etree._Element | None:
        """The best-scoring candidate container, or ``None`` when no block was prose."""
        if not self.points:
            return None
        return max(self.points, key=self.final)
