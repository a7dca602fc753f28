"""Is this answer an HTML page of the site?  Pure judgements on bytes, text and reading.

A status 200 says only that the server answered.  Maintenance notices, images and
random bytes sent as ``text/html``, empty bodies and pages decoded with the wrong
charset all come with 200; storing them as articles overwrites what the site really
says.  Each function here names the reason a careful reader would give for not taking
a page as an article, or None; the crawl counts refusals by these names
(``liuzhou/refused/<reason>``, docs/refusals.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from liuzhou_spider.pages.listing import Listing

# Reasons, as counted and logged.
EMPTY = "empty"  # no bytes, or only whitespace and NUL bytes
BINARY = "binary"  # an image, archive or other non-text file, or random bytes
NOT_HTML = "not_html"  # text without any markup
MOJIBAKE = "mojibake"  # the bytes do not decode as declared: replacement characters
NO_CONTENT = "no_content"  # no known template and no body text
NOT_SITE_PAGE = "not_site_page"  # no known template and no link to the site
SHRUNK = "shrunk"  # far shorter than the stored version of the same page
REPEATED_BODY = "repeated_body"  # the same title and body at many URLs in one run

# File signatures of what is never an HTML page (images, archives, documents, programs).
_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF", b"PK\x03\x04", b"\x1f\x8b",
    b"Rar!", b"7z\xbc\xaf", b"BM", b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"fLaC",
    b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0", b"\x00asm", b"II*\x00", b"MM\x00*",
)
# WHATWG MIME sniffing's "binary data bytes": never in a text document.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SNIFF_BYTES = 65536
_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*|!doctype|!--)[\s>/]", re.IGNORECASE)


@dataclass(frozen=True)
class TrustRules:
    """The thresholds of the judgements (settings ``LIUZHOU_TRUST_*``)."""

    max_binary_share: float = 0.01  # of the first 64 KiB
    max_replacement_share: float = 0.01  # U+FFFD among non-space characters
    min_replacements: int = 5  # fewer is a stray character of the site's own
    shrink_ratio: float = 0.5  # a page's body below this share of its stored body
    same_body_limit: int = 25  # URLs one title and body may appear at in one run


def sniff(body: bytes, rules: TrustRules = TrustRules()) -> str | None:
    """``EMPTY``, ``BINARY`` or None for the bytes of an answer, before decoding."""
    if not body.strip(b" \t\r\n\f\x00"):
        return EMPTY
    head = body[:_SNIFF_BYTES]
    if head.startswith(_MAGIC):
        return BINARY
    if head.startswith(_UTF16_BOMS):
        return None  # UTF-16 text is full of NUL bytes; its decoder judges it
    if len(_BINARY_BYTES.findall(head)) > rules.max_binary_share * len(head):
        return BINARY
    return None


def replacement_share(text: str) -> float:
    """The share of U+FFFD among the non-space characters of ``text``."""
    solid = len(text) - sum(text.count(c) for c in " \t\r\n\u3000")
    return text.count("\ufffd") / solid if solid > 0 else 0.0


def judge_text(text: str, rules: TrustRules = TrustRules()) -> str | None:
    """``MOJIBAKE`` or ``NOT_HTML`` for decoded text, or None."""
    if (text.count("\ufffd") >= rules.min_replacements
            and replacement_share(text) > rules.max_replacement_share):
        return MOJIBAKE
    if not _MARKUP.search(text[:_SNIFF_BYTES]):
        return NOT_HTML
    return None


def judge_response(body: bytes, text: str,
                   rules: TrustRules = TrustRules()) -> str | None:
    """Why the answer ``body`` (decoded as ``text``) is not an HTML page, or None."""
    return sniff(body, rules) or judge_text(text, rules)


def site_links(listing: Listing) -> int:
    """How many links of a page lead to the site's pages (menu, columns, articles)."""
    return sum(map(len, (listing.article_urls, listing.column_urls, listing.pager_urls,
                         listing.other_urls)))


def judge_listing(listing: Listing) -> str | None:
    """``NOT_SITE_PAGE`` for a list page without a single link into the site: every page
    of the site carries its menu, a maintenance notice or a proxy's error page does not."""
    return None if site_links(listing) else NOT_SITE_PAGE


def judge_article(template: str, body_text: str, site_links: int,
                  shows_listed_title: bool = False) -> str | None:
    """Why a page read as an article is not one of the site's articles, or None.

    A page of a known template is the site's, whatever its length: a short notice or an
    attachment-only article is legitimate.  A page of no known template is the site's
    if it has a body and either links into the site (every page of the current site
    carries its menu) or shows, as text of its own, the title the list page that linked
    it gave (``shows_listed_title``: an older page without menu).  A maintenance notice
    or an error page of a proxy has neither.
    """
    if template != "unknown":
        return None
    if not body_text.strip():
        return NO_CONTENT
    if site_links == 0 and not shows_listed_title:
        return NOT_SITE_PAGE
    return None


def shrunk(new_length: int, stored_length: int | None,
           rules: TrustRules = TrustRules()) -> bool:
    """True when a page's body is far shorter than the stored body it would replace.

    An editor who shortens an article cuts a sentence or a paragraph, not half of it; a
    page that lost most of its body is a broken answer, and replacing the stored body
    with it would lose the article.
    """
    return bool(stored_length) and new_length < rules.shrink_ratio * stored_length  # type: ignore[operator]


@dataclass
class RepeatedBodies:
    """Counts the URLs each (title, body) appears at within one run.

    Cross-posts repeat an article at a few URLs; a maintenance page or a soft 404
    answers the same title and body at every URL it is asked for.
    """

    limit: int = TrustRules.same_body_limit
    seen: Counter[int] = field(default_factory=Counter)  # by hash: a run holds every page's

    def repeated(self, title: str, body_hash: str) -> bool:
        """Count one more page with this title and body; True once it is at too many.

        A run asks for each URL once, so pages count URLs.
        """
        key = hash((title.strip(), body_hash))
        self.seen[key] += 1
        return self.seen[key] > self.limit
