"""One batch of the storing step: fetches and merge decisions written as one transaction.

The rows a batch touches are read up front with one ``IN`` query per table, changed in
memory, and flushed in three phases in foreign-key order (articles, then URLs, then what
hangs off URLs): a handful of statements per batch instead of a dozen per page.
Every write is an idempotent upsert: first-seen times take the minimum, last-seen times
the maximum, and a fetch older than what a URL remembers never overwrites it, so a batch
replayed late or twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from liuzhou_spider.items import MergeDecision, PageFetch
from storage.models import (
    COLUMN_SEPARATOR,
    Article,
    ArticleColumn,
    ArticleVersion,
    Fetch,
    PageContent,
    RegistrationObservation,
    Url,
)
from storage.timefmt import shanghai_iso, utc_iso

# The content fields a newer version replaces; the older values go to article_versions.
CONTENT_FIELDS = ("title", "published_at", "source", "column_path", "body_text", "body_html",
                  "images", "attachments", "body_hash", "content_url", "content_docid")


def to_json(value: Any) -> str:
    """JSON as stored in text columns: UTF-8 characters kept readable."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _earliest(current: str | None, new: str) -> str:
    return new if current is None or new < current else current


def _latest(current: str | None, new: str) -> str:
    return new if current is None or new > current else current


def _content(decision: MergeDecision) -> dict[str, Any]:
    """The article's content fields as stored, from the page the decision is about."""
    clean = decision.article
    return {
        "title": clean.title,
        "published_at": shanghai_iso(clean.published_at),
        "published_precision": clean.published_precision,
        "source": clean.source,
        "column_path": COLUMN_SEPARATOR.join(clean.column),
        "body_text": clean.body_text,
        "body_html": clean.body_html,
        "images": to_json([{"url": i.url, "caption": i.caption} for i in clean.images]),
        "attachments": to_json([{"url": a.url, "title": a.title} for a in clean.attachments]),
        "extractor": clean.extractor,
        "body_hash": decision.body_hash,
        "signature": decision.signature,
        "body_len": len(clean.body_text),
        "content_url": clean.raw.url,
        "content_docid": clean.raw.docid,
    }


def _content_hash(fetch: PageFetch) -> str | None:
    return fetch.content_hash or (hashlib.sha256(fetch.body).hexdigest() if fetch.body else None)


