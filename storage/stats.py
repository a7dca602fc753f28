"""``liuzhou stats``: what the database holds, as plain data the CLI renders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from storage.models import Article, ArticleVersion, CrawlRun, PageContent, Url

LAST_RUNS = 5


def _count(connection: Connection, *where: Any, of: Any) -> int:
    return int(connection.scalar(select(func.count()).select_from(of).where(*where)) or 0)


def _as_stored(row: Any) -> dict[str, Any]:
    """A view row with times in the stored text shape (PostgreSQL gives ``datetime``):
    ``stats`` prints the same on both databases."""
    return {key: value.astimezone(UTC).isoformat(timespec="seconds")
            if isinstance(value, datetime) else value for key, value in row._mapping.items()}
def _field_quality(connection: Connection) -> dict[str, Any]:
    """Coverage and anomalies of the last finished run that read articles ({} if none):
    the per-column detail stays in ``crawl_runs.checks``."""
    for run_id, checks in connection.execute(
        select(CrawlRun.id, CrawlRun.checks)
        .where(CrawlRun.finished_at.is_not(None)).order_by(CrawlRun.id.desc()).limit(LAST_RUNS)
    ):
        quality = json.loads(checks or "{}").get("field_quality") or {}
        if quality.get("articles"):
            return {"run_id": run_id, "articles": quality["articles"],
                    "coverage": quality.get("coverage", {}),
                    "anomalies": quality.get("anomalies", {})}
    return {}


def collect(engine: Engine) -> dict[str, Any]:
    """Counts of articles, URLs, merged duplicates, versions, raw pages, filing numbers
    (with conflicts: a kind seen with more than one value), the last runs and the field
    quality of the latest run that read articles."""
    with engine.connect() as connection:
        articles = _count(connection, of=Article)
        article_urls = _count(connection, Url.article_id.is_not(None), of=Url)
        registrations = [_as_stored(row) for row in connection.execute(text(
            "SELECT kind, value, page_count, is_canonical, first_seen_at, last_seen_at "
            "FROM v_registrations ORDER BY kind, page_count DESC, value"
        ))]
        runs = [_as_stored(row) for row in connection.execute(
            text("SELECT * FROM v_crawl_runs ORDER BY run_id DESC LIMIT :n"), {"n": LAST_RUNS}
        )]
        raw_bytes, stored_bytes = connection.execute(select(
            func.coalesce(func.sum(PageContent.size), 0),
            func.coalesce(func.sum(func.length(PageContent.body)), 0),
        )).one()
        kinds = [r["kind"] for r in registrations]
        return {
            "articles": articles,
            "urls": _count(connection, of=Url),
            "article_urls": article_urls,
            "duplicates_merged": article_urls - articles,
            "article_versions": _count(connection, of=ArticleVersion),
            "gone_urls": _count(connection, Url.gone_at.is_not(None), of=Url),
            "raw_pages": _count(connection, of=PageContent),
            "raw_bytes": int(raw_bytes),
            "raw_bytes_stored": int(stored_bytes),
            "registrations": registrations,
            "registration_conflicts": sorted({k for k in kinds if kinds.count(k) > 1}),
            "last_runs": runs,
            "field_quality": _field_quality(connection),
        }
