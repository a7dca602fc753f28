"""Cut a tree into text blocks (what a reader sees as one paragraph or line).

Both the scorer (which container holds the article?) and the output (which lines of that
container are article?) reason about blocks, so the segmentation is done once here. A
block remembers its *owner*, the nearest block-level element around it, and how much of
its text sits inside links: link-dense blocks are navigation, in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Sentence punctuation: full-width Chinese marks are a strong sign of running prose;
# for Latin text the comma is (as in readability) the most reliable one.
_PUNCT = re.compile(r"[，。；！？、：“”]|, |\. ")


@dataclass
class Block:
    """One line of visible text and the element that owns it."""

    owner: etree._Element
    text: str
    link_chars: int

    @property
    def chars(self) -> int:
        """Visible characters, spaces excluded."""
        return len(self.text.replace(" ", ""))

    @property
    def han(self) -> int:
        """Han characters: one of them carries about as much as three Latin letters."""
        return _HAN.subn("", self.text)[1]  # a count, without a list of characters

    @property
    def punct(self) -> int:
        """Sentence punctuation marks."""
        return _PUNCT.subn("", self.text)[1]

    @property
    def link_density(self) -> float:
        """Share of the characters that are link text."""
        return self.link_chars / self.chars if self.chars else 0.0


def normalise(text: str) -> str:
    """Collapse every kind of space (ideographic, no-break, zero-width) into one."""
    return " ".join(_words(text))


def visible_chars(text: str) -> int:
    """Characters of ``text`` that are not blanks (zero-width ones included)."""
    return sum(map(len, _words(text)))


def _words(text: str) -> list[str]:
    """``text`` split at blanks: str.split knows all but the zero-width ones (and knows
    the ideographic space and nbsp), which are made plain spaces first."""
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return text.split()


def iter_blocks(root: etree._Element) -> list[Block]:
    """The text blocks under ``root`` in document order."""
    blocks: list[Block] = []
    buf: list[str] = []
    link = [0]

    def flush(owner: etree._Element) -> None:
        text = normalise("".join(buf))
        if text:
            blocks.append(Block(owner, text, min(link[0], len(text.replace(" ", "")))))
        buf.clear()
        link[0] = 0

    def add(text: str | None, in_link: bool) -> None:
        if text:
            buf.append(text)
            if in_link:
                link[0] += visible_chars(text)

    def walk(el: etree._Element, owner: etree._Element, in_link: bool, tail: bool = True) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        is_block = tag in BLOCK_TAGS
        if tag == "br" or is_block:
            flush(owner)
        here = el if is_block else owner
        inner_link = in_link or tag == "a"
        add(el.text, inner_link)
        for child in el:
            walk(child, here, inner_link)
        if is_block:
            flush(here)
        if tail:
            add(el.tail, in_link)

    walk(root, root, False, tail=False)
    flush(root)
    return blocks
