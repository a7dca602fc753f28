"""One batch of the storing step: fetches and merge decisions written as one transaction.

The rows a batch touches are read up front with one ``IN`` query per table, changed in
memory as plain dicts (``storage.rows``), and written in foreign-key order (articles,
then URLs, then what hangs off URLs) with one executemany per table and kind of change:
a handful of statements per batch instead of a dozen per page, and no ORM bookkeeping.
Every write is an idempotent upsert: first-seen times take the minimum, last-seen times
the maximum, and a fetch older than what a URL remembers never overwrites it, so a batch
replayed late or twice changes nothing.

What a batch stores belongs to its run's site (``crawl_runs.site``).  A row of another
site met on the way (two profiles claiming one host) is refused with ``SiteConflict``,
never silently moved: one portal's records must not become another's.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Table, and_, delete, insert, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from liuzhou_spider.items import MergeDecision, PageFetch
from storage.models import (
    COLUMN_SEPARATOR,
    Article,
    ArticleColumn,
    ArticleVersion,
    CrawlRun,
    Fetch,
    PageContent,
    RegistrationObservation,
    Url,
)
from storage.rows import Row, Rows
from storage.search import SEARCHED_FIELDS, SearchIndex
from storage.storable import storable_decision, storable_fetch
from storage.timefmt import shanghai_iso, utc_iso

ARTICLES = Article.__table__
ARTICLE_COLUMNS = ArticleColumn.__table__
ARTICLE_VERSIONS = ArticleVersion.__table__
FETCHES = Fetch.__table__
PAGE_CONTENTS = PageContent.__table__
OBSERVATIONS = RegistrationObservation.__table__
URLS = Url.__table__

# The content fields a newer version replaces; the older values go to article_versions.
# Only a change of title or body is an edit (a version); the other fields follow quietly.
EDIT_FIELDS = ("title", "body_text")
CONTENT_FIELDS = ("title", "published_at", "source", "column_path", "body_text", "body_html",
                  "images", "attachments", "body_hash", "content_url", "content_docid")


# What the content page's reading says of its evidence: follows the page, never versioned.
EVIDENCE_FIELDS = ("title_from", "published_from", "source_from", "list_title", "title_conflict")


class SiteConflict(ValueError):
    """A batch of one site would change a row stored for another site."""


def to_json(value: Any) -> str:
    """JSON as stored in text columns: UTF-8 characters kept readable."""
    return json.dumps(value, ensure_ascii=False, default=str)


def column_rows(article_id: str, column: Sequence[str]) -> list[dict[str, Any]]:
    """The ``article_columns`` rows of one article's column path, a level each."""
    return [{"article_id": article_id, "level": level, "name": name}
            for level, name in enumerate(column)]


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
        "title_from": clean.title_from,
        "published_from": clean.published_from,
        "source_from": clean.source_from,
        "list_title": clean.raw.link_title,
        "title_conflict": clean.title_conflict,
    }


def _content_hash(fetch: PageFetch) -> str | None:
    return fetch.content_hash or (hashlib.sha256(fetch.body).hexdigest() if fetch.body else None)


def _blank(table: Table) -> Row:
    """A new row with every column NULL: the rows of one executemany share their keys."""
    return dict.fromkeys(table.columns.keys())


def _loses_flag(before: Row, after: Row) -> bool:
    """True if a URL row held its article's canonical flag and no longer holds that one."""
    return before["is_canonical"] and (after["article_id"], after["is_canonical"]) != (
        before["article_id"], True)


def _observation_key(row: Row) -> tuple[str, str, str]:
    return row["kind"], row["value"], row["url"]


