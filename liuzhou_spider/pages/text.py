"""Text and tree helpers shared by page parsing and cleaning.

Parsing (``pages.article``) and cleaning (``pipelines.cleaning``) must agree on what a
"line" of a page is and which caption belongs to which image, or the raw and the clean
article would disagree about the same page; so both read the tree through ``lines()``
here.  Everything is one pass over the tree (``iterwalk``, no recursion), because the
cleaner meets broken nesting and huge pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

from lxml import etree, html

from liuzhou_spider.pages.decoding import decode_html as decode_html  # its former home

# Tags that end a line of text where they open and where they close.
BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "tr", "td", "th",
    "table", "ul", "ol", "dl", "pre", "blockquote", "section", "article", "header",
    "footer", "nav", "aside", "main", "figure", "figcaption", "center", "form", "hr",
    "address", "caption", "tbody", "thead", "tfoot",
})
# Structures kept whole in body_html: their lines belong to the structure, not to a cell.
ATOMIC_TAGS = frozenset({"table", "pre"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
CAPTION_MAX_CHARS = 60  # a centred or marked caption is one short line under its image
CAPTION_BARE_MAX_CHARS = 40  # without such a mark only a short single sentence is taken
_SENTENCE_ENDS = re.compile(r"[。！？!?；;]")
_COMMAS = re.compile(r"[，,]")  # a caption names a scene; a sentence with clauses is body
_CENTRED = re.compile(r"text-align\s*:\s*center", re.I)
_CAPTION_CLASS = re.compile(r"caption|pic|img|photo|tuzhu|tpsm", re.I)

# Blanks that str.split() does not know (it knows every other one normalize_space folds).
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\ufeff"
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_CHARS}]")
# The full-width marks of Chinese prose that NFKC changes, each with its NFKD form.
_WIDE_MARKS = tuple((c, unicodedata.normalize("NFKD", c)) for c in "，：；！？（）％")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PRUNE_XPATH = etree.XPath(
    "//script|//style|//noscript|//template|//iframe|//object|//embed|//form|//input"
    "|//button|//select|//textarea|//svg|//canvas|//link|//meta|//comment()"
    "|//processing-instruction()|//title|//*[@hidden]|//*[@aria-hidden='true']"
)
_STYLED_XPATH = etree.XPath("//*[@style]")
# Plain strings: lxml's default "smart" strings each carry a link to their parent.
_TEXTS = etree.XPath(".//text()[not(parent::script|parent::style)]", smart_strings=False)
# lxml.html's parser options, without its element classes; fed UTF-8 bytes (parse_document).
_PAGE_PARSER = etree.HTMLParser(encoding="utf-8")
# HTML5 void elements that libxml2's HTML 4 parser does not know as empty: it makes them
# hold everything up to their parent's end, so pruning a bare <embed> took the rest of
# the article with it, and a <wbr> hid the text after it from the line reader.
_VOID_TAGS = ("embed", "source", "track", "wbr", "keygen")
# End tags of the document: a browser ignores them (what follows still goes into the
# body), libxml2 stops reading at ``</html>`` and moves what follows ``</body>``.
_DOCUMENT_END = re.compile(r"</(?:html|body)\s*>", re.I)


def normalize_space(text: str | None) -> str:
    """Collapse every kind of blank (full-width space, nbsp, zero-width) into one space.

    Chinese punctuation is data and stays as written; only blanks are touched.
    """
    if not text:
        return ""
    # str.split() splits on exactly the blanks of regex ``\s`` (which include the
    # full-width space, nbsp, en/em/thin spaces); only the zero-width ones need a regex.
    # Split-and-join is several times faster than a regex substitution on every line.
    if "\u200b" in text or "\u200c" in text or "\u200d" in text or "\ufeff" in text:
        text = _ZERO_WIDTH.sub(" ", text)
    return " ".join(text.split())


def is_blank(text: str) -> bool:
    """``not normalize_space(text)``, deciding a long text at its first visible character."""
    rest = text.lstrip()
    if not rest:
        return True
    return rest[0] in _ZERO_WIDTH_CHARS and not normalize_space(rest)


@lru_cache(maxsize=8192)  # a page asks for a line's key up to three times
def compact_key(text: str) -> str:
    """A comparison key: NFKC, no blanks.  Two renderings of one line give the same key.

    Full NFKC costs some microseconds a line, and every kept line gets a key.  Putting a
    character's NFKD form in its place never changes a string's NFKC form, so the common
    full-width marks are replaced first; what is left is then usually normalised
    already, which ``is_normalized`` tells at once.  Blanks are dropped by ``str.split``
    (every Unicode blank), and so are the zero-width ones that NFKC keeps.
    """
    for wide, narrow in _WIDE_MARKS:
        if wide in text:
            text = text.replace(wide, narrow)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    key = "".join(text.split())
    if "\u200b" in key or "\ufeff" in key:
        key = key.replace("\u200b", "").replace("\ufeff", "")
    return key


def without_document_end(markup: str) -> str:
    """``markup`` without ``</body>``/``</html>`` tags, which a browser ignores."""
    return _DOCUMENT_END.sub("", markup)


def parse_document(markup: str) -> etree._Element:
    """A whole page as an lxml tree; an empty or unparsable page gives an empty document.

    Plain ``etree`` elements, not ``lxml.html``'s classes: the same tree as
    ``html.document_fromstring`` builds, but without a Python class lookup each time an
    element is touched (page parsing walks the tree many times and needs no
    ``HtmlElement`` method).

    The text goes to libxml2 as UTF-8 bytes with the encoding given: lxml refuses a
    ``str`` that starts with an XML declaration naming an encoding (XHTML pages:
    ``<?xml version="1.0" encoding="gb2312"?>``), which read such a page as empty, while
    its bytes parse to the same tree as any other page's.  The page is decoded already,
    so the declaration and any ``<meta charset>`` are rightly overridden.

    ``</body>`` and ``</html>`` are dropped first, as a browser ignores them: a
    server-side include that brings its own (a footer, a counter) before the article
    would otherwise end the document there, and the article with it.
    """
    if markup and markup.strip():
        try:
            data = without_document_end(markup).encode("utf-8")
            root = etree.fromstring(data, _PAGE_PARSER)
        except (etree.ParserError, ValueError):  # ValueError: lone surrogates
            root = None
        if root is not None:  # None: the document is empty (html.document_fromstring raises)
            return empty_void_elements(root)
    return etree.fromstring(b"<html><body></body></html>", _PAGE_PARSER)


def empty_void_elements(root: etree._Element) -> etree._Element:
    """``root`` with what libxml2 put inside void elements (``_VOID_TAGS``) moved back
    after them, where the page has it; returns ``root``."""
    # iter() filters by tag in C: a fortieth of the cost of an XPath over the tree.
    filled = [el for el in root.iter(_VOID_TAGS) if len(el) or el.text]
    for element in filled:
        parent = element.getparent()
        if parent is None:
            continue
        children, tail = list(element), element.tail
        element.tail, element.text = element.text, None
        at = parent.index(element)
        for offset, child in enumerate(children, start=1):
            parent.insert(at + offset, child)
        last = children[-1] if children else element
        last.tail = (last.tail or "") + (tail or "") or None
    return root


def parse_fragment(markup: str | None) -> html.HtmlElement:
    """A region's HTML as one ``<div>`` holding it (never raises)."""
    root = html.Element("div")
    if not markup or not markup.strip():
        return root
    try:
        for node in html.fragments_fromstring(markup):
            if isinstance(node, str):
                root.text = (root.text or "") + node
            else:
                root.append(node)
    except (etree.ParserError, ValueError):
        pass
    return empty_void_elements(root)


