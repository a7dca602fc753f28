"""Links of a page, sorted by what the crawler does with them: pure functions of HTML.

TRS list pages write their pager in a script, so a crawler that only follows
``<a href>`` sees page 1: the pager pages are read from the script (``pages.pager``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from liuzhou_spider.pages.dates import find_date
from liuzhou_spider.pages.evidence import short_text
from liuzhou_spider.pages.pager import read_pager
from liuzhou_spider.pages.text import join_url, parse_document
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.urls import canonicalize, is_site_url

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")
_COLUMN_PATH = re.compile(r"(?:/|/index(?:_\d+)?\.s?html?)$")
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HREFS = etree.XPath("//a/@href | //area/@href")  # one union: document order
_BASE_HREF = etree.XPath("//base/@href")


@dataclass
class Listing:
    """The canonical URLs a page links to, by kind; each list keeps first-seen order."""

    article_urls: list[str] = field(default_factory=list)
    column_urls: list[str] = field(default_factory=list)
    pager_urls: list[str] = field(default_factory=list)
    other_urls: list[str] = field(default_factory=list)  # in-site pages (topics, ...)
    attachment_urls: list[str] = field(default_factory=list)
    offsite_urls: list[str] = field(default_factory=list)
    page_count: int | None = None  # from the pager script, when the page has one
    pager_unreadable: bool = False  # a pager script is there but names no page
    # What the page calls each article (and other in-site page) it links to: the link's
    # text, or its title attribute where the text is cut short.  On a TRS site the list
    # page's words for an article are the strongest evidence of its title.
    link_titles: dict[str, str] = field(default_factory=dict)
    # The date a list item shows beside its article link, as written (date evidence).
    link_dates: dict[str, str] = field(default_factory=dict)


def _kind(url: str, profile: SiteProfile) -> str:
    path = urlsplit(url).path.lower()
    if path.endswith(profile.attachment_exts):
        return "attachment"
    if path.endswith(profile.image_exts):
        return "image"
    if profile.article_re.search(path):
        return "article"
    if _COLUMN_PATH.search(path):
        return "column"
    return "other"


def is_disallowed(url: str, profile: SiteProfile) -> bool:
    """Dynamic paths no crawler should request, whatever robots.txt says."""
    path = urlsplit(url).path
    return any(path.startswith(prefix) for prefix in profile.disallow_prefixes)


class _Memo(dict):
    """A dict that starts over when full: repeated keys stay cheap, one-off keys cannot
    pile up in a long crawl (the repeated ones, menus and columns, are a few hundred)."""

    def __init__(self, limit: int = 8192) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


# profile key -> {absolute URL: (kind, canonical URL) or None}; one lookup of the profile
# per page, since hashing the profile's key tuple with every link would cost more.
_sorted_by_profile: dict[tuple, _Memo] = {}


def _contexts(base: str) -> tuple[str, str, str]:
    """``(origin, directory, base)``: what ``urljoin(base, href)`` depends on, by href."""
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin, origin + parts.path[: parts.path.rfind("/") + 1], base


def _link_context(contexts: tuple[str, str, str], href: str) -> str:
    """The part of the base URL that resolving ``href`` depends on.

    A path-relative link resolves the same from every page of one directory and a
    root-relative one from every page of the host, so the menu and column links that
    every page repeats are resolved once, not once per page.
    """
    if _HAS_SCHEME.match(href):
        return ""
    if href.startswith("/") and not href.startswith("//"):
        return contexts[0]
    if href.startswith(("?", "//")):
        return contexts[2]
    return contexts[1]


def _profile_key(profile: SiteProfile) -> tuple:
    """What sorting a link reads of a profile, hashable for the memo."""
    return (profile.scheme, profile.hosts, profile.aliases, profile.mobile_prefixes,
            profile.print_query, profile.tracking_params, profile.attachment_exts,
            profile.image_exts, profile.article_re.pattern, profile.disallow_prefixes)


def _sort_link(absolute: str, profile: SiteProfile) -> tuple[str, str] | None:
    """``(kind, canonical URL)`` of one link; None for what is never followed or listed."""
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    canonical = canonicalize(absolute, profile)
    if not is_site_url(absolute, profile):
        return "offsite", canonical
    if is_disallowed(canonical, profile):
        return None
    return _kind(canonical, profile), canonical


def _sorted_link(
    contexts: tuple[str, str, str], href: str, profile: SiteProfile, memo: _Memo
) -> tuple[str, str] | None:
    """``_sort_link`` of ``href`` resolved against the page's base, both steps memoised:
    relative column links differ from one month directory to the next, the URL they
    resolve to does not."""
    # join_url is memoised on (base, href): with the context as base, one entry serves
    # every page of a directory (or of the host).
    absolute = join_url(_link_context(contexts, href) or contexts[2], href)
    if absolute in memo:
        return memo[absolute]
    return memo.put(absolute, _sort_link(absolute, profile))


_TITLED_KINDS = frozenset({"article", "other"})
_ELLIPSIS = re.compile(r"(?:\.{2,}|…+|。{3,})$")
_CUT_MARKS = ("..", "…", "。。。")


def link_title(anchor: etree._Element) -> str | None:
    """A link's words for its target: the text, or the ``title`` attribute where the
    text is empty or cut short (``关于…的通知...``) and the attribute goes on from it.
    Runs for every article link of every list page, on the crawl's event loop: the
    common case (text only, no children) takes no regex and no tree walk."""
    raw = "".join(anchor.itertext()) if len(anchor) else anchor.text
    text = " ".join(raw.split()) if raw else ""
    attribute = anchor.get("title")
    if attribute:
        attribute = " ".join(attribute.split())
        stem = _ELLIPSIS.sub("", text) if text.endswith(_CUT_MARKS) else text
        if attribute and (not stem or (attribute.startswith(stem) and len(attribute) > len(stem))):
            return attribute
    return text or None


_ITEM_TAGS = frozenset({"li", "tr", "dd", "dt", "p"})
_ITEM_MAX = 200  # a list item is one line; a longer block holds several


def link_date(anchor: etree._Element) -> str | None:
    """The date written in the list item of an article link (``<li><a>…</a><span>
    2026-02-25</span></li>``), outside the link's own words, as written."""
    item = anchor.getparent()
    for _ in range(3):
        if item is None:
            return None
        if item.tag in _ITEM_TAGS:
            break
        item = item.getparent()
    else:
        return None
    text = short_text(item, _ITEM_MAX)
    if not text:
        return None
    own = "".join(anchor.itertext())
    found = find_date(text.replace(own, " ") if own else text)
    return found.raw if found else None


