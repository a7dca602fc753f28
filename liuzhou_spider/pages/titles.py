"""An article's title from several independent pieces of evidence, cross-checked.

A page states its title up to four times: the list page's link to it (text or ``title``
attribute), the ``ArticleTitle``/``og:title`` meta, a heading above the info line, and the
``<title>`` tag with the site's name appended.  Each alone misleads on some site: metas
carry markup or the whole ``<title>``; a logo ``<h1>`` holds the site's name; a
breadcrumb container's class says "title"; ``<title>`` appends names of other sites or
keyword lists.  A careful reader trusts the words that two independent places agree on;
this module does the same and says which evidence decided (``title_from``) and whether
strong evidence disagreed (``conflict``).

The site's name is learned from the page, not from a list: the ``SiteName``/
``og:site_name`` meta, and the separator-delimited parts of ``<title>`` that follow the
words another piece of evidence confirms as the headline.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from liuzhou_spider.pages.text import compact_key, normalize_space, text_of

__all__ = ["TitleChoice", "appended_names", "choose_title", "clean_meta_title",
           "heading_candidates", "site_names", "strip_suffix"]

# Separators that join the headline and the site's or column's name in <title>.
SEPARATORS = re.compile(r"\s*(?:_+|\||｜|—+|－|--?|–|::|：：)\s*|\s+-\s+")
_TAGS = re.compile(r"<[^>]*>")
_FULL_WIDTH_GAP = re.compile(r"\s*(—+|[，。：；！？、（）《》“”「」])\s*")
_CRUMB = re.compile(r">|＞|»|›|→|当前位置|您的位置|你的位置|所在位置")
_ELLIPSIS = re.compile(r"(?:\.{2,}|…+|。{3,})$")
_ADDRESS = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+/?$", re.ASCII)  # blog.example.com
_SENTENCE = re.compile(r"[，。；！？,;!?：:“”\"《》]")
_LOGO = re.compile(r"logo|brand|site-?name|channel", re.IGNORECASE)
_TITLED = re.compile(r"title|biaoti|bt\b|headline", re.IGNORECASE)
_CUT_MIN = 8  # a title cut with no mark keeps at least this many characters
_MAX_TITLE = 150  # longer text in a heading is a paragraph, not a title
_TITLED_ELEMENTS = etree.XPath(
    "//body//*[contains(@class, 'title') or contains(@class, 'Title')"
    " or contains(@class, 'biaoti') or contains(@id, 'title')][not(self::a)]"
)


@dataclass(frozen=True)
class TitleChoice:
    """The chosen title, the evidence that decided it, and whether evidence disagreed."""

    title: str | None
    # The evidence taken: heading, meta, title_tag, or list_link when the list page's
    # words were taken without or against the page's own.
    source: str | None
    conflict: bool = False
    element: etree._Element | None = None  # the heading shown on the page, when one
    confirmed: bool = False  # two independent pieces of evidence agree


def clean_meta_title(value: str | None) -> str:
    """A title meta without markup: ``<p>标题</p>`` or ``&lt;br&gt;`` copied by the CMS."""
    if not value:
        return ""
    text = html_lib.unescape(value)
    if "<" in text:
        # A blank where a tag was, except beside full-width punctuation, which Chinese
        # sets without one: ``力量<div>——热烈祝贺</div>`` → ``力量——热烈祝贺``.
        text = _FULL_WIDTH_GAP.sub(r"\1", _TAGS.sub(" ", text))
    return normalize_space(text)


def site_names(meta_names: Iterable[str], known: Iterable[str]) -> frozenset[str]:
    """Comparison keys of the site's names this page states (and the profile knows)."""
    return frozenset(compact_key(n) for n in (*meta_names, *known) if n)


def appended_names(tag: str) -> frozenset[str]:
    """Comparison keys of the parts of ``<title>`` after its first: the site's and its
    channels' names, which a breadcrumb's first link may repeat."""
    parts = SEPARATORS.split(normalize_space(tag))
    return frozenset(compact_key(p) for p in parts[1:] if p.strip())


def strip_suffix(title: str, names: frozenset[str], headline: str | None = None) -> str:
    """``<title>`` without the names appended after the headline (or put before it).

    With a confirmed ``headline`` everything after it goes.  Without one, trailing parts
    go while they are a known site name, a web address, or read like a name (short, no
    sentence punctuation, shorter than what stays; after a dash rule ``——``, which sets
    off subtitles, only a known name): ``标题_要闻_电影网_1905.com`` → ``标题``; then a
    first part that is a known site name (``某某网-标题``).
    """
    title = normalize_space(title)
    if headline:
        key, full = compact_key(headline), compact_key(title)
        if full.startswith(key) and (len(full) == len(key) or _separated(title, headline)):
            return headline
    for _ in range(4):
        parts = list(SEPARATORS.finditer(title))
        if not parts:
            break
        last = parts[-1]
        head, tail = title[: last.start()].strip(), title[last.end():].strip()
        if not head or not tail:
            break
        known = compact_key(tail) in names or _ADDRESS.match(tail)
        # A dash rule (——) sets a subtitle off more often than a name: only a known one goes.
        if not known and ("—" in last.group() or not _name_like(tail, head)):
            break
        title = head
    first = SEPARATORS.search(title)
    if first is not None and compact_key(title[: first.start()]) in names:
        rest = title[first.end():].strip()
        if rest:
            title = rest
    return title