def prune(root: etree._Element) -> None:
    """Drop what a reader never sees: scripts, styles, comments, forms, hidden elements."""
    doomed = list(_PRUNE_XPATH(root))
    doomed += [el for el in _STYLED_XPATH(root) if HIDDEN_STYLE.search(el.get("style", ""))]
    for el in doomed:
        if el is not root:
            drop_keep_tail(el)


def drop_keep_tail(el: etree._Element) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def text_of(el: etree._Element) -> str:
    """The normalised text of an element (comments and scripts excluded)."""
    return normalize_space("".join(_TEXTS(el)))


def spaced_text(el: etree._Element) -> str:
    """Text of an element with a space between its text nodes.

    Info lines put each field in its own ``<span>``; joining them bare would glue the
    source to the next label (``市委统战部浏览次数``).
    """
    return normalize_space(" ".join(_TEXTS(el)))


# A link that is a bare path (no scheme, query, fragment, escapes or parameters) against
# an http(s) base without user info, parameters or white space: the case of nearly every
# link of the portal, which ``_join_path`` resolves without parsing either URL.
_PLAIN_LINK = re.compile(r"(?!//)[A-Za-z0-9_.~/-]+")
_PLAIN_BASE = re.compile(r"(https?://[^/?#;@\[\]\s\\]+)(/[^?#;\s\\]*)?(?:[?#]\S*)?")