class Batch:
    """The rows of one batch, loaded once, upserted in memory, flushed in FK order."""

    def __init__(self, session: Session, run_id: int, fetches: list[PageFetch],
                 decisions: list[MergeDecision]) -> None:
        self.session = session
        self.run_id = run_id
        self.fetches = fetches
        self.decisions = decisions
        urls = {f.url for f in fetches} | {d.article.raw.url for d in decisions}
        self.urls = {row.url: row for row in self._in(Url, Url.url, urls)}
        self.articles = {row.id: row for row in self._in(
            Article, Article.id, {d.article_id for d in decisions})}
        hashes = {h for f in fetches if f.body and (h := _content_hash(f))}
        self.stored_hashes = set(session.scalars(
            select(PageContent.content_hash).where(PageContent.content_hash.in_(hashes))))
        self.observations = {(o.kind, o.value, o.url): o for o in self._in(
            RegistrationObservation, RegistrationObservation.url, {f.url for f in fetches})}
        self.logged = {tuple(row) for row in session.execute(
            select(Fetch.url, Fetch.fetched_at).where(
                Fetch.run_id == run_id,
                tuple_(Fetch.url, Fetch.fetched_at).in_(
                    [(f.url, utc_iso(f.fetched_at)) for f in fetches]),
            )
        )} if fetches else set()
        self.versions: list[ArticleVersion] = []  # added once the articles are flushed
        self.columns: dict[str, list[str]] = {}  # article id -> new column path
        self.replaced: set[str] = set()  # articles whose old column rows go
        self.created: set[str] = set()  # articles this batch creates

    def _in(self, model: type, column: Any, keys: set[str]) -> list[Any]:
        return list(self.session.scalars(select(model).where(column.in_(keys)))) if keys else []

    def write(self) -> None:
        """Articles first, then what hangs off them, then URL rows, then what hangs off URLs.

        The ORM orders the INSERTs of one flush by class, not by foreign key (the models
        have no relationships), so each level is flushed before the next is added.
        """
        for decision in self.decisions:
            self._article(decision)
        self.session.flush()
        self.session.add_all(self.versions)
        if self.replaced:
            self.session.execute(
                delete(ArticleColumn).where(ArticleColumn.article_id.in_(self.replaced)))
        self.session.add_all(
            ArticleColumn(article_id=article_id, level=level, name=name)
            for article_id, column in self.columns.items() for level, name in enumerate(column)
        )
        self.session.flush()
        for fetch in self.fetches:
            self._url_memory(fetch)
        for decision in self.decisions:
            self._url_membership(decision)
        self.session.flush()
        for fetch in self.fetches:
            self._raw_page_log_and_observations(fetch)
        self.session.flush()

    # -- articles --------------------------------------------------------------------

    def _article(self, decision: MergeDecision) -> None:
        raw = decision.article.raw
        seen = utc_iso(raw.fetched_at)
        content = _content(decision)
        article = self.articles.get(decision.article_id)
        if article is None:  # new, or merged into an article whose batch never committed
            article = Article(id=decision.article_id, canonical_url=raw.canonical_url,
                              first_seen_at=seen, last_seen_at=seen,
                              created_run_id=self.run_id, **content)
            self.session.add(article)
            self.articles[article.id] = article
            self.created.add(article.id)
            self.columns[article.id] = decision.article.column
        elif decision.body_replaced and any(
            getattr(article, name) != content[name] for name in CONTENT_FIELDS
        ):
            self.versions.append(ArticleVersion(
                article_id=article.id, run_id=self.run_id, replaced_at=seen,
                **{name: getattr(article, name) for name in CONTENT_FIELDS},
            ))
            for name, value in content.items():
                setattr(article, name, value)
            article.updated_run_id = self.run_id
            self.columns[article.id] = decision.article.column
            self.replaced.add(article.id)
        if decision.is_canonical:
            article.canonical_url = raw.canonical_url
        article.first_seen_at = _earliest(article.first_seen_at, seen)
        article.last_seen_at = _latest(article.last_seen_at, seen)

    # -- URLs ------------------------------------------------------------------------

    def _url_row(self, url: str, canonical_url: str, kind: str, seen: str) -> Url:
        row = self.urls.get(url)
        if row is None:
            row = Url(url=url, canonical_url=canonical_url, kind=kind, is_canonical=False,
                      first_seen_at=seen, last_seen_at=seen)
            self.session.add(row)
            self.urls[url] = row
        row.first_seen_at = _earliest(row.first_seen_at, seen)
        row.last_seen_at = _latest(row.last_seen_at, seen)
        return row

    def _url_memory(self, fetch: PageFetch) -> None:
        """What this fetch answered, unless the URL remembers a later fetch."""
        seen = utc_iso(fetch.fetched_at)
        row = self._url_row(fetch.url, fetch.canonical_url, fetch.kind, seen)
        if row.fetched_at is not None and seen < row.fetched_at:
            return
        row.fetched_at = seen
        row.template = fetch.template
        row.last_run_id = self.run_id
        if not fetch.not_modified or row.status is None:
            row.status = fetch.status
        row.etag = fetch.etag or (row.etag if fetch.not_modified else None)
        row.last_modified = fetch.last_modified or (
            row.last_modified if fetch.not_modified else None)
        row.content_hash = _content_hash(fetch) or row.content_hash
        row.gone_at = (row.gone_at or seen) if fetch.gone else None

    def _url_membership(self, decision: MergeDecision) -> None:
        """The page's article, similarity and rendering; the canonical flag follows."""
        raw = decision.article.raw
        article = self.articles[decision.article_id]
        row = self._url_row(raw.url, raw.canonical_url, "article", utc_iso(raw.fetched_at))
        row.article_id = article.id
        row.similarity = decision.similarity
        row.docid = raw.docid
        row.template = raw.template
        row.rendering = raw.rendering
        if decision.is_canonical and not row.is_canonical:
            self._make_canonical(row, article.id)
        elif row.is_canonical and row.canonical_url != article.canonical_url:
            row.is_canonical = False

    def _make_canonical(self, row: Url, article_id: str) -> None:
        """Flag ``row`` as its article's canonical URL, clearing the old flag first (the
        unique index allows one per article at every moment, not only at commit)."""
        demoted = [other for other in self.urls.values()
                   if other.article_id == article_id and other.is_canonical and other is not row]
        for other in demoted:
            other.is_canonical = False
        if article_id not in self.created:  # rows of earlier batches may hold the flag
            self.session.execute(update(Url).where(
                Url.article_id == article_id, Url.is_canonical.is_(True), Url.url != row.url,
            ).values(is_canonical=False))
        if demoted or article_id not in self.created:
            self.session.flush()
        row.is_canonical = True

    # -- what hangs off a URL --------------------------------------------------------

    def _raw_page_log_and_observations(self, fetch: PageFetch) -> None:
        seen = utc_iso(fetch.fetched_at)
        content_hash = _content_hash(fetch)
        if fetch.body and content_hash and content_hash not in self.stored_hashes:
            self.session.add(PageContent(
                content_hash=content_hash, body=zlib.compress(fetch.body, 6),
                size=len(fetch.body), headers=to_json(fetch.headers), first_url=fetch.url,
                first_fetched_at=seen,
            ))
            self.stored_hashes.add(content_hash)
        if (fetch.url, seen) not in self.logged:
            self.session.add(Fetch(run_id=self.run_id, url=fetch.url, fetched_at=seen,
                                   status=fetch.status, content_hash=content_hash,
                                   not_modified=fetch.not_modified))
            self.logged.add((fetch.url, seen))
        for registration in fetch.registrations:
            key = (registration.kind, registration.value, fetch.url)
            observation = self.observations.get(key)
            if observation is None:
                self.observations[key] = RegistrationObservation(
                    kind=registration.kind, value=registration.value, url=fetch.url,
                    template=fetch.template, first_seen_at=seen, last_seen_at=seen)
                self.session.add(self.observations[key])
                continue
            observation.first_seen_at = _earliest(observation.first_seen_at, seen)
            if seen >= observation.last_seen_at:
                observation.last_seen_at = seen
                observation.template = fetch.template
