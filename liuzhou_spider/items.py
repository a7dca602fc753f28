"""The records that flow through the project, one dataclass per stage.

spider → pages (``RawArticle``) → pipelines.cleaning (``CleanArticle``) →
pipelines.dedup (``MergeDecision``) → storage.  Each stage adds a record and never
mutates the one before it, so a stage can be re-run alone (``liuzhou reprocess``)
and tested without the others.  Scrapy accepts dataclass instances as items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np

RegistrationKind = Literal["icp", "psb"]
Rendering = Literal["article", "print", "mobile"]


@dataclass(frozen=True)
class Image:
    """An image of the article body with the caption line that follows it."""

    url: str
    caption: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A linked document (.pdf, .doc, ...): recorded, never downloaded."""

    url: str
    title: str | None = None


@dataclass(frozen=True)
class Registration:
    """One footer filing number seen on one page (an observation, not a verdict)."""

    kind: RegistrationKind
    value: str


@dataclass(frozen=True)
class Observation:
    """One filing number on one page, as ``pipelines.reconcile`` weighs it: what, where,
    under which template, when."""

    kind: RegistrationKind
    value: str
    url: str
    template: str
    seen_at: str  # ISO 8601 with offset


@dataclass
class RawArticle:
    """What page parsing reads off one fetched article page, before any cleaning.

    Pure data: produced by ``liuzhou_spider.pages.article.parse_article(html, url, ...)``
    without Scrapy, so it can be rebuilt from a stored page at any time.
    """

    url: str  # as fetched
    canonical_url: str  # liuzhou_spider.urls.canonicalize(url, profile)
    fetched_at: str  # ISO 8601, UTC offset included
    status: int
    template: str  # profile template name that matched, or "unknown"
    rendering: Rendering = "article"
    docid: str | None = None
    url_date: str | None = None  # YYYY-MM-DD from /t{YYYYMMDD}_{docid}.html
    title: str | None = None
    # Which evidence decided the title (list_link, meta, heading, title_tag), and
    # whether strong evidence disagreed (the page against the list page's link).
    title_from: str | None = None
    title_conflict: bool = False
    link_title: str | None = None  # the list page's words for this article, when known
    link_date: str | None = None  # the date the list page shows beside it, as written
    published_raw: str | None = None  # the date as written on the page
    published_at: str | None = None  # parsed ISO 8601 with +08:00, if parseable
    published_from: str | None = None  # info_line, under_title, meta, labelled_line, list
    source: str | None = None
    source_from: str | None = None  # info_line, under_title, meta, ..._unlabelled
    column_path: list[str] = field(default_factory=list)  # from the breadcrumb
    column_heading: str | None = None  # a lone column heading (second rendering)
    nav_column_path: list[str] = field(default_factory=list)  # from the site menu's nesting
    nav_column_gap: int = 0  # levels between the menu's deepest match and the page's column
    body_html: str | None = None  # the body region, before cleaning
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # gov meta tags: PubDate, ...
    registrations: list[Registration] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None  # hash of the fetched bytes


@dataclass
class CleanArticle:
    """One page's article after cleaning: what an analyst would read."""

    raw: RawArticle
    title: str
    published_at: str | None  # ISO 8601 with +08:00
    published_precision: Literal["datetime", "date"] | None
    source: str | None
    column: list[str]
    body_text: str
    body_html: str
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    extractor: Literal["template", "fallback"] = "template"
    # The evidence behind title, date and source (RawArticle's, the URL for a date read
    # off it), and whether the title disagreed with the list page's link text.
    title_from: str | None = None
    published_from: str | None = None
    source_from: str | None = None
    title_conflict: bool = False
    chrome_leaks: list[str] = field(default_factory=list)  # markers left in body_text
    capped: tuple[str, ...] = ()  # fields cut at their caps (pipelines.cleaning MAX_*)
    fetch: PageFetch | None = None  # the fetch it was read from, stored with its decision
    sketch: BodySketch | None = field(default=None, compare=False, repr=False)  # read off-loop


@dataclass(frozen=True)
class BodySketch:
    """What deduplication compares of a body (``pipelines.dedup.sketch.sketch_body``): its
    normalised length, exact-duplicate hash and MinHash signature, and the signature's LSH
    band keys when the banding was given."""

    length: int
    digest: str
    signature: np.ndarray
    made_by: tuple[int, int, int]  # the signer's (ngram, num_perm, seed)
    band_keys: np.ndarray | None = None
    banding: tuple[int, int] | None = None  # (bands, rows) of ``band_keys``


@dataclass
class MergeDecision:
    """Where deduplication put one page: which canonical article, and how sure."""

    article: CleanArticle
    article_id: str
    is_new_article: bool
    similarity: float  # estimated Jaccard to the canonical body (1.0 = canonical)
    is_canonical: bool  # this page is now the article's canonical URL
    body_replaced: bool  # this page's body became the canonical body (newer version)
    signature: bytes = b""  # MinHash signature of the normalised body, for storage
    body_hash: str = ""  # exact-duplicate hash of the normalised body
    known_page: bool = False  # this page was already one of the article's pages (a re-fetch)


@dataclass
class PageFetch:
    """Every fetched page, article or not: what incremental crawls and reprocessing need.

    Column and home pages carry footers too, so their filing numbers are observations.
    ``body`` is the fetched bytes (stored compressed, content-addressed by ``content_hash``)
    so ``liuzhou reprocess`` can rebuild everything without the network.
    """

    url: str
    canonical_url: str
    fetched_at: str
    status: int
    kind: Literal["article", "column", "other"]
    template: str = "unknown"
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    registrations: list[Registration] = field(default_factory=list)
    not_modified: bool = False  # answered 304, or same content hash as last time
    gone: bool = False  # answered 404/410 for a URL seen before
    link_title: str | None = None  # an article's words on the list page that linked it
    link_date: str | None = None  # the date that list page shows beside it, as written


@dataclass(frozen=True)
class Member:
    """One URL of a stored article, as much as merging needs to choose the canonical."""

    url: str
    docid: str | None
    rendering: Rendering
    template_current: bool


@dataclass
class KnownArticle:
    """A stored canonical article, as deduplication reloads it at start-up."""

    article_id: str
    canonical_url: str
    title: str
    published_at: str | None
    body_hash: str
    signature: bytes
    body_len: int
    content_docid: str | None  # docid of the page whose body is the canonical body
    members: list[Member] = field(default_factory=list)


@dataclass
class ArticlePage:
    """A fetched article page, decoded but not yet read.

    The spider hands pages over unread so that reading them (pure-Python CPU work) runs
    in a worker process, off the event loop that keeps the downloads going.
    """

    fetch: PageFetch
    html: str
    depth: int = 0  # links from the start page: the page's links are one deeper