@lru_cache(maxsize=4096)
def join_url(base: str, link: str) -> str:
    """``urljoin(base, link)``, memoised: parsing, cleaning and sanitising each join the
    same links of a page again, and the site menu's links are joined per column level.
    Links unique to a page miss the memo: half the joins of a page, 7 % of reading it
    with ``urljoin`` (which parses both URLs), hence the plain-path shortcut."""
    if _PLAIN_LINK.fullmatch(link):
        plain = _PLAIN_BASE.fullmatch(base)
        if plain is not None:
            return plain.group(1) + _join_path(plain.group(2) or "", link)
    return urljoin(base, link)


def _join_path(base_path: str, path: str) -> str:
    """The path ``urljoin`` gives for ``path`` against ``base_path`` (its algorithm:
    RFC 3986 dot segments, empty segments of a relative join dropped)."""
    base_parts = base_path.split("/")
    if base_parts[-1] != "":
        del base_parts[-1]  # the base's last segment is a file, not a directory
    if path[:1] == "/":
        segments = path.split("/")
    else:
        segments = base_parts + path.split("/")
        segments[1:-1] = filter(None, segments[1:-1])
    resolved: list[str] = []
    for segment in segments:
        if segment == "..":
            if resolved:
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in (".", ".."):
        resolved.append("")
    joined = "/".join(resolved) or "/"
    return joined if joined.startswith("/") else "/" + joined


def absolute(base: str, link: str | None) -> str | None:
    """``link`` made absolute against the page URL; None for empty or in-page links."""
    if not link:
        return None
    link = link.strip()
    if not link or link.startswith("#"):
        return None
    try:
        return join_url(base, link)
    except ValueError:
        return None


def image_src(img: etree._Element) -> str | None:
    """The URL an ``<img>`` shows: lazy-loading attributes first, as TRS editors write them."""
    for name in ("data-src", "data-original", "original", "src"):
        value = img.get(name)
        if value and value.strip() and not value.strip().startswith("data:"):
            return value.strip()
    return None


def wrap_loose_inline(root: etree._Element) -> None:
    """Put text that sits beside block children into its own ``<p>``.

    After this every line lives in a leaf block, so cleaning can drop a line's block
    without dropping the paragraphs around it.
    """
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ATOMIC_TAGS or el.tag not in BLOCK_TAGS:
            continue
        if el.tag not in ("div", "section", "article", "td", "li", "blockquote", "center"):
            continue
        children = list(el)
        if not any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in children):
            continue
        if not _has_loose_content(el, children):
            continue
        _rewrap(el, children)


