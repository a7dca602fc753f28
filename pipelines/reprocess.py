"""``liuzhou reprocess``: rebuild articles from the stored pages, without the network.

Why this shape:

* **The same code as the crawl.** A stored page is decoded by Scrapy's own response
  classes (the crawl read ``response.text``), then parsed, cleaned and merged by the
  functions the pipeline steps call, and written by ``storage.batch.Batch``: a fix to
  cleaning or merging reaches old pages exactly as it reaches new ones.
* **One transaction.** The selected articles are deleted and rebuilt in one session, so
  a reprocess that fails leaves the database as it was, and readers never see it half done.
* **Crawl order, stored ids.** Merging decides page by page, and the *first* page of an
  article names its id.  Pages are replayed in the order the crawl fetched them (the
  ``fetches`` log), and an article rebuilt from the pages of a stored article keeps that
  article's id: ids are promised stable across runs, and which page of a group came
  first in a concurrent crawl is a race, not a fact about the article.
* **A subset is a re-crawl of its pages.** With ``column``/``since``/``until``, the other
  articles are loaded into deduplication as a crawl loads what earlier runs stored, so a
  rebuilt page may still join an article outside the selection.
"""

from __future__ import annotations

import json
import logging
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from liuzhou_spider.gc_tuning import tuned_for_long_run
from liuzhou_spider.items import CleanArticle, KnownArticle, MergeDecision
from liuzhou_spider.pages.learned import LearnedSite
from liuzhou_spider.pages.text import parse_document
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.runner import CrawlOptions, run_lock
from liuzhou_spider.sites import profile_for_stored
from pipelines.cleaning import with_learned_site
from pipelines.dedup import Deduplicator, article_id_for
from pipelines.dedup.keys import KeyTable, key64
from pipelines.page_reading import (
    DEDUP_CONFIG,
    PendingRead,
    ReadPage,
    default_workers,
    page_reader,
    stored_text,
)
from pipelines.stories import link_stories
from storage.batch import Batch
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.models import (
    Article,
    ArticleColumn,
    ArticleVersion,
    CrawlRun,
    Fetch,
    PageContent,
    Url,
)
from storage.repository import Repository
from storage.search import SearchIndex
from storage.streaming import stream
from storage.timefmt import since_bound

logger = logging.getLogger(__name__)

BATCH = 200  # pages per Batch flush: the storing step's LIUZHOU_BATCH_SIZE
Progress = Callable[[int, int], None]  # (pages done, pages in total)


@dataclass(frozen=True, slots=True)
class StoredPage:
    """One article page to replay: where its bytes are and what the crawl recorded."""

    url: str
    content_hash: str
    status: int
    fetched_at: str
    article_id: str | None  # the stored article it belonged to
    link_title: str | None = None  # the list page's words for it (title evidence)
    link_date: str | None = None  # the date the list page showed beside it


@dataclass
class ReprocessResult:
    """What a reprocess did, for the command's summary."""

    run_id: int
    pages: int = 0
    articles_new: int = 0
    duplicates_merged: int = 0
    articles_updated: int = 0
    errors: int = 0
    seconds: float = 0.0


def crawl_profile(engine: Engine, site: str | None = None,
                  sites_dir: str | None = None) -> SiteProfile:
    """The profile of the latest crawl (of ``site``, when given): its site's, re-pointed
    at its start URLs and aliases.

    Canonical URLs (and so ids and merging) depend on which hosts are the site; a database
    crawled from the offline portal has loopback hosts, the real one ``www.lztz.gov.cn``.
    """
    query = select(CrawlRun.site, CrawlRun.options).order_by(CrawlRun.id.desc())
    if site is not None:
        query = query.where(CrawlRun.site == site)
    with Session(engine) as session:
        for stored, raw in session.execute(query):
            options = json.loads(raw or "{}")
            if "reprocess" in options:
                continue
            return profile_for_stored(stored, list(options.get("start_urls") or []),
                                      list(options.get("host_aliases") or []), sites_dir)
    return profile_for_stored(site, [], [], sites_dir)


def _until_bound(value: str) -> str:
    """The exclusive upper bound of ``--until``: a bare date includes its whole day."""
    if len(value.strip()) == 10:
        return since_bound((date.fromisoformat(value.strip()) + timedelta(days=1)).isoformat())
    return since_bound(value)


