"""``liuzhou stats``: what the database holds, as plain data the CLI renders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, join, select, text
from sqlalchemy.engine import Connection, Engine

from storage.models import Article, ArticleStory, ArticleVersion, CrawlRun, PageContent, Url

LAST_RUNS = 5


def _count(connection: Connection, *where: Any, of: Any) -> int:
    return int(connection.scalar(select(func.count()).select_from(of).where(*where)) or 0)


def _as_stored(row: Any) -> dict[str, Any]:
    """A view row with times in the stored text shape (PostgreSQL gives ``datetime``):
    ``stats`` prints the same on both databases."""
    return {key: value.astimezone(UTC).isoformat(timespec="seconds")
            if isinstance(value, datetime) else value for key, value in row._mapping.items()}
def _field_quality(connection: Connection, site: str | None) -> dict[str, Any]:
    """Coverage and anomalies of the last finished run that read articles ({} if none):
    the per-column detail stays in ``crawl_runs.checks``."""
    query = select(CrawlRun.id, CrawlRun.checks).where(CrawlRun.finished_at.is_not(None))
    if site is not None:
        query = query.where(CrawlRun.site == site)
    for run_id, checks in connection.execute(
        query.order_by(CrawlRun.id.desc()).limit(LAST_RUNS)
    ):
        quality = json.loads(checks or "{}").get("field_quality") or {}
        if quality.get("articles"):
            return {"run_id": run_id, "articles": quality["articles"],
                    "coverage": quality.get("coverage", {}),
                    "anomalies": quality.get("anomalies", {})}
    return {}


def _per_site(connection: Connection) -> dict[str, dict[str, int]]:
    """Per site: its articles, URLs, merged duplicates and articles reposted elsewhere."""
    sites: dict[str, dict[str, int]] = {}
    for site, articles, reposted in connection.execute(
        select(Article.site, func.count(), func.count(ArticleStory.article_id))
        .outerjoin(ArticleStory, ArticleStory.article_id == Article.id)
        .group_by(Article.site).order_by(Article.site)
    ):
        sites[site] = {"articles": articles, "urls": 0, "article_urls": 0,
                       "duplicates_merged": 0, "in_stories": reposted}
    for site, urls, article_urls in connection.execute(
        select(Url.site, func.count(), func.count(Url.article_id)).group_by(Url.site)
    ):
        counts = sites.setdefault(site, {"articles": 0, "in_stories": 0})
        counts.update(urls=urls, article_urls=article_urls,
                      duplicates_merged=article_urls - counts["articles"])
    return sites


def collect(engine: Engine, site: str | None = None) -> dict[str, Any]:
    """Counts of articles, URLs, merged duplicates, versions, raw pages, filing numbers
    (with conflicts: a kind seen with more than one value), the last runs and the field
    quality of the latest run that read articles; per site, and of ``site`` only when
    given (raw pages are shared by every site and always counted whole)."""
    where = {} if site is None else {"site": site}
    with engine.connect() as connection:
        articles = _count(connection, *_of(Article, site), of=Article)
        article_urls = _count(connection, Url.article_id.is_not(None), *_of(Url, site), of=Url)
        only = "" if site is None else " WHERE site = :site"
        registrations = [_as_stored(row) for row in connection.execute(text(
            "SELECT kind, value, page_count, is_canonical, first_seen_at, last_seen_at, site "
            f"FROM v_registrations{only} ORDER BY site, kind, page_count DESC, value"
        ), where)]
        runs = [_as_stored(row) for row in connection.execute(
            text(f"SELECT * FROM v_crawl_runs{only} ORDER BY run_id DESC LIMIT :n"),
            {"n": LAST_RUNS, **where},
        )]
        raw_bytes, stored_bytes = connection.execute(select(
            func.coalesce(func.sum(PageContent.size), 0),
            func.coalesce(func.sum(func.length(PageContent.body)), 0),
        )).one()
        kinds = [(r["site"], r["kind"]) for r in registrations]
        versions = join(ArticleVersion, Article, Article.id == ArticleVersion.article_id)
        return {
            "articles": articles,
            "urls": _count(connection, *_of(Url, site), of=Url),
            "article_urls": article_urls,
            "duplicates_merged": article_urls - articles,
            "article_versions": _count(connection, *_of(Article, site), of=versions),
            "gone_urls": _count(connection, Url.gone_at.is_not(None), *_of(Url, site), of=Url),
            "raw_pages": _count(connection, of=PageContent),
            "raw_bytes": int(raw_bytes),
            "raw_bytes_stored": int(stored_bytes),
            "registrations": registrations,
            "registration_conflicts": sorted({k for s, k in kinds if kinds.count((s, k)) > 1}),
            "last_runs": runs,
            "field_quality": _field_quality(connection, site),
            "sites": _per_site(connection) if site is None else {
                name: counts for name, counts in _per_site(connection).items() if name == site},
        }


def _of(model: Any, site: str | None) -> list[Any]:
    """The condition that keeps ``site``'s rows of ``model`` (none for every site)."""
    return [] if site is None else [model.site == site]
