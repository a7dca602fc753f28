"""Values every database accepts: what a hostile or broken page would make it reject.

PostgreSQL refuses a NUL character in any text value, and a whole batch with it (an ETag
with a NUL once kept every page of a run out of the database, on every run); both
databases refuse text that is not valid Unicode (lone surrogates); a B-tree index entry
may not exceed about 2,700 bytes, so a 4,000-character link could not be a primary key.
The storing step therefore stores a cleaned copy of each record: control characters
(other than tab and line breaks in text; all of them in header values) and surrogates
removed, and a URL too long for an index kept as a bounded prefix plus the SHA-256 of the
whole URL.  The same ``url_key`` applies wherever a URL is a key, so a URL always maps to
the same row.  The functions return the records unchanged when nothing needed repair,
and say whether something did, so the run can count the pages repaired.

Nearly every record needs nothing: one regular-expression search over its text values
joined together answers that, and only a record it finds something in is copied and
compared field by field: copying and comparing every record took about a tenth of
storing (a profile of the portal's first 10,000 article pages), the check takes a
quarter of that.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

from liuzhou_spider.items import (
    Attachment,
    CleanArticle,
    Image,
    MergeDecision,
    PageFetch,
    RawArticle,
    Registration,
)

MAX_KEY_BYTES = 2000  # below PostgreSQL's B-tree entry limit (2,704 bytes) with room to spare
KEY_MARKER = "#sha256="  # a fragment: never part of a URL as fetched, so never ambiguous
_PREFIX_BYTES = MAX_KEY_BYTES - len(KEY_MARKER) - 64

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; lone surrogates.
_TEXT_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# In a header value no control character belongs at all.
_HEADER_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


# Joins the values a record is checked in: not a character either pattern removes.
_JOIN = " "
# A URL of at most this many characters is at most MAX_KEY_BYTES in UTF-8 (4 bytes each).
_SHORT_URL = MAX_KEY_BYTES // 4


def storable_text(value: str) -> str:
    """``value`` without the characters a database rejects (or a reader never wants)."""
    return _TEXT_JUNK.sub("", value)


def storable_header(value: str) -> str:
    """A header value (ETag, Last-Modified, ...) without any control character."""
    return _HEADER_JUNK.sub("", value)


def url_key(url: str) -> str:
    """The URL as stored where it is a key: itself, or, when too long for an index, its
    first bytes and the SHA-256 of the whole (the same URL always gives the same key)."""
    url = storable_header(url)
    encoded = url.encode("utf-8")
    if len(encoded) <= MAX_KEY_BYTES:
        return url
    prefix = encoded[:_PREFIX_BYTES].decode("utf-8", errors="ignore")
    return f"{prefix}{KEY_MARKER}{hashlib.sha256(encoded).hexdigest()}"


def is_keyed(url: str) -> bool:
    """True for a URL stored as prefix and hash (the full URL is not in the database)."""
    return len(url) > len(KEY_MARKER) + 64 and url[-64 - len(KEY_MARKER):].startswith(KEY_MARKER)


def _text_or_none(value: str | None) -> str | None:
    return None if value is None else storable_text(value)


def _header_or_none(value: str | None) -> str | None:
    return None if value is None else storable_header(value)


def _is_key(url: str) -> bool:
    """Whether ``url_key`` keeps this URL as it is (no control character, short enough)."""
    return not _HEADER_JUNK.search(url) and (
        len(url) <= _SHORT_URL or len(url.encode("utf-8")) <= MAX_KEY_BYTES)


def _clean(pattern: re.Pattern[str], values: list[str | None]) -> bool:
    """Whether ``pattern`` finds nothing to remove in any of ``values``."""
    return not pattern.search(_JOIN.join(filter(None, values)))


def _fetch_is_storable(fetch: PageFetch) -> bool:
    """True when ``storable_fetch`` would change nothing: the usual fetch."""
    headers = fetch.headers
    return (
        all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items())
        and _is_key(fetch.url) and _is_key(fetch.canonical_url)
        and _clean(_HEADER_JUNK, [fetch.etag, fetch.last_modified, *headers, *headers.values()])
        and _clean(_TEXT_JUNK, [r.value for r in fetch.registrations])
    )


def _article_is_storable(clean: CleanArticle) -> bool:
    """True when ``storable_decision`` would change nothing: the usual article."""
    raw = clean.raw
    return (
        _is_key(raw.url) and _is_key(raw.canonical_url)
        and _clean(_HEADER_JUNK, [raw.docid])
        and _clean(_TEXT_JUNK, [
            clean.title, clean.source, *clean.column, clean.body_text, clean.body_html,
            *(i.url for i in clean.images), *(i.caption for i in clean.images),
            *(a.url for a in clean.attachments), *(a.title for a in clean.attachments)])
    )


def storable_fetch(fetch: PageFetch) -> tuple[PageFetch, bool]:
    """A fetch every database accepts, and whether anything had to be repaired."""
    if _fetch_is_storable(fetch):
        return fetch, False
    repaired = replace(
        fetch,
        url=url_key(fetch.url), canonical_url=url_key(fetch.canonical_url),
        etag=_header_or_none(fetch.etag), last_modified=_header_or_none(fetch.last_modified),
        headers={storable_header(str(k)): storable_header(str(v))
                 for k, v in fetch.headers.items()},
        registrations=[Registration(r.kind, storable_text(r.value))
                       for r in fetch.registrations],
    )
    return (fetch, False) if _same(repaired, fetch) else (repaired, True)


def storable_decision(decision: MergeDecision) -> tuple[MergeDecision, bool]:
    """A merge decision whose article every database accepts, and whether it was repaired."""
    clean = decision.article
    if _article_is_storable(clean):
        return decision, False
    raw = clean.raw
    repaired_raw: RawArticle = replace(
        raw, url=url_key(raw.url), canonical_url=url_key(raw.canonical_url),
        docid=_header_or_none(raw.docid),
    )
    repaired: CleanArticle = replace(
        clean, raw=repaired_raw, title=storable_text(clean.title),
        source=_text_or_none(clean.source), column=[storable_text(c) for c in clean.column],
        body_text=storable_text(clean.body_text), body_html=storable_text(clean.body_html),
        images=[Image(storable_text(i.url), _text_or_none(i.caption)) for i in clean.images],
        attachments=[Attachment(storable_text(a.url), _text_or_none(a.title))
                     for a in clean.attachments],
    )
    if _same(repaired_raw, raw) and _same(repaired, clean):
        return decision, False
    return replace(decision, article=repaired), True


def _same(a: Any, b: Any) -> bool:
    """Equal field by field (a dataclass's ``==`` may leave fields out of the comparison)."""
    return all(getattr(a, name) == getattr(b, name) for name in a.__dataclass_fields__)