def selected_articles(site: str, column: str | None, since: str | None,
                      until: str | None) -> Select[Any]:
    """Ids of the site's articles a reprocess rebuilds (every one without filters)."""
    query = select(Article.id).where(Article.site == site)
    if column is not None:
        query = query.where(exists().where(ArticleColumn.article_id == Article.id,
                                           ArticleColumn.name == column))
    if since is not None:
        query = query.where(Article.published_at >= since_bound(since))
    if until is not None:
        query = query.where(Article.published_at < _until_bound(until))
    return query


def stored_pages(site: str, chosen: Select[Any] | None) -> Select[Any]:
    """The site's article pages with stored bytes, in the order the crawl first fetched
    them.

    ``chosen`` None: every readable article page (those that made no article before
    included); else the pages of the chosen articles.
    """
    first_fetch = (
        select(Fetch.url, func.min(Fetch.id).label("first")).group_by(Fetch.url).subquery()
    )
    query = (
        select(Url.url, Url.content_hash, Url.status, Url.fetched_at, Url.article_id,
               Url.link_title, Url.link_date)
        .outerjoin(first_fetch, first_fetch.c.url == Url.url)
        .where(Url.site == site, Url.kind == "article", Url.content_hash.is_not(None),
               Url.status < 400)
        .order_by(first_fetch.c.first, Url.url)
    )
    return query if chosen is None else query.where(Url.article_id.in_(chosen.scalar_subquery()))


def stored_site(connection: Connection, site: str) -> LearnedSite:
    """What the site's stored list pages teach (column paths, ``<title>`` suffix),
    as the crawl learned it from the same pages: an article gets the same column and
    title."""
    learned = LearnedSite()
    rows = connection.execute(
        select(Url.canonical_url, PageContent.body, PageContent.headers)
        .join(PageContent, PageContent.content_hash == Url.content_hash)
        .where(Url.site == site, Url.kind == "column", Url.status < 400)
    )
    for url, body, headers in rows:
        html = stored_text(zlib.decompress(body), json.loads(headers), url)
        if html is not None:
            learned.learn_list_page(parse_document(html), url)
    return learned


def _contents(session: Session, pages: list[StoredPage]) -> dict[str, tuple[bytes, str]]:
    hashes = {p.content_hash for p in pages}
    rows = session.execute(select(PageContent.content_hash, PageContent.body, PageContent.headers)
                           .where(PageContent.content_hash.in_(hashes)))
    # Still compressed: the reader decompresses, in its worker when it has one (a third
    # of the bytes through the pipe, and no zlib in the merging process).
    return {h: (body, headers) for h, body, headers in rows}


def _id_chunks(ids: set[str] | None) -> Iterator[set[str] | None]:
    """``ids`` in slices that stay under SQLite's bound-parameter limit (None: all)."""
    if ids is None:
        yield None
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), 1000):
        yield set(ordered[start:start + 1000])


def _clear(session: Session, ids: set[str] | None, site: str) -> None:
    """Delete the articles to rebuild (None: all of the site's); their URLs stay, without
    membership."""
    search = SearchIndex(session.connection())
    if ids is None:
        search.forget_site(site)
    else:
        search.forget(ids)
    every = select(Article.id).where(Article.site == site)
    for part in _id_chunks(ids):
        chosen = every.scalar_subquery() if part is None else part
        session.execute(update(Url).where(Url.article_id.in_(chosen)).values(
            article_id=None, is_canonical=False, similarity=None))
        for model in (ArticleVersion, ArticleColumn, Article):
            key = model.id if model is Article else model.article_id  # type: ignore[attr-defined]
            session.execute(delete(model).where(key.in_(chosen)))


def _refresh_seen_times(session: Session, ids: set[str] | None, site: str) -> None:
    """Article first/last seen = its URLs' first/last seen, over every run, as the crawls
    that stored them computed it (a replay sees each page at its latest fetch only)."""
    urls = Url.__table__
    for part in _id_chunks(ids):
        statement = update(Article).values(
            first_seen_at=select(func.min(urls.c.first_seen_at))
            .where(urls.c.article_id == Article.id).scalar_subquery(),
            last_seen_at=select(func.max(urls.c.last_seen_at))
            .where(urls.c.article_id == Article.id).scalar_subquery(),
        ).where(Article.site == site, exists().where(urls.c.article_id == Article.id))
        session.execute(statement if part is None else statement.where(Article.id.in_(part)))