def _name_like(tail: str, head: str) -> bool:
    return len(tail) <= 20 and len(tail) < len(head) and not _SENTENCE.search(tail)


def _separated(title: str, headline: str) -> bool:
    """``title`` goes on after ``headline`` with a separator (not mid-word), or with a
    blank before a name (``标题 松花江网``: short, no sentence marks)."""
    index = title.find(headline)
    if index < 0:
        return False
    end = index + len(headline)
    found = SEPARATORS.match(title, end)
    if found is not None and found.end() > found.start():
        return True
    rest = title[end:]
    return rest[:1].isspace() and _name_like(rest.strip(), headline)


def _is_logo(el: etree._Element, text: str, names: frozenset[str]) -> bool:
    """A heading that names the site or a channel: a logo, not the article's title."""
    if compact_key(text) in names:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    if _LOGO.search(marks) or (el.find(".//img") is not None and len(text) <= 12):
        return True
    parent = el.getparent()
    return parent is not None and bool(_LOGO.search(parent.get("class") or ""))


def heading_candidates(
    root: etree._Element, names: frozenset[str], *, titled: bool = False
) -> list[tuple[str, etree._Element]]:
    """The h1–h3 of the page, or (``titled``) its short elements whose class or id says
    title, logos and crumbs left out, in document order.  The second scan tests every
    element's attributes: it is made only when the headings settle nothing."""
    found: list[tuple[str, etree._Element]] = []
    seen: set[str] = set()
    body = root.find("body")
    if body is None:
        return found
    elements = _TITLED_ELEMENTS(root) if titled else body.iter("h1", "h2", "h3")
    for el in elements:
        text = text_of(el)
        if not text or len(text) > _MAX_TITLE or len(text) < 4 or _CRUMB.search(text):
            continue
        if text in seen or _is_logo(el, text, names):
            continue
        seen.add(text)
        found.append((text, el))
    return found


def _agrees(a: str, b: str) -> bool:
    """Same words, blanks and full/half width aside."""
    return bool(a) and compact_key(a) == compact_key(b)


def _in_title_tag(text: str, tag: str) -> bool:
    """``<title>`` is the text, or starts with it and goes on after a separator (a middle
    or last part is a column's or the site's name, not a confirmation)."""
    key, full = compact_key(text), compact_key(tag)
    if not key or not full.startswith(key):
        return False
    return (key == full and not SEPARATORS.search(tag)) or _separated(tag, text)


def _own_words(text: str, tag: str, names: frozenset[str]) -> str:
    """A heading's text, without the names appended when it repeats the whole <title>."""
    return strip_suffix(text, names) if _agrees(text, tag) else text


def _matches_link(text: str, link: str) -> bool:
    """The link's words are the title, or its cut-short beginning (``关于…的通知...``, or
    cut with no mark at the list's column width)."""
    if _agrees(text, link):
        return True
    marked = _ELLIPSIS.search(link) is not None
    stem = compact_key(_ELLIPSIS.sub("", link))
    return len(stem) >= (4 if marked else _CUT_MIN) and compact_key(text).startswith(stem)


def choose_title(
    *,
    link: str | None,
    metas: Sequence[str],
    headings: Sequence[tuple[str, etree._Element]],
    near: etree._Element | None,
    tag: str,
    names: frozenset[str],
) -> TitleChoice:
    """The title a careful reader takes, from ranked and cross-checked evidence.

    ``headings`` are the page's heading candidates in document order and ``near`` the
    one just above the info line (if any); ``metas`` the title metas, markup stripped.
    """
    metas = [m for m in (strip_suffix(m, names) for m in metas if m) if m]
    # An element showing the whole <title> (names appended) shows the headline only.
    headings = [(_own_words(text, tag, names), el) for text, el in headings]
    ordered = sorted(headings, key=lambda h: h[1] is not near)  # the nearest first
    page = [(text, "heading", el) for text, el in ordered] + [(m, "meta", None) for m in metas]

    def confirmed(text: str, origin: str) -> bool:
        others = [m for m in metas if origin != "meta"] + [
            h for h, _ in headings if origin != "heading"
        ]
        return _in_title_tag(text, tag) or any(_agrees(text, o) for o in others)

    if link:
        # The page's own evidence that the list's words confirm decides (so a page read
        # again without its list, as reprocessing does, gives the same record).
        for text, origin, el in page:
            if _matches_link(text, link):
                return TitleChoice(text, origin, element=el, confirmed=True)
        strong = [(t, o, el) for t, o, el in page if confirmed(t, o)]
        if strong:  # two page sources agree against the list: the page, flagged
            text, origin, el = strong[0]
            return TitleChoice(text, origin, conflict=True, element=el, confirmed=True)
        if not _ELLIPSIS.search(link):
            return TitleChoice(link, "list_link", conflict=bool(page))
    for text, origin, el in page:
        if confirmed(text, origin):
            return TitleChoice(text, origin, element=el, confirmed=True)
    if near is not None:
        text = next((t for t, el in headings if el is near), None)
        if text:
            return TitleChoice(text, "heading", element=near)
    if metas:
        return TitleChoice(metas[0], "meta")
    stripped = strip_suffix(tag, names)
    if stripped:
        return TitleChoice(stripped, "title_tag")
    if link:
        return TitleChoice(link, "list_link")
    return TitleChoice(None, None)
