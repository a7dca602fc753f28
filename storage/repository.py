"""The storing step's database side: runs, batches, and what earlier runs learned.

Every ``write_batch`` is one transaction and idempotent (writing the same batch twice
changes nothing), so a crawl that dies loses at most the batch in flight and a retried
batch is harmless.  Rows are upserted by reading them first (``storage.batch``) rather
than with dialect-specific ``ON CONFLICT`` clauses: one writer per database is guaranteed
by the crawl lock, and the same code then behaves the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import socket
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from liuzhou_spider.items import KnownArticle, Member, MergeDecision, Observation, PageFetch
from storage.batch import Batch, column_rows, to_json
from storage.export import site_names
from storage.models import (
    COLUMN_SEPARATOR,
    Article,
    ArticleColumn,
    ArticleStory,
    ArticleVersion,
    CrawlRun,
    PageContent,
    RegistrationObservation,
    RegistrationVerdict,
    StoryLink,
    Url,
)
from storage.registrations import Verdicts, flatten
from storage.search import SearchIndex
from storage.storable import is_keyed
from storage.stories import Member as StoryMember
from storage.stories import stories
from storage.streaming import stream, with_children
from storage.timefmt import now_utc

SETTLED = "ids_settled"  # in a run's checks: the ids of its articles have settled
RUN_COUNT_COLUMNS = ("pages_fetched", "articles_new", "articles_updated", "duplicates_merged",
                     "errors", "pages_not_modified", "pages_gone")


@dataclass(frozen=True)
class BatchResult:
    """What a written batch did beyond storing: pages whose values had to be repaired
    (``storage.storable``) and articles whose title or body changed since an earlier run."""

    repaired: frozenset[str]
    edited: frozenset[str]


@dataclass(frozen=True, slots=True)
class UrlMemory:
    """What the last fetch of a URL answered: enough for a conditional request.

    An incremental run holds one per stored URL: slotted, a third of a plain instance.
    """

    etag: str | None
    last_modified: str | None
    content_hash: str | None
    status: int | None
    article_id: str | None
    gone_at: str | None = None


class Repository:
    """Reads and writes of one database; every method opens and closes its own session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- runs ----------------------------------------------------------------------------

    def start_run(self, options: dict[str, Any], *, site: str) -> int:
        """Record a run of ``site`` (its profile name) as 'running' and return its id; what
        the run stores is that site's (``write_batch``)."""
        with Session(self.engine) as session, session.begin():
            run = CrawlRun(site=site, started_at=now_utc(), status="running", pid=os.getpid(),
                           hostname=socket.gethostname(), options=to_json(options))
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, status: str, counts: dict[str, int],
                   checks: dict[str, Any] | None = None) -> None:
        """Record how the run ended, its counts (the view's five and any other) and checks;
        index the articles still pending for search (``storage.search``)."""
        with Session(self.engine) as session, session.begin():
            run = session.get_one(CrawlRun, run_id)
            run.status = status
            run.finished_at = now_utc()
            for name in RUN_COUNT_COLUMNS:
                setattr(run, name, int(counts.get(name, 0)))
            run.counts = to_json(counts)
            run.checks = to_json(checks or {})
            SearchIndex(session.connection()).flush()

    def settle_article_ids(self, run_id: int, id_for: Callable[[str], str], *,
                           final: bool = True) -> int:
        """Give the articles first stored by unsettled runs the id of their final canonical
        URL; returns how many were renamed.

        Within a crawl, pages arrive in no fixed order: an article first met through its
        republication is stored under that page's id, then its original becomes canonical.
        Settling ids when a crawl ends, however it ends, makes them depend on the site,
        not on the crawl order; after that they never change.  Besides ``run_id`` this
        settles every run that ended without settling (killed, or marked interrupted
        after its process died) and, when ``final``, marks those as settled
        (``checks.ids_settled``; ``finish_run`` records it for ``run_id``).  An
        interrupted run settles what it stored but is not ``final``: the run that resumes
        it may still move canonical URLs, so its articles are settled again then.
        """
        table = Article.__table__
        renamed = 0
        with Session(self.engine) as session, session.begin():
            runs = [run_id, *self._runs_to_settle(session, run_id)]
            search = SearchIndex(session.connection())
            for old_id, url in self._unsettled(session, runs):
                if is_keyed(url):  # the id came from the full URL, which is not stored
                    continue
                new_id = id_for(url)
                if new_id == old_id:  # nearly every article: no query
                    continue
                if session.scalar(select(Article.id).where(Article.id == new_id)) is not None:
                    continue
                values = dict(session.execute(
                    select(table).where(table.c.id == old_id)
                ).mappings().one())
                # canonical_url is unique: park the old row's while both rows exist.
                session.execute(update(table).where(table.c.id == old_id)
                                .values(canonical_url=f"{url}#renamed-{old_id}"))
                session.execute(insert(table).values({**values, "id": new_id}))
                for child in (ArticleColumn, ArticleVersion, Url, ArticleStory, StoryLink):
                    session.execute(update(child).where(child.article_id == old_id)
                                    .values(article_id=new_id))
                session.execute(update(StoryLink).where(StoryLink.linked_id == old_id)
                                .values(linked_id=new_id))
                search.forget([old_id])
                session.execute(delete(table).where(table.c.id == old_id))
                search.note([new_id])
                renamed += 1
            if final:
                for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(runs[1:]))):
                    run.checks = to_json({**json.loads(run.checks or "{}"), SETTLED: True})
        return renamed

    @staticmethod
    def _runs_to_settle(session: Session, run_id: int) -> list[int]:
        """Earlier runs of the same site whose ids may not have settled: still 'running'
        (killed), or ended without settling (marked interrupted or failed by another
        process).  Another site's run is settled by that site's next run."""
        site = select(CrawlRun.site).where(CrawlRun.id == run_id).scalar_subquery()
        candidates = session.execute(
            select(CrawlRun.id, CrawlRun.checks).where(
                CrawlRun.id != run_id, CrawlRun.site == site,
                CrawlRun.status.in_(("running", "interrupted", "failed")))
        ).all()
        return [rid for rid, checks in candidates
                if not json.loads(checks or "{}").get(SETTLED)]

    @staticmethod
    def _unsettled(session: Session, runs: list[int]) -> Iterator[tuple[str, str]]:
        """(id, canonical URL) of the runs' articles, in id order, a thousand at a time:
        a first crawl's are the whole archive.  An article renamed meanwhile comes back
        under its new id, which is already settled."""
        after = ""
        while rows := session.execute(
            select(Article.id, Article.canonical_url)
            .where(Article.created_run_id.in_(runs), Article.id > after)
            .order_by(Article.id).limit(1000)
        ).all():
            yield from ((row[0], row[1]) for row in rows)
            after = rows[-1][0]

    def stored_list_pages(self, *, site: str) -> set[str]:
        """The keys of the pages earlier runs of ``site`` stored as list pages (not
        articles): a page of them that now links nowhere is a maintenance notice in its
        place."""
        query = select(Url.url).where(Url.site == site, Url.kind == "column", Url.status < 400)
        with self.engine.connect() as connection:
            return {url for (url,) in stream(connection, query)}

    def has_completed_run(self, *, site: str) -> bool:
        """True once a crawl of ``site`` ran to its end: only then has it been seen whole."""
        with Session(self.engine) as session:
            return session.scalar(
                select(CrawlRun.id).where(
                    CrawlRun.site == site, CrawlRun.finished_at.is_not(None),
                    CrawlRun.status.in_(("success", "partial", "unhealthy")),
                ).limit(1)
            ) is not None

    def previous_run_status(self, run_id: int | None = None, *, site: str) -> str | None:
        """The status of the last crawl of ``site`` before ``run_id`` (before its newest
        run if None), None if there is none: a run left 'running' by a dead process counts
        as it is; a ``liuzhou reprocess`` fetched nothing and does not count."""
        query = (select(CrawlRun.status)
                 .where(CrawlRun.site == site, CrawlRun.status != "reprocessed")
                 .order_by(CrawlRun.id.desc()).limit(1))
        with Session(self.engine) as session:
            if run_id is None:
                run_id = session.scalar(select(CrawlRun.id).where(CrawlRun.site == site)
                                        .order_by(CrawlRun.id.desc()))
            if run_id is None:
                return None
            return session.scalar(query.where(CrawlRun.id < run_id))

    def previous_run_checks(self, run_id: int, *, site: str) -> dict[str, Any]:
        """The health checks of the last finished run of ``site`` before ``run_id`` ({} if
        none): budgets, column links and field quality are a site's own."""
        with Session(self.engine) as session:
            checks = session.scalar(
                select(CrawlRun.checks)
                .where(CrawlRun.site == site, CrawlRun.id < run_id,
                       CrawlRun.finished_at.is_not(None),
                       CrawlRun.status.in_(("success", "partial", "unhealthy")))
                .order_by(CrawlRun.id.desc()).limit(1)
            )
        return json.loads(checks) if checks else {}

    def mark_interrupted_runs(self) -> int:
        """Mark runs left 'running' by a dead process of this host as 'interrupted'.

        Runs of other hosts are left alone: their process may be alive.  Returns how many
        runs were marked.
        """
        host = socket.gethostname()
        with Session(self.engine) as session, session.begin():
            stale = session.scalars(
                select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.hostname == host)
            ).all()
            dead = [run for run in stale if run.pid is None or not _alive(run.pid)]
            for run in dead:
                run.status = "interrupted"
                run.finished_at = run.finished_at or now_utc()
            return len(dead)

    # -- the storing step ----------------------------------------------------------------

    def write_batch(self, run_id: int, fetches: list[PageFetch],
                    decisions: list[MergeDecision]) -> BatchResult:
        """Store a batch of fetches and merge decisions as one transaction (idempotent);
        returns what the batch repaired and which articles it recorded an edit of."""
        with Session(self.engine) as session, session.begin():
            batch = Batch(session, run_id, fetches, decisions)
            batch.write()
        return BatchResult(repaired=frozenset(batch.repaired), edited=frozenset(batch.edited))

    # -- what earlier runs learned -------------------------------------------------------

    def article_body(self, article_id: str, connection: Connection | None = None) -> str | None:
        """An article's canonical body text, None if it is not stored (deduplication reads
        it for the rare candidate whose estimate cannot settle it).  ``connection``: read
        inside that transaction (a rebuild sees its own writes)."""
        query = select(Article.body_text).where(Article.id == article_id)
        if connection is not None:
            return connection.scalar(query)
        with self.engine.connect() as own:
            return own.scalar(query)

    def load_known_articles(self, current_templates: frozenset[str] = frozenset(), *,
                            site: str) -> Iterator[KnownArticle]:
        """Every stored article of ``site`` with its member pages, streamed, for
        deduplication: a crawl merges only into its own site's records.
        ``current_templates``: the site's current design (the profile's), whose pages
        deduplication prefers as canonical."""
        articles = select(
            Article.id, Article.canonical_url, Article.title, Article.published_at,
            Article.body_hash, Article.signature, Article.body_len, Article.content_docid,
        ).where(Article.site == site).order_by(Article.id)
        members = (
            select(Url.article_id, Url.url, Url.canonical_url, Url.docid, Url.rendering,
                   Url.template)
            .join(Article, Article.id == Url.article_id)
            .where(Article.site == site).order_by(Url.article_id, Url.url)
        )
        with self.engine.connect() as connection:
            for article, urls in with_children(
                stream(connection, articles), stream(connection, members),
                lambda row: row.id, lambda row: row.article_id,
            ):
                yield KnownArticle(
                    article_id=article.id, canonical_url=article.canonical_url,
                    title=article.title, published_at=article.published_at,
                    body_hash=article.body_hash, signature=bytes(article.signature),
                    body_len=article.body_len, content_docid=article.content_docid,
                    members=list(dict.fromkeys(
                        _member(u, current_templates) for u in urls
                    )),
                )

    def url_memory(self, *, site: str) -> dict[str, UrlMemory]:
        """What the last fetch of every URL of ``site`` (as fetched) answered, for
        conditional requests."""
        query = select(Url.url, Url.etag, Url.last_modified, Url.content_hash, Url.status,
                       Url.article_id, Url.gone_at).where(Url.site == site)
        with self.engine.connect() as connection:
            return {
                row.url: UrlMemory(etag=row.etag, last_modified=row.last_modified,
                                   content_hash=row.content_hash, status=row.status,
                                   article_id=row.article_id, gone_at=row.gone_at)
                for row in stream(connection, query)
            }

    def page_content(self, content_hash: str) -> tuple[bytes, dict[str, str]] | None:
        """The stored bytes and response headers of a fetched page, for reprocessing."""
        with Session(self.engine) as session:
            page = session.get(PageContent, content_hash)
            if page is None:
                return None
            return zlib.decompress(page.body), json.loads(page.headers)

    # -- sites and stories ---------------------------------------------------------------

    def sites(self) -> list[str]:
        """The sites that have stored articles, sorted."""
        return site_names(self.engine)

    def set_story_links(self, site: str, links: Iterable[tuple[str, str]]) -> None:
        """Replace the links that touch ``site``'s articles with ``links``, then the
        stories of every site (``storage.stories``), in one transaction."""
        own = select(Article.id).where(Article.site == site)
        with Session(self.engine) as session, session.begin():
            session.execute(delete(StoryLink).where(
                or_(StoryLink.article_id.in_(own), StoryLink.linked_id.in_(own))))
            rows = [{"article_id": a, "linked_id": b} for a, b in sorted(set(links))]
            if rows:
                session.execute(insert(StoryLink), rows)
            every = session.execute(select(StoryLink.article_id, StoryLink.linked_id)).all()
            ids = sorted({article_id for link in every for article_id in link})
            members: dict[str, StoryMember] = {}
            for part in _chunks(ids):
                for row in session.execute(
                    select(Article.published_at, Article.first_seen_at, Article.site,
                           Article.id).where(Article.id.in_(part))
                ):
                    members[row.id] = StoryMember(*row)
            session.execute(delete(ArticleStory))
            grouped = stories([(a, b) for a, b in every], members)
            if grouped:
                session.execute(insert(ArticleStory), [
                    {"article_id": a, "story_id": story, "position": position}
                    for a, story, position in grouped])

    def settle_columns(
        self, settled: dict[str, tuple[list[str], list[str]]], *, site: str
    ) -> int:
        """Give the articles of these URLs (canonical URL -> (column given, column now))
        their settled column path, where the stored path is still the one given (a page
        merged into the article since may have named another).  Returns how many
        changed, in one transaction."""
        changed = 0
        with Session(self.engine) as session, session.begin():
            for part in _chunks(sorted(settled)):
                rows = session.execute(
                    select(Url.canonical_url, Article.id, Article.column_path)
                    .join(Article, Article.id == Url.article_id)
                    .where(Url.canonical_url.in_(part), Article.site == site)
                ).all()
                done: set[str] = set()
                for url, article_id, stored in rows:
                    given, now = settled[url]
                    if article_id in done or stored != COLUMN_SEPARATOR.join(given):
                        continue
                    done.add(article_id)
                    session.execute(update(Article).where(Article.id == article_id)
                                    .values(column_path=COLUMN_SEPARATOR.join(now)))
                    session.execute(delete(ArticleColumn)
                                    .where(ArticleColumn.article_id == article_id))
                    session.execute(insert(ArticleColumn), column_rows(article_id, now))
                changed += len(done)
        return changed

    # -- filing numbers ------------------------------------------------------------------

    def registration_observations(self, *, site: str) -> Iterator[Observation]:
        """Every filing number seen on ``site``, for ``pipelines.reconcile``: per (number,
        URL) one observation at its first sighting and one at its last, which is all the
        rule needs.

        Streamed: every page shows its footer, so there are a few rows per page of the
        archive; read to the end (or closed) before the next use of the repository.
        """
        o = RegistrationObservation
        query = select(o.kind, o.value, o.url, o.template, o.first_seen_at,
                       o.last_seen_at).where(o.site == site)
        with self.engine.connect() as connection:
            for kind, value, url, template, first, last in stream(
                connection, query.order_by(o.kind, o.value, o.url)
            ):
                for seen_at in dict.fromkeys((first, last)):
                    yield Observation(kind=kind, value=value, url=url,
                                      template=template or "unknown", seen_at=seen_at)

    def set_registration_verdicts(self, verdicts: Verdicts, *, site: str) -> None:
        """Replace every verdict of ``site`` with these (reconciliation decides from all
        of the site's observations)."""
        decided = now_utc()
        with Session(self.engine) as session, session.begin():
            session.execute(delete(RegistrationVerdict).where(RegistrationVerdict.site == site))
            latest = {(v.kind, v.value): v for v in flatten(verdicts)}
            session.add_all(
                RegistrationVerdict(
                    site=site, kind=kind, value=value, is_canonical=bool(v.is_canonical),
                    conflicting=bool(getattr(v, "conflicting", not v.is_canonical)),
                    decided_at=decided,
                )
                for (kind, value), v in latest.items()
            )


def _chunks(values: list[str], size: int = 1000) -> Iterator[list[str]]:
    """Slices that stay under SQLite's bound-parameter limit."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _member(row: Any, current_templates: frozenset[str]) -> Member:
    """A URL row as deduplication knows a page: an article rendering by its canonical URL
    (aliases and tracking folded), a print or mobile rendering by the URL it was fetched
    from (its canonical URL is the article's own), as ``pipelines.dedup`` does."""
    rendering = row.rendering or "article"
    return Member(url=row.canonical_url if rendering == "article" else row.url,
                  docid=row.docid, rendering=rendering,
                  template_current=row.template in current_templates)


def _alive(pid: int) -> bool:
    """True if a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