class _Ids:
    """Deduplication's article ids → the ids stored before, where the group is the same.

    The ids given out are kept as 64-bit keys (``KeyTable``), and a mapping only where
    the id differs: both grow with the archive.  Two ids sharing a key only make a new
    article take its next candidate id.
    """

    def __init__(self) -> None:
        self.taken = KeyTable()  # ids of articles outside the selection, and those given out
        self.mapped: dict[str, str] = {}

    def take(self, article_id: str) -> None:
        self.taken.add(key64(article_id), 0)

    def is_taken(self, article_id: str) -> bool:
        return self.taken.latest(key64(article_id)) is not None

    def stored(self, article_id: str) -> str:
        """The id an article of this rebuild is stored under."""
        return self.mapped.get(article_id, article_id)

    def decide(self, decision: MergeDecision, page: StoredPage) -> MergeDecision:
        if decision.is_new_article:
            url = decision.article.raw.url
            candidates = (page.article_id, decision.article_id, article_id_for(url + "#"))
            chosen = next(c for c in candidates if c and not self.is_taken(c))
            self.take(chosen)
            if chosen != decision.article_id:
                self.mapped[decision.article_id] = chosen
        final = self.stored(decision.article_id)
        return decision if final == decision.article_id else replace(decision, article_id=final)


def _chunks(rows: Iterator[Any]) -> Iterator[list[StoredPage]]:
    while chunk := [StoredPage(*row) for row in islice(rows, BATCH)]:
        yield chunk


def reprocess(
    db_url: str, *, column: str | None = None, since: str | None = None,
    until: str | None = None, progress: Progress | None = None, workers: int | None = None,
    site: str | None = None, sites_dir: str | None = None,
) -> ReprocessResult:
    """Re-run parsing, cleaning, merging and storing over the stored pages (see module).

    ``column``/``since``/``until`` (dates, Asia/Shanghai, ``until`` inclusive) select the
    articles to rebuild; without them every stored article page is replayed.  ``workers``
    processes read the pages (0: this process; None: one per core from a thousand
    pages on, ``page_reading.default_workers``).  ``site`` names the profile to read with
    (None: the site of the latest crawl), ``sites_dir`` the user's profiles.  Only the
    site's articles are rebuilt (and merged among themselves), then linked again with
    their reposts on other sites.  Raises ``liuzhou_spider.runner.Locked`` while a crawl
    holds the database.
    """
    with run_lock(CrawlOptions(db_url=db_url)), tuned_for_long_run():  # no crawl writes
        return _reprocess(db_url, column, since, until, progress, workers, site, sites_dir)


def _reprocess(db_url: str, column: str | None, since: str | None, until: str | None,
               progress: Progress | None, workers: int | None, site: str | None,
               sites_dir: str | None) -> ReprocessResult:
    engine = make_engine(db_url, must_exist=True)  # nothing to reprocess in a new file
    try:
        ensure_schema(engine)
        repository = Repository(engine)
        profile = crawl_profile(engine, site, sites_dir)
        site = profile.name
        options = {"reprocess": True, "site": site, "column": column, "since": since,
                   "until": until}
        result = ReprocessResult(run_id=repository.start_run(options, site=site))
        started = time.perf_counter()
        filtered = column is not None or since is not None or until is not None
        try:
            _rebuild(engine, repository, profile, result, progress,
                     selected_articles(site, column, since, until) if filtered else None,
                     workers)
            link_stories(repository, site, DEDUP_CONFIG)  # ids and bodies may have changed
        except BaseException:
            repository.finish_run(result.run_id, "failed", _counts(result))
            raise
        result.seconds = time.perf_counter() - started
        # Its own status word: crawl health and incremental logic compare crawl runs
        # (success/partial/unhealthy); a reprocess fetched nothing and must not count.
        repository.finish_run(result.run_id, "reprocessed", _counts(result))
        return result
    finally:
        engine.dispose()


def _counts(result: ReprocessResult) -> dict[str, int]:
    return {"pages_reprocessed": result.pages, "articles_new": result.articles_new,
            "duplicates_merged": result.duplicates_merged,
            "articles_updated": result.articles_updated, "errors": result.errors}


