"""The schema, as typed SQLAlchemy 2.x declarative models.

Times are handled as ISO 8601 text in one fixed shape (``storage.timefmt``): that sorts
chronologically and is what the program compares and exports.  SQLite stores that text;
PostgreSQL stores ``timestamptz`` (``storage.timetype``), which analysts' tools read as
times, and the models turn it back into the same text.
Constraints carry the invariants so that no code path can break them: one canonical URL
per article, one article per URL, at most one canonical URL row per article, foreign keys
everywhere, filing-number kinds limited to ``icp``/``psb``.

Alembic migrations in ``storage/migrations/versions`` are frozen copies of this module at
each revision; a change here needs a new revision (``alembic revision --autogenerate``).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.timefmt import SHANGHAI
from storage.timetype import StoredTime

COLUMN_SEPARATOR = " > "  # between the names of a column path, as in the breadcrumb
TIMESTAMP = StoredTime()  # "2026-02-25T09:44:00+00:00"; timestamptz on PostgreSQL
PUBLISHED = StoredTime(SHANGHAI)  # publication times read back at +08:00, as the site says

SITE = String(64)  # a site's profile name, "lztz"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with constraint names that are the same on every database."""

    metadata = MetaData(naming_convention=NAMING)


class CrawlRun(Base):
    """One ``liuzhou crawl``: options, outcome and counts; 'running' until it finishes."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(SITE, index=True)  # the profile name: "lztz"
    started_at: Mapped[str] = mapped_column(TIMESTAMP)
    finished_at: Mapped[str | None] = mapped_column(TIMESTAMP)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    pid: Mapped[int | None] = mapped_column(Integer)
    hostname: Mapped[str | None] = mapped_column(String(255))
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicates_merged: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    pages_not_modified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pages_gone: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    counts: Mapped[str] = mapped_column(Text, default="{}")  # every count, JSON
    checks: Mapped[str] = mapped_column(Text, default="{}")  # health checks, JSON


class Article(Base):
    """A canonical article: the content of its most recent complete version."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(PUBLISHED, index=True)
    published_precision: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(Text)
    column_path: Mapped[str] = mapped_column(Text, default="")  # names joined by " > "
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    images: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{url, caption}]
    attachments: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{url, title}]
    extractor: Mapped[str] = mapped_column(String(16), default="template")
    body_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    body_len: Mapped[int] = mapped_column(Integer)
    content_url: Mapped[str] = mapped_column(Text)  # the page the content came from
    content_docid: Mapped[str | None] = mapped_column(String(32))
    first_seen_at: Mapped[str] = mapped_column(TIMESTAMP)
    last_seen_at: Mapped[str] = mapped_column(TIMESTAMP)
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    updated_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # Schema 0005: the evidence that decided title, date and source (of the content page),
    # the list page's words for the article, and whether they disagreed with the title.
    title_from: Mapped[str | None] = mapped_column(Text)
    published_from: Mapped[str | None] = mapped_column(Text)
    source_from: Mapped[str | None] = mapped_column(Text)
    list_title: Mapped[str | None] = mapped_column(Text)
    title_conflict: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Schema 0008: the site whose record this is (a repost on another portal is that
    # portal's record); deduplication merges only within a site.
    site: Mapped[str] = mapped_column(SITE, index=True)


class ArticleColumn(Base):
    """One level of an article's column path: lets ``--column`` match any level exactly."""

    __tablename__ = "article_columns"

    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)