class Batch:
    """The rows of one batch, loaded once, upserted in memory, written in FK order."""

    def __init__(self, session: Session, run_id: int, fetches: list[PageFetch],
                 decisions: list[MergeDecision]) -> None:
        session.flush()  # the batch reads and writes below the ORM: nothing may be pending
        self.connection = session.connection()
        self.run_id = run_id
        self.site: str = self.connection.scalar(
            select(CrawlRun.site).where(CrawlRun.id == run_id))
        if self.site is None:
            raise LookupError(f"no run {run_id} to store a batch for")
        # Stored as every database accepts them; the pages that needed it are counted.
        stored_fetches = [storable_fetch(f) for f in fetches]
        stored_decisions = [storable_decision(d) for d in decisions]
        self.repaired = {f.url for f, repaired in stored_fetches if repaired} | {
            d.article.raw.url for d, repaired in stored_decisions if repaired}
        self.fetches = [f for f, _ in stored_fetches]
        self.hashes = [_content_hash(f) for f in self.fetches]
        self.decisions = [d for d, _ in stored_decisions]
        fetches, decisions = self.fetches, self.decisions
        article_ids = {d.article_id for d in decisions}
        self.articles = Rows(ARTICLES, lambda row: row["id"], self._in(ARTICLES.c.id, article_ids),
                             unique=("canonical_url",))
        self.urls = Rows(URLS, lambda row: row["url"], self._urls(article_ids))
        self.flagged: dict[str, set[str]] = {}  # article id -> URLs holding its flag
        for row in self.urls.rows.values():
            if row["is_canonical"]:
                self.flagged.setdefault(row["article_id"], set()).add(row["url"])
        self.stored_hashes = set(self.connection.scalars(
            select(PAGE_CONTENTS.c.content_hash).where(PAGE_CONTENTS.c.content_hash.in_(
                {h for f, h in zip(fetches, self.hashes, strict=True) if f.body and h}))))
        self.observations = Rows(OBSERVATIONS, _observation_key,
                                 self._in(OBSERVATIONS.c.url, {f.url for f in fetches}))
        for rows in (self.articles, self.urls):
            self._refuse_other_sites(rows)
        self.logged = self._logged()
        self.versions: list[Row] = []  # article_versions rows, in the order replaced
        self.edited: set[str] = set()  # articles whose title or body an earlier run stored
        self.columns: dict[str, list[str]] = {}  # article id -> new column path
        self.replaced: set[str] = set()  # articles whose old column rows go
        self.contents: list[Row] = []  # page_contents rows not stored yet
        self.log: list[Row] = []  # fetches rows

    def _refuse_other_sites(self, rows: Rows) -> None:
        """Raise ``SiteConflict`` if a loaded row is another site's."""
        for key, row in rows.rows.items():
            if row["site"] != self.site:
                raise SiteConflict(
                    f"{rows.table.name} row {key} is stored for site {row['site']!r}, this run "
                    f"crawls {self.site!r}: two sites' profiles claim the same pages")

    def _in(self, column: Column[str], keys: set[str]) -> list[RowMapping]:
        """Every row of ``column``'s table whose ``column`` is one of ``keys``."""
        if not keys:
            return []
        return list(self.connection.execute(
            select(column.table).where(column.in_(keys))).mappings())

    def _urls(self, article_ids: set[str]) -> list[RowMapping]:
        """The batch's URL rows, and the rows holding the canonical flag of its articles:
        a page that becomes canonical takes the flag from them, wherever they are."""
        urls = {f.url for f in self.fetches} | {d.article.raw.url for d in self.decisions}
        if not urls:
            return []
        return list(self.connection.execute(select(URLS).where(or_(
            URLS.c.url.in_(urls),
            and_(URLS.c.article_id.in_(article_ids), URLS.c.is_canonical.is_(True)),
        ))).mappings())

    def _logged(self) -> set[tuple[str, str]]:
        """(URL, time) of the run's fetches of the batch's URLs already in the log.

        By URL, not by (URL, time) pair: SQLite then seeks the unique index on
        (run_id, url, fetched_at) instead of scanning the whole run's part of it.
        """
        urls = {f.url for f in self.fetches}
        if not urls:
            return set()
        return {(url, fetched_at) for url, fetched_at in self.connection.execute(
            select(FETCHES.c.url, FETCHES.c.fetched_at).where(
                FETCHES.c.run_id == self.run_id, FETCHES.c.url.in_(urls)))}

    def write(self) -> None:
        """Change every row in memory, then write: articles first, then what hangs off
        them, then URL rows, then what hangs off URLs (the order foreign keys need)."""
        for decision in self.decisions:
            self._article(decision)
        for fetch, content_hash in zip(self.fetches, self.hashes, strict=True):
            self._url_memory(fetch, content_hash)
        for decision in self.decisions:
            self._url_membership(decision)
        for fetch, content_hash in zip(self.fetches, self.hashes, strict=True):
            self._raw_page_log_and_observations(fetch, content_hash)
        self.articles.write(self.connection)
        SearchIndex(self.connection).note(self._searchable_changes())
        self._write_article_children()
        self._write_urls()
        for table, rows in ((PAGE_CONTENTS, self.contents), (FETCHES, self.log)):
            if rows:
                self.connection.execute(insert(table), rows)
        self.observations.write(self.connection)

    def _searchable_changes(self) -> list[str]:
        """The batch's new articles, and those whose title or body it changed."""
        rows = self.articles
        return [row["id"] for row in rows.new] + [
            key for key, before in rows.loaded.items()
            if any(rows.rows[key][name] != before[name] for name in SEARCHED_FIELDS)]

    def _write_article_children(self) -> None:
        """Old bodies, and the column rows of new and replaced articles (old ones go)."""
        execute = self.connection.execute
        if self.versions:
            execute(insert(ARTICLE_VERSIONS), self.versions)
        if self.replaced:
            execute(delete(ARTICLE_COLUMNS).where(ARTICLE_COLUMNS.c.article_id.in_(self.replaced)))
        columns = [row for article_id, column in self.columns.items()
                   for row in column_rows(article_id, column)]
        if columns:
            execute(insert(ARTICLE_COLUMNS), columns)

    def _write_urls(self) -> None:
        """Flags lost are written first: the unique index allows one canonical URL per
        article at every statement, not only at commit, so no row may take a flag (or
        carry one to another article) while the row it replaces still holds it."""
        losing = [self.urls.rows[url] for url, before in self.urls.loaded.items()
                  if _loses_flag(before, self.urls.rows[url])]
        self.urls.update_now(self.connection, losing, {"is_canonical": False})
        self.urls.write(self.connection)

    # -- articles --------------------------------------------------------------------

    def _article(self, decision: MergeDecision) -> None:
        """Create or update the article; its content is built only when it is stored (a
        page merged into a known article, the usual case in a re-crawl, needs none)."""
        raw = decision.article.raw
        seen = utc_iso(raw.fetched_at)
        article = self.articles.get(decision.article_id)
        if article is None:  # new, or merged into an article whose batch never committed
            article = self.articles.add({
                **_blank(ARTICLES), "id": decision.article_id,
                "canonical_url": raw.canonical_url, "first_seen_at": seen,
                "last_seen_at": seen, "created_run_id": self.run_id, "site": self.site,
                **_content(decision),
            })
            self.columns[article["id"]] = decision.article.column
        elif decision.body_replaced:
            self._replace_content(article, decision, seen)
        if decision.is_canonical:
            article["canonical_url"] = raw.canonical_url
        article["first_seen_at"] = _earliest(article["first_seen_at"], seen)
        article["last_seen_at"] = _latest(article["last_seen_at"], seen)

    def _replace_content(self, article: Row, decision: MergeDecision, seen: str) -> None:
        """A newer version's content.  The content it replaces goes to article_versions
        only when its title or body changed and an earlier run stored it: a run that meets
        an article's renderings one after the other (a first crawl) did not see an edit."""
        content = _content(decision)
        if all(article[name] == content[name] for name in CONTENT_FIELDS):
            article.update({name: content[name] for name in EVIDENCE_FIELDS})
            return
        edited = article["created_run_id"] != self.run_id and any(
            article[name] != content[name] for name in EDIT_FIELDS)
        if edited:
            self.versions.append({
                "article_id": article["id"], "run_id": self.run_id, "replaced_at": seen,
                **{name: article[name] for name in CONTENT_FIELDS},
            })
            self.edited.add(article["id"])
            article["updated_run_id"] = self.run_id
        article.update(content)
        self.columns[article["id"]] = decision.article.column
        self.replaced.add(article["id"])

    # -- URLs ------------------------------------------------------------------------

    def _url_row(self, url: str, canonical_url: str, kind: str, seen: str) -> Row:
        row = self.urls.get(url)
        if row is None:
            return self.urls.add({
                **_blank(URLS), "url": url, "canonical_url": canonical_url, "kind": kind,
                "is_canonical": False, "first_seen_at": seen, "last_seen_at": seen,
                "site": self.site,
            })
        row["first_seen_at"] = _earliest(row["first_seen_at"], seen)
        row["last_seen_at"] = _latest(row["last_seen_at"], seen)
        return row

    def _url_memory(self, fetch: PageFetch, content_hash: str | None) -> None:
        """What this fetch answered, unless the URL remembers a later fetch."""
        seen = utc_iso(fetch.fetched_at)
        row = self._url_row(fetch.url, fetch.canonical_url, fetch.kind, seen)
        if row["fetched_at"] is not None and seen < row["fetched_at"]:
            return
        row["fetched_at"] = seen
        row["template"] = fetch.template
        row["last_run_id"] = self.run_id
        if not fetch.not_modified or row["status"] is None:
            row["status"] = fetch.status
        row["etag"] = fetch.etag or (row["etag"] if fetch.not_modified else None)
        row["last_modified"] = fetch.last_modified or (
            row["last_modified"] if fetch.not_modified else None)
        row["content_hash"] = content_hash or row["content_hash"]
        row["link_title"] = fetch.link_title or row["link_title"]
        row["link_date"] = fetch.link_date or row["link_date"]
        row["gone_at"] = (row["gone_at"] or seen) if fetch.gone else None

    def _url_membership(self, decision: MergeDecision) -> None:
        """The page's article, similarity and rendering; the canonical flag follows."""
        raw = decision.article.raw
        article = self.articles.rows[decision.article_id]
        row = self._url_row(raw.url, raw.canonical_url, "article", utc_iso(raw.fetched_at))
        self._join(row, article["id"])
        row["similarity"] = decision.similarity
        row["docid"] = raw.docid
        row["template"] = raw.template
        row["rendering"] = raw.rendering
        if decision.is_canonical and not row["is_canonical"]:
            self._make_canonical(row, article["id"])
        elif row["is_canonical"] and row["canonical_url"] != article["canonical_url"]:
            row["is_canonical"] = False
            self.flagged[article["id"]].discard(row["url"])

    def _join(self, row: Row, article_id: str) -> None:
        """Make ``row`` a page of ``article_id``; a flag it holds moves with it."""
        if row["is_canonical"] and row["article_id"] != article_id:
            self.flagged[row["article_id"]].discard(row["url"])
            self.flagged.setdefault(article_id, set()).add(row["url"])
        row["article_id"] = article_id

    def _make_canonical(self, row: Row, article_id: str) -> None:
        """Flag ``row`` as its article's canonical URL; whichever row held the flag loses it."""
        for url in self.flagged.get(article_id, ()):
            self.urls.rows[url]["is_canonical"] = False
        self.flagged[article_id] = {row["url"]}
        row["is_canonical"] = True

    # -- what hangs off a URL --------------------------------------------------------

    def _raw_page_log_and_observations(self, fetch: PageFetch, content_hash: str | None) -> None:
        seen = utc_iso(fetch.fetched_at)
        if fetch.body and content_hash and content_hash not in self.stored_hashes:
            self.contents.append({
                "content_hash": content_hash, "body": zlib.compress(fetch.body, 6),
                "size": len(fetch.body), "headers": to_json(fetch.headers),
                "first_url": fetch.url, "first_fetched_at": seen,
            })
            self.stored_hashes.add(content_hash)
        if (fetch.url, seen) not in self.logged:
            self.log.append({"run_id": self.run_id, "url": fetch.url, "fetched_at": seen,
                             "status": fetch.status, "content_hash": content_hash,
                             "not_modified": fetch.not_modified})
            self.logged.add((fetch.url, seen))
        for registration in fetch.registrations:
            observation = self.observations.get((registration.kind, registration.value, fetch.url))
            if observation is None:
                self.observations.add({
                    "kind": registration.kind, "value": registration.value, "url": fetch.url,
                    "template": fetch.template, "first_seen_at": seen, "last_seen_at": seen,
                    "site": self.site,
                })
                continue
            observation["first_seen_at"] = _earliest(observation["first_seen_at"], seen)
            if seen >= observation["last_seen_at"]:
                observation["last_seen_at"] = seen
                observation["template"] = fetch.template