def _rebuild(
    engine: Engine, repository: Repository, profile: SiteProfile, result: ReprocessResult,
    progress: Progress | None, chosen: Select[Any] | None, workers: int | None,
) -> None:
    # The configuration the readers sketch with; the site's current templates preferred.
    dedup = Deduplicator(replace(DEDUP_CONFIG, current_templates=profile.current_templates))
    site = profile.name
    pages = stored_pages(site, chosen)
    # The pages are streamed on a second connection: it reads the database as it was
    # (the rebuild's writes are uncommitted until the end), so nothing is held in memory.
    with Session(engine) as session, session.begin(), engine.connect() as reader:
        total = reader.scalar(select(func.count()).select_from(pages.subquery())) or 0
        ids = None if chosen is None else set(session.scalars(chosen))
        mapping = _Ids()
        # Bodies as rebuilt so far (this transaction's writes), under their stored ids.
        dedup.bodies = lambda article_id: repository.article_body(
            mapping.stored(article_id), session.connection())
        if ids is not None:  # the other articles are known, as to a crawl next week
            dedup.load(_outside(repository, site, ids, mapping, profile.current_templates))
        _clear(session, ids, site)
        touched: set[str] = set()
        learned = stored_site(reader, site)
        count = default_workers(total) if workers is None else workers
        with page_reader(profile, count) as read:
            chunks = _chunks(iter(stream(reader, pages)))
            for chunk, reads in _read_ahead(chunks, session, read):
                decisions = []
                for page, pending in zip(chunk, reads, strict=True):
                    decision = _replay(page, pending, dedup, result, learned)
                    if decision is not None:
                        decisions.append(mapping.decide(decision, page))
                Batch(session, result.run_id, [], decisions).write()
                if ids is not None:  # only a filtered rebuild refreshes its own articles
                    touched.update(d.article_id for d in decisions)
                session.expunge_all()  # flushed rows are not needed again: memory flat
                if progress is not None:
                    progress(result.pages, total)
        _refresh_seen_times(session, None if ids is None else touched, site)


def _read_ahead(
    chunks: Iterator[list[StoredPage]], session: Session, read: ReadPage,
) -> Iterator[tuple[list[StoredPage], list[PendingRead]]]:
    """Each chunk with the reading of its pages started, one chunk ahead of the caller:
    workers read the next batch while this process merges and stores the current one."""
    ahead: deque[tuple[list[StoredPage], list[PendingRead]]] = deque()
    for chunk in chunks:
        contents = _contents(session, chunk)
        ahead.append((chunk, [_start(read, page, contents) for page in chunk]))
        if len(ahead) > 1:
            yield ahead.popleft()
    yield from ahead


def _start(read: ReadPage, page: StoredPage, contents: dict[str, tuple[bytes, str]]
           ) -> PendingRead:
    stored = contents.get(page.content_hash)
    if stored is None:
        def missing() -> CleanArticle | None:
            raise LookupError(f"no stored bytes for {page.content_hash}")

        return missing
    return read(stored[0], stored[1], page.url, page.status, page.fetched_at, page.link_title,
                page.link_date)


def _outside(repository: Repository, site: str, ids: set[str], mapping: _Ids,
             current_templates: frozenset[str]) -> Iterator[KnownArticle]:
    """The site's stored articles outside the selection; their ids are taken."""
    for known in repository.load_known_articles(current_templates, site=site):
        if known.article_id not in ids:
            mapping.take(known.article_id)
            yield known


def _replay(
    page: StoredPage, pending: PendingRead, dedup: Deduplicator, result: ReprocessResult,
    site: LearnedSite,
) -> MergeDecision | None:
    result.pages += 1
    try:
        clean = pending()
    except BrokenExecutor:
        raise  # a reading worker died: the run fails, not every page after it
    except Exception:
        logger.exception("Could not reprocess %s", page.url)
        result.errors += 1
        return None
    if clean is None:
        return None
    decision = dedup.assign(with_learned_site(clean, site), clean.sketch)
    if decision.is_new_article:
        result.articles_new += 1
    else:
        result.duplicates_merged += 1
        result.articles_updated += decision.body_replaced
    return decision