class ArticleVersion(Base):
    """A body an article had before a newer version replaced it."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    replaced_at: Mapped[str] = mapped_column(TIMESTAMP)
    content_url: Mapped[str] = mapped_column(Text)
    content_docid: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(PUBLISHED)
    source: Mapped[str | None] = mapped_column(Text)
    column_path: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    images: Mapped[str] = mapped_column(Text)
    attachments: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))


class PageContent(Base):
    """Fetched bytes, zlib-compressed, keyed by their hash: reprocessing needs no network."""

    __tablename__ = "page_contents"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)  # zlib
    size: Mapped[int] = mapped_column(Integer)  # uncompressed bytes
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON of the first response
    first_url: Mapped[str] = mapped_column(Text)
    first_fetched_at: Mapped[str] = mapped_column(TIMESTAMP)


class Url(Base):
    """A URL as fetched: its article (if any) and what the last fetch answered."""

    __tablename__ = "urls"
    __table_args__ = (
        CheckConstraint("similarity IS NULL OR (similarity >= 0 AND similarity <= 1)",
                        name="similarity_range"),
        CheckConstraint("article_id IS NOT NULL OR NOT is_canonical",
                        name="canonical_needs_article"),
        Index("uq_urls_one_canonical_per_article", "article_id", unique=True,
              sqlite_where=text("is_canonical"), postgresql_where=text("is_canonical")),
    )

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # article, column, other
    article_id: Mapped[str | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    is_canonical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    similarity: Mapped[float | None] = mapped_column(Float)
    docid: Mapped[str | None] = mapped_column(String(32))
    template: Mapped[str | None] = mapped_column(String(32))
    rendering: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[str | None] = mapped_column(TIMESTAMP)
    gone_at: Mapped[str | None] = mapped_column(TIMESTAMP)
    first_seen_at: Mapped[str] = mapped_column(TIMESTAMP)
    last_seen_at: Mapped[str] = mapped_column(TIMESTAMP)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    # Schema 0005: the words and date of the last list page that linked this article
    # (what reprocessing hands page reading again, as the crawl did).
    link_title: Mapped[str | None] = mapped_column(Text)
    link_date: Mapped[str | None] = mapped_column(Text)  # the date shown beside it, as written
    site: Mapped[str] = mapped_column(SITE, index=True)  # schema 0008: whose page it is


class Fetch(Base):
    """One fetch of one URL in one run: the history behind "what changed in the last run"."""

    __tablename__ = "fetches"
    __table_args__ = (UniqueConstraint("run_id", "url", "fetched_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    url: Mapped[str] = mapped_column(ForeignKey("urls.url", ondelete="CASCADE"), index=True)
    fetched_at: Mapped[str] = mapped_column(TIMESTAMP)
    status: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    not_modified: Mapped[bool] = mapped_column(Boolean, default=False)


class RegistrationObservation(Base):
    """A filing number (ICP or public-security) seen in the footer of one URL."""

    __tablename__ = "registration_observations"
    __table_args__ = (
        UniqueConstraint("kind", "value", "url"),
        CheckConstraint("kind IN ('icp', 'psb')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(ForeignKey("urls.url", ondelete="CASCADE"), index=True)
    template: Mapped[str | None] = mapped_column(String(32))
    first_seen_at: Mapped[str] = mapped_column(TIMESTAMP)
    last_seen_at: Mapped[str] = mapped_column(TIMESTAMP)
    site: Mapped[str] = mapped_column(SITE, index=True)  # schema 0008: the page's site


class RegistrationVerdict(Base):
    """Reconciliation's decision: is this filing number the site's current one (per site:
    each portal has its own filings)."""

    __tablename__ = "registration_verdicts"
    __table_args__ = (CheckConstraint("kind IN ('icp', 'psb')", name="kind"),)

    site: Mapped[str] = mapped_column(SITE, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[str] = mapped_column(Text, primary_key=True)
    is_canonical: Mapped[bool] = mapped_column(Boolean)
    conflicting: Mapped[bool] = mapped_column(Boolean)  # another filing than the canonical
    decided_at: Mapped[str] = mapped_column(TIMESTAMP)


class StoryLink(Base):
    """Two articles of different sites that deduplication would merge were they of one
    site: a repost.  ``article_id`` was compared against the other site's records and
    matched ``linked_id``; the links of a site are recomputed after each of its runs."""

    __tablename__ = "story_links"

    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    linked_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ArticleStory(Base):
    """An article's story: the linked articles of every site, connected, in the order
    they were published (``position`` 1 is the first publisher; the story is named
    after it).  Only articles that appeared on more than one site have a row."""

    __tablename__ = "article_stories"

    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[str] = mapped_column(String(16), index=True)
    position: Mapped[int] = mapped_column(Integer)
