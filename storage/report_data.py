"""The figures of ``liuzhou report``: parameterised queries over the analyst views.

Every figure is a query over ``v_articles``, ``v_article_urls``, ``v_registrations`` and
``v_crawl_runs`` (the articles-per-month figure is query 1 of docs/analysts.md with the
date bounds added), so the report says what an analyst's SQL says, on SQLite and
PostgreSQL alike. Two things the views do not carry come from the tables behind them,
each named where it is read: why a page was merged (``urls``: rendering, docid, the URL
before canonicalisation) and a run's health checks (``crawl_runs.checks``, JSON).

Dates bound articles by ``published_at`` and runs by ``started_at``: ``since`` includes
its day, ``until`` includes its whole day.  ``site`` keeps one site's rows (every view
has the column); without it the figures cover every site in the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from storage.timefmt import SHANGHAI

LATEST = 20
# The key of a run's ``checks`` JSON that holds per-field coverage (field -> share of the
# run's articles that have it, 0..1, or an object saying more); a run without it was not
# measured and the report says so.
FIELD_QUALITY_KEY = "field_quality"

MONTHS_SQL = """
SELECT column_path, substr({published}, 1, 7) AS month, count(*) AS articles
FROM v_articles
WHERE published_at IS NOT NULL{where}
GROUP BY column_path, substr({published}, 1, 7)
ORDER BY month DESC, articles DESC, column_path"""

LATEST_SQL = """
SELECT article_id, title, published_at, column_path, source, canonical_url, url_count
FROM v_articles
WHERE 1 = 1{where}
ORDER BY CASE WHEN published_at IS NULL THEN 1 ELSE 0 END, published_at DESC, article_id
LIMIT :latest"""

ARTICLE_COUNT_SQL = "SELECT count(*) FROM v_articles WHERE 1 = 1{where}"

RUNS_SQL = """
SELECT v.run_id, v.started_at, v.finished_at, v.status, v.pages_fetched, v.articles_new,
       v.articles_updated, v.duplicates_merged, v.errors, v.pages_not_modified,
       v.pages_gone, v.site, r.checks
FROM v_crawl_runs v
JOIN crawl_runs r ON r.id = v.run_id
WHERE 1 = 1{where}
ORDER BY v.run_id"""

# Why each merged page joined its article, judged against the article's canonical URL:
# a print or mobile rendering; the same page under another host or with a tracking query
# (it canonicalises to another URL than it was fetched as); the same document (docid) in
# another column; otherwise a near-duplicate text (a republication, a small edit).
MERGES_SQL = """
SELECT CASE
         WHEN u.rendering IN ('print', 'mobile') THEN 'print or mobile rendering'
         WHEN u.canonical_url <> u.url THEN 'another host or tracking query'
         WHEN c.docid IS NOT NULL AND u.docid = c.docid THEN 'cross-post in another column'
         ELSE 'near-duplicate text'
       END AS cause,
       count(*) AS pages
