"""``liuzhou export``: the canonical records as JSON, JSON Lines or CSV, streamed.

Rows go from a server-side cursor straight to the output, one at a time, so memory stays
flat however large the database is (bench/export measures it).  Filters are SQLAlchemy
expressions, so filter values are always bound parameters, never SQL text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO, Literal

from sqlalchemy import exists, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement

from storage.models import COLUMN_SEPARATOR, Article, ArticleColumn, Url
from storage.streaming import stream, with_children
from storage.timefmt import since_bound

Format = Literal["json", "jsonl", "csv"]
FIELDS = ("id", "canonical_url", "urls", "title", "published_at", "source", "column",
          "body_text", "images", "attachments", "first_seen_at", "last_seen_at",
          "site")  # extensions after the promised fields
LIST_FIELDS = frozenset({"urls", "column", "images", "attachments"})


def _filters(since: str | None, column: str | None, site: str | None
             ) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if site is not None:
        conditions.append(Article.site == site)
    if since is not None:
        conditions.append(Article.published_at >= since_bound(since))
    if column is not None:
        conditions.append(exists().where(ArticleColumn.article_id == Article.id,
                                         ArticleColumn.name == column))
    return conditions


def iter_records(engine: Engine, *, since: str | None = None, column: str | None = None,
                 site: str | None = None) -> Iterator[dict[str, Any]]:
    """Export records (interfaces.md "Export record"), in article id order, streamed;
    of every site unless ``site`` names one."""
    conditions = _filters(since, column, site)
    articles = select(
        Article.id, Article.canonical_url, Article.title, Article.published_at, Article.source,
        Article.column_path, Article.body_text, Article.images, Article.attachments,
        Article.first_seen_at, Article.last_seen_at, Article.site,
    ).where(*conditions).order_by(Article.id)
    urls = (
        select(Url.article_id, Url.url).join(Article, Url.article_id == Article.id)
        .where(*conditions)
        .order_by(Url.article_id, Url.is_canonical.desc(), Url.first_seen_at, Url.url)
    )
    with engine.connect() as connection:
        for article, url_rows in with_children(
            stream(connection, articles), stream(connection, urls),
            lambda row: row.id, lambda row: row.article_id,
        ):
            others = [row.url for row in url_rows if row.url != article.canonical_url]
            yield {
                "id": article.id,
                "canonical_url": article.canonical_url,
                "urls": [article.canonical_url, *others],
                "title": article.title,
                "published_at": article.published_at,
                "source": article.source,
                "column": article.column_path.split(COLUMN_SEPARATOR) if article.column_path
                else [],
                "body_text": article.body_text,
                "images": json.loads(article.images),
                "attachments": json.loads(article.attachments),
                "first_seen_at": article.first_seen_at,
                "last_seen_at": article.last_seen_at,
                "site": article.site,
            }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these as a
# formula (=HYPERLINK(...) phoning home, =cmd|... running a program on old Excel).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it and never runs it: a single quote before a
    formula start (the quote is what a person types to enter such text by hand)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(name: str, value: Any, safe: bool) -> Any:
    if name in LIST_FIELDS:
        value = _dumps(value)
    elif value is None:
        return ""
    return spreadsheet_safe(value) if safe and isinstance(value, str) else value


def site_names(engine: Engine) -> list[str]:
    """Every site that has stored articles, sorted."""
    with engine.connect() as connection:
        return list(connection.scalars(select(Article.site).distinct().order_by(Article.site)))


def column_names(engine: Engine) -> list[str]:
    """Every column name an article is filed under, at any level, sorted."""
    with engine.connect() as connection:
        return list(connection.scalars(
            select(ArticleColumn.name).distinct().order_by(ArticleColumn.name)))


def export_articles(engine: Engine, fmt: Format, out: BinaryIO, *, since: str | None = None,
                    column: str | None = None, site: str | None = None, bom: bool = False,
                    spreadsheet: bool | None = None) -> int:
    """Write the canonical records to ``out`` as ``fmt``; return how many were written.

    ``since`` keeps articles published on or after that date (Asia/Shanghai); ``column``
    keeps those with that exact name at any level of their column path; ``site`` those of
    that site (every site's without it; each record names its site).  ``bom`` starts
    a CSV with a UTF-8 byte-order mark, which spreadsheet programs need to read UTF-8.
    ``spreadsheet`` (default: as ``bom``, the CSV made for spreadsheets) makes CSV cells
    spreadsheet-safe (``spreadsheet_safe``); otherwise every cell is the stored text.
    """
    if fmt not in ("json", "jsonl", "csv"):
        raise ValueError(f"unknown export format {fmt!r}: json, jsonl or csv")
    if (bom or spreadsheet) and fmt != "csv":
        raise ValueError("a byte-order mark and spreadsheet-safe cells are only for CSV")
    safe = bom if spreadsheet is None else spreadsheet
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    rows = 0
    try:
        if bom:
            text.write("\ufeff")
        writer = csv.writer(text, lineterminator="\r\n") if fmt == "csv" else None
        if writer is not None:
            writer.writerow(FIELDS)
        elif fmt == "json":
            text.write("[")
        for record in iter_records(engine, since=since, column=column, site=site):
            if writer is not None:
                writer.writerow([_csv_cell(name, record[name], safe) for name in FIELDS])
            elif fmt == "json":
                text.write(("," if rows else "") + "\n" + _dumps(record))
            else:
                text.write(_dumps(record) + "\n")
            rows += 1
        if fmt == "json":
            text.write("\n]\n" if rows else "]\n")
    finally:
        text.flush()
        text.detach()  # the caller owns ``out``: leave it open
    return rows