GENERIC_WORDS_MAX = 6  # link words this short, given to two pages, name neither


def specific_words(titles: dict[str, str]) -> dict[str, str]:
    """The link words that can name a page: words a list gives three pages or more, or
    short words it gives two (``详细``, ``稿件``, ``阅读全文``), say nothing of any one
    of them, so they are no evidence of a title.  A headline listed twice (an article and
    its republication) still counts."""
    uses: dict[str, int] = {}
    for words in titles.values():
        uses[words] = uses.get(words, 0) + 1
    return {url: words for url, words in titles.items()
            if uses[words] == 1 or (uses[words] == 2 and len(words) > GENERIC_WORDS_MAX)}


def parse_listing(html: str, url: str, profile: SiteProfile) -> Listing:
    """Sort every link of a page (relative ones resolved, canonicalised, deduplicated)."""
    return links_in(parse_document(html), html, url, profile)


def links_in(root: etree._Element, html: str, url: str, profile: SiteProfile) -> Listing:
    """``parse_listing`` of a page already parsed (``root = parse_document(html)``).

    A caller that reads more off the page (its article, its footer numbers) parses it
    once; list pages are read on the crawl's event loop, where each parse delays
    fetching.  ``html`` is still needed for the pager, which is in a script; an
    article page's pager (an article split over pages) names no list pages.
    """
    bases = _BASE_HREF(root)
    base = urljoin(url, bases[0] if bases else "")
    listing = Listing()
    seen: set[str] = set()
    memo = _sorted_by_profile.setdefault(_profile_key(profile), _Memo())
    contexts = _contexts(base)
    for attribute in _HREFS(root):
        href = attribute.strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        found = _sorted_link(contexts, href, profile, memo)
        if found is None:
            continue
        kind, canonical = found
        if kind in _TITLED_KINDS and canonical not in listing.link_titles:
            anchor = attribute.getparent()
            title = link_title(anchor)
            if title:
                listing.link_titles[canonical] = title
            if kind == "article":
                shown = link_date(anchor)
                if shown:
                    listing.link_dates[canonical] = shown
        if canonical in seen:
            continue
        seen.add(canonical)
        if kind != "image":
            getattr(listing, f"{kind}_urls").append(canonical)
    listing.link_titles = specific_words(listing.link_titles)
    if profile.article_re.search(urlsplit(url).path):
        return listing  # an article's own pager turns the article's pages, not a list's
    pager = read_pager(html, url)
    listing.page_count, listing.pager_unreadable = pager.count, pager.unreadable
    for page in pager.urls:
        canonical = canonicalize(page, profile)
        if canonical not in seen:
            seen.add(canonical)
            listing.pager_urls.append(canonical)
    return listing