FROM v_article_urls m
JOIN urls u ON u.url = m.url
LEFT JOIN urls c ON c.article_id = m.article_id AND c.is_canonical
WHERE m.is_canonical = 0{where}
GROUP BY 1
ORDER BY pages DESC, cause"""

REGISTRATIONS_SQL = """
SELECT kind, value, page_count, first_seen_at, last_seen_at, is_canonical, site
FROM v_registrations
WHERE 1 = 1{where}
ORDER BY site, kind, page_count DESC, value"""


@dataclass
class ReportData:
    """Everything the report shows, as plain rows (lists of dicts)."""

    since: str | None
    until: str | None
    articles: int
    months: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    merges: list[dict[str, Any]]
    registrations: list[dict[str, Any]]
    latest: list[dict[str, Any]]
    conflicts: list[str] = field(default_factory=list)
    site: str | None = None  # the one site reported on; None: every site


def as_text(column: str, dialect: str, zone: str = "UTC") -> str:
    """SQL for ``column`` as the text SQLite stores: a PostgreSQL ``timestamptz`` is
    written in ``zone`` (publication times in Beijing's, machine times in UTC), so a
    month or a day is the same on both databases."""
    if dialect == "postgresql":
        return f"CAST({column} AT TIME ZONE '{zone}' AS TEXT)"
    return column


def _bounds(column: str, since: str | None, until: str | None) -> tuple[str, dict[str, str]]:
    """SQL conditions (parameters, never pasted values) bounding ``column`` (a time
    as ``as_text`` writes it) by date."""
    where, params = "", {}
    if since:
        where += f" AND substr({column}, 1, 10) >= :since"
        params["since"] = since[:10]
    if until:
        where += f" AND substr({column}, 1, 10) <= :until"
        params["until"] = until[:10]
    return where, params


def _one_site(column: str, site: str | None) -> str:
    """The SQL condition (a parameter, ``:site``) keeping one site's rows, if one."""
    return "" if site is None else f" AND {column} = :site"


def _plain(key: str, value: Any) -> Any:
    """A value as SQLite gives it: PostgreSQL's ``datetime`` as the stored ISO text."""
    if not isinstance(value, datetime):
        return value
    zone = SHANGHAI if key == "published_at" else UTC
    return value.astimezone(zone).isoformat(timespec="seconds")


def _rows(connection: Connection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [{key: _plain(key, value) for key, value in row._mapping.items()}
            for row in connection.execute(text(sql), params)]


def _seconds(started: str | None, finished: str | None) -> float | None:
    if not started or not finished:
        return None
    try:
        delta = datetime.fromisoformat(finished) - datetime.fromisoformat(started)
    except ValueError:
        return None
    return round(delta.total_seconds(), 1)


def _run(row: dict[str, Any]) -> dict[str, Any]:
    """A run row with its duration and what its checks say (blocks, field quality)."""
    try:
        checks = json.loads(row.pop("checks") or "{}")
    except ValueError:
        checks = {}
    if not isinstance(checks, dict):
        checks = {}
    row["duration_seconds"] = _seconds(row["started_at"], row["finished_at"])
    row["blocked"] = checks.get("blocked")
    row["error_rate"] = checks.get("error_rate")
    quality = checks.get(FIELD_QUALITY_KEY)
    if isinstance(quality, dict) and isinstance(quality.get("coverage"), dict):
        quality = quality["coverage"] if quality.get("articles") else None  # FieldTally
    row["field_quality"] = quality if isinstance(quality, dict) and quality else None
    return row


def collect_report(engine: Engine, *, since: str | None = None, until: str | None = None,
                   latest: int = LATEST, site: str | None = None) -> ReportData:
    """The report's figures, read in one transaction so they agree with each other."""
    dialect = engine.dialect.name
    published = as_text("published_at", dialect, "Asia/Shanghai")
    articles_where, articles_params = _bounds(published, since, until)
    runs_where, runs_params = _bounds(as_text("v.started_at", dialect), since, until)
    site_params = {} if site is None else {"site": site}
    articles_where += _one_site("site", site)
    runs_where += _one_site("v.site", site)
    articles_params.update(site_params)
    runs_params.update(site_params)
    with engine.connect() as connection:
        count = connection.execute(text(ARTICLE_COUNT_SQL.format(where=articles_where)),
                                   articles_params).scalar()
        registrations = _rows(connection, REGISTRATIONS_SQL.format(
            where=_one_site("site", site)), site_params)
        kinds = [(row["site"], row["kind"]) for row in registrations]
        return ReportData(
            since=since, until=until, articles=int(count or 0), site=site,
            months=_rows(connection, MONTHS_SQL.format(where=articles_where, published=published),
                         articles_params),
            runs=[_run(row) for row in
                  _rows(connection, RUNS_SQL.format(where=runs_where), runs_params)],
            merges=_rows(connection, MERGES_SQL.format(where=_one_site("m.site", site)),
                         site_params),
            registrations=registrations,
            latest=_rows(connection, LATEST_SQL.format(where=articles_where),
                         {**articles_params, "latest": latest}),
            conflicts=sorted({kind for s, kind in kinds if kinds.count((s, kind)) > 1}),
        )
