"""Page bytes → text, as a browser reads them, and how cleanly that went.

A declaration is a claim, not a fact: government sites declare ``gb2312`` on pages their
CMS writes in UTF-8 (printed as mojibake by a reader that believes the declaration),
and declare ``gb2312`` on pages that use GBK-only characters.  So the candidates are
tried in a browser's order (a BOM first; then the HTTP header's charset, then the
page's ``<meta>``/XML declaration; then UTF-8), and the first one the bytes decode in
*without error* wins, with one exception: bytes that are valid UTF-8 (and not plain
ASCII) are read as UTF-8 whatever is declared.  Text in GBK is practically never valid
UTF-8, while UTF-8 Chinese often decodes "without error" as GB18030, into mojibake
(``统一战线`` becomes ``缁熶竴鎴樼嚎``): only the test in that order tells them apart.
Only when no candidate decodes without error is an encoding detected
(charset_normalizer), and the candidate with the fewest replacement characters is
taken; a browser in a Chinese locale falls back to GBK, so GB18030 is always among
them.  GB2312 and GBK are read as GB18030, their superset (w3lib's translation).

The result says how many characters could not be decoded (``replacements``), so a
caller can count such pages and refuse one that is mostly replacement characters.
"""

from __future__ import annotations

import codecs
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

REPLACEMENT = "\ufffd"
LOCALE_FALLBACK = "gb18030"  # a zh-CN browser's default for undeclared legacy pages


@dataclass(frozen=True)
class Decoded:
    """A page's text, the encoding it was read in, and the characters lost doing so."""

    text: str
    encoding: str
    declared: str | None  # what the header or the page claimed, when it claimed something
    replacements: int  # characters that decoded only as U+FFFD (0: a clean decoding)

    @property
    def replacement_share(self) -> float:
        """Replacement characters per character of text (0.0 for a clean decoding)."""
        return self.replacements / len(self.text) if self.text else 0.0


def _strict(body: bytes, encoding: str) -> str | None:
    """``body`` decoded in ``encoding`` without any error, else None."""
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detected(body: bytes) -> str | None:
    """The encoding charset_normalizer finds most likely (only for undecodable pages)."""
    from charset_normalizer import from_bytes  # imported late: needed on rare pages only

    best = from_bytes(body).best()
    return resolve_encoding(best.encoding) if best is not None else None


def _known(encoding: str | None) -> str | None:
    """A codec name Python knows, else None (a page may declare anything)."""
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """The text of a page's bytes: see the module docstring for the order."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        text = to_unicode(body[len(bom):], bom_encoding)
        return Decoded(text, bom_encoding, bom_encoding, text.count(REPLACEMENT))
    header = _known(http_content_type_encoding(content_type))
    meta = _known(html_body_declared_encoding(body))
    if meta in ("utf-16-le", "utf-16-be", "utf-16", "utf-32", "utf-32-le", "utf-32-be"):
        meta = "utf-8"  # HTML: a page read as ASCII cannot be UTF-16; the claim means UTF-8
    declared = header or meta
    candidates = list(dict.fromkeys(e for e in (header, meta, "utf-8") if e))
    if candidates[0] != "utf-8" and not body.isascii():
        candidates.remove("utf-8")  # UTF-8 first: see the module docstring
        candidates.insert(0, "utf-8")
    for encoding in candidates:
        text = _strict(body, encoding)
        if text is not None:
            return Decoded(text, encoding, declared, 0)
    for extra in (_known(_detected(body)), LOCALE_FALLBACK):
        if extra and extra not in candidates:
            candidates.append(extra)
    best: Decoded | None = None
    for encoding in candidates:
        text = to_unicode(body, encoding)
        found = Decoded(text, encoding, declared, text.count(REPLACEMENT))
        if best is None or found.replacements < best.replacements:
            best = found
    assert best is not None  # "utf-8" is always a candidate
    return best


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """``decode_page(body, content_type).text``: for a caller that needs only the text."""
    return decode_page(body, content_type).text


def content_type_of(headers: Mapping[str, str] | None) -> str | None:
    """The Content-Type of stored response headers, whatever their case."""
    return _header(headers, "content-type")


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A stored response header by its lower-case name, whatever its case there."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


# The media types Scrapy answers with a text response (``scrapy.responsetypes``), besides
# every ``text/...``; any other type leaves the decision to the next clue.
_TEXT_TYPES = frozenset({
    "application/atom+xml", "application/rdf+xml", "application/rss+xml",
    "application/xhtml+xml", "application/vnd.wap.xhtml+xml", "application/xml",
    "application/json", "application/x-json", "application/json-amazonui-streaming",
    "application/javascript", "application/x-javascript",
})
# Control characters that make a body binary to Scrapy (NUL, tab and newlines do not).
_BINARY = frozenset(range(32)) - {0, 9, 10, 13}
_SNIFFED = 5000  # bytes of the body Scrapy looks at
_guess = mimetypes.MimeTypes()


def _text_type(mimetype: str | None) -> bool:
    return bool(mimetype) and (mimetype in _TEXT_TYPES or mimetype.split("/")[0] == "text")


def _named_text(name: str) -> bool:
    mimetype, encoding = _guess.guess_type(name)
    return encoding is None and _text_type(mimetype)


def is_text_response(headers: Mapping[str, str] | None, url: str, body: bytes) -> bool:
    """Whether the crawl read a response with these stored headers, URL and bytes as text
    (Scrapy gives it a ``TextResponse``), so that a reprocess reads the same pages without
    Scrapy.

    Scrapy's rules, in its order, each consulted only while the earlier ones named no text
    type: the Content-Type (not when a Content-Encoding is left), the file name of a
    Content-Disposition, the URL's extension, and then the first 5,000 bytes, text unless
    they hold control characters.  The extension table is Python's (Scrapy adds rare
    types to it); an extension only decides for a body that is binary anyway.
    """
    content_type = _header(headers, "content-type")
    if content_type and not _header(headers, "content-encoding") and _text_type(
            content_type.split(";")[0].strip().lower()):
        return True
    disposition = _header(headers, "content-disposition")
    if disposition:
        parts = disposition.split(";")
        if len(parts) > 1 and "=" in parts[1] and _named_text(
                parts[1].split("=")[1].strip("\"'")):
            return True
    return _named_text(url) or not _BINARY.intersection(body[:_SNIFFED])