def _has_loose_content(el: etree._Element, children: list[etree._Element]) -> bool:
    if el.text and el.text.strip():
        return True
    for c in children:
        if c.tail and c.tail.strip():
            return True
        if isinstance(c.tag, str) and c.tag not in BLOCK_TAGS:
            return True
    return False


def _rewrap(el: etree._Element, children: list[etree._Element]) -> None:
    run: etree._Element | None = None

    def add_text(text: str) -> None:
        nonlocal run
        if not text.strip():
            return
        if run is None:
            run = etree.SubElement(el, "p")
        last = run[-1] if len(run) else None
        if last is None:
            run.text = (run.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    text, el.text = el.text or "", None
    for c in children:
        el.remove(c)
    add_text(text)
    for c in children:
        tail, c.tail = c.tail or "", None
        if isinstance(c.tag, str) and c.tag in BLOCK_TAGS:
            run = None
            el.append(c)
        elif isinstance(c.tag, str):
            if run is None:
                run = etree.SubElement(el, "p")
            run.append(c)
        add_text(tail)


def is_data_structure(el: etree._Element) -> bool:
    """A ``<pre>``, or a table of data (rows of several cells, no nested table).

    Old TRS templates lay whole pages out in one-column tables: those are walked like
    ``<div>``s, so chrome in one cell can go without the rest.
    """
    if el.tag == "pre":
        return True
    if el.tag != "table" or el.find(".//table") is not None:
        return False
    return any(len(row.xpath("./td|./th")) > 1 for row in el.iter("tr"))


@dataclass
class Line:
    """One visible line: the text between two block boundaries or ``<br>``s."""

    text: str
    unit: etree._Element  # the leaf block (or whole table/list) that holds the line
    images: list[etree._Element] = field(default_factory=list)
    text_before_image: bool = False
    in_figcaption: bool = False
    heading: bool = False
    link_chars: int = 0  # characters of the text inside <a>: a line all links is navigation
    hrefs: list[str] = field(default_factory=list)

    @property
    def centred(self) -> bool:
        """Centred, or marked as a caption by its class (asked only after an image)."""
        return _looks_centred(self.unit)


def _looks_centred(el: etree._Element | None) -> bool:
    for _ in range(3):
        if el is None or not isinstance(el.tag, str):
            return False
        if (
            el.tag == "center"
            or (el.get("align") or "").lower() == "center"
            or _CENTRED.search(el.get("style") or "")
            or _CAPTION_CLASS.search(el.get("class") or "")
        ):
            return True
        el = el.getparent()
    return False


class _LineBuilder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.parts: list[str] = []
        self.images: list[etree._Element] = []
        self.text_before_image = False
        self.unit: etree._Element | None = None
        self.figcaption = 0
        self.heading = 0
        self.link_depth = 0
        self.link_chars = 0
        self.hrefs: list[str] = []

    def add_text(self, text: str | None, unit: etree._Element, in_link: bool = False) -> None:
        if text:
            if self.unit is None:
                self.unit = unit
            self.parts.append(text)
            if in_link:
                self.link_chars += len(normalize_space(text))

    def add_image(self, img: etree._Element, unit: etree._Element) -> None:
        if self.unit is None:
            self.unit = unit
        if not self.images and normalize_space("".join(self.parts)):
            self.text_before_image = True
        self.images.append(img)

    def flush(self) -> None:
        if not self.parts and not self.images:  # most block boundaries: nothing to emit
            if self.hrefs:
                self.hrefs = []
            return
        text = normalize_space("".join(self.parts))
        if (text or self.images) and self.unit is not None:
            self.lines.append(
                Line(text, self.unit, self.images, self.text_before_image,
                     self.figcaption > 0, self.heading > 0, self.link_chars, self.hrefs)
            )
        self.parts, self.images, self.text_before_image, self.unit = [], [], False, None
        self.link_chars, self.hrefs = 0, []


def lines(root: etree._Element) -> list[Line]:
    """The visible lines of a region, in reading order, each tied to its block."""
    b = _LineBuilder()
    blocks: list[etree._Element] = [root]
    atomic: list[etree._Element] = []

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            tag = None
        if event == "start":
            if tag is None:
                continue
            if tag in BLOCK_TAGS and el is not root:
                b.flush()
                blocks.append(el)
                if tag in ATOMIC_TAGS and is_data_structure(el):
                    atomic.append(el)
                b.figcaption += tag == "figcaption"
                b.heading += tag in HEADING_TAGS
            elif tag == "br":
                b.flush()
            elif tag == "img":
                b.add_image(el, atomic[0] if atomic else blocks[-1])
            elif tag == "a":
                b.link_depth += 1
                b.hrefs.append(el.get("href") or "")
            if tag != "script" and tag != "style":
                text = el.text
                if text:
                    b.add_text(text, atomic[0] if atomic else blocks[-1], b.link_depth > 0)
        else:
            if tag is not None and tag in BLOCK_TAGS and el is not root:
                b.flush()
                blocks.pop()
                if atomic and atomic[-1] is el:
                    atomic.pop()
                b.figcaption -= tag == "figcaption"
                b.heading -= tag in HEADING_TAGS
            if tag == "a":
                b.link_depth -= 1
            if el is not root:
                tail = el.tail
                if tail:
                    b.add_text(tail, atomic[0] if atomic else blocks[-1], b.link_depth > 0)
    b.flush()
    return b.lines


def is_caption(line: Line, after_image: Line | None) -> bool:
    """Whether ``line`` is the caption of the image line just before it.

    A ``<figcaption>`` always is; otherwise the one short line (longer if centred, as
    editors centre captions) that follows an image with no text of its own, or that
    follows the image inside the same line.
    """
    if not line.text:
        return False
    if line.in_figcaption:
        return True
    if line.heading:
        return False
    if not line.centred and (
        len(line.text) > CAPTION_BARE_MAX_CHARS
        or len(_SENTENCE_ENDS.findall(line.text.rstrip("。！？!?"))) > 0
        or _COMMAS.search(line.text) is not None
    ):
        return False
    if len(line.text) > CAPTION_MAX_CHARS:
        return False
    if line.images:
        return not line.text_before_image
    return after_image is not None and not after_image.text


@dataclass(frozen=True)
class FoundImage:
    """An image of a region with its caption line (index into the lines), if any."""

    url: str
    caption: str | None
    line_index: int  # the line holding the image
    caption_index: int | None


def find_images(
    region_lines: list[Line], base: str, keep: Iterable[bool] | None = None
) -> list[FoundImage]:
    """The images of the lines (deduplicated by URL) and their captions.

    ``keep`` masks lines already judged chrome, so a share widget after an image is
    never taken for its caption.
    """
    mask = list(keep) if keep is not None else [True] * len(region_lines)
    found: list[FoundImage] = []
    seen: set[str] = set()
    owner: tuple[Line, list[int]] | None = None  # last image line without text, its images
    for i, line in enumerate(region_lines):
        if not mask[i]:
            continue
        if line.images:
            cap_idx = i if is_caption(line, None) else None
            added = []
            for img in line.images:
                url = absolute(base, image_src(img))
                if url and url not in seen:
                    seen.add(url)
                    added.append(len(found))
                    found.append(FoundImage(url, line.text if cap_idx is not None else None,
                                            i, cap_idx))
            owner = (line, added) if not line.text else None
            continue
        if owner is not None and is_caption(line, owner[0]):
            for k in owner[1]:
                found[k] = FoundImage(found[k].url, line.text, found[k].line_index, i)
        elif line.in_figcaption and found and found[-1].caption is None:
            last = found[-1]
            found[-1] = FoundImage(last.url, line.text, last.line_index, i)
        owner = None
    return found
