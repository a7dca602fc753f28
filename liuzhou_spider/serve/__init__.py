"""``liuzhou serve``: a read-only browser over a SQLite crawl database, with Datasette.

Set up for analysts: the views with their descriptions and column meanings and the example
queries of docs/analysts.md (``catalog``), facets by column, source and month, and a search
over titles and bodies (a query over schema 0006's FTS5 table). Nothing writes through it,
by three locks: Datasette runs only SELECT statements, opens the file read-only
(``mode=ro``), and every connection it makes is ``PRAGMA query_only``. PostgreSQL is not
served (Datasette reads SQLite only); ``NotServable`` says what to use instead.

Datasette is an optional extra (``pip install 'liuzhou-spider[serve]'``), imported only
here and only when serving.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from liuzhou_spider.serve.catalog import load
from storage.db import normalize_url
from storage.search import PENDING_TABLE, SEARCH_SQL, SEARCH_TABLE

DEFAULT_PORT = 8001
ARTICLE_INDEX = "v_article_index"
HIDDEN = ["alembic_version", PENDING_TABLE, *(
    f"{SEARCH_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config"))]
INDEX_COLUMNS = {
    "month": "the month of publication, YYYY-MM (Beijing time)",
    "top_column": "the first name of column_path: the portal's top-level column",
}
POSTGRESQL_INSTEAD = (
    "liuzhou serve browses a SQLite database (Datasette reads SQLite only). For PostgreSQL "
    "use the analyst views with psql or any SQL client (docs/analysts.md; query 7 searches "
    "titles and bodies) and `liuzhou report --db URL` for the HTML report."
)


class NotServable(RuntimeError):
    """The database cannot be served; the message says why and what to do instead."""


class NotSQLite(NotServable):
    """A PostgreSQL (or other) database: the message says what is offered instead."""


def sqlite_file(db_url: str) -> Path:
    """The SQLite file of ``db_url``: it must exist and have the search table (0006)."""
    url = normalize_url(db_url)
    if url.get_backend_name() != "sqlite":
        raise NotSQLite(POSTGRESQL_INSTEAD)
    if not url.database or url.database == ":memory:":
        raise NotServable(f"{db_url} is not a database file")
    path = Path(url.database)
    if not path.is_file():
        raise NotServable(f"no database at {path}: run `liuzhou crawl --db {db_url}` first")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        found = connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                                   (ARTICLE_INDEX,)).fetchone()
    if not found:
        raise NotServable(f"{path} has no search index yet: run "
                          f"`liuzhou db upgrade --db {db_url}` first")
    return path


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for the database named ``database`` (the file's stem)."""
    catalog = load()
    tables: dict[str, Any] = {name: {"hidden": True} for name in HIDDEN}
    for view, about in catalog["views"].items():
        tables[view] = {"description": about["description"], "columns": about["columns"]}
    articles = catalog["views"]["v_articles"]["columns"]
    tables["v_articles"].update(facets=["site", "column_path", "source"],
                                sort_desc="published_at", label_column="title")
    tables["v_crawl_runs"].update(facets=["site"], sort_desc="run_id")
    tables["v_reposts"].update(facets=["site"], sort="story_id", label_column="title")
    tables[ARTICLE_INDEX] = {
        "description": "One row per article, to browse: facet by site, column, source and "
                       "month (the query 'Search titles and bodies' finds a phrase)",
        "columns": {**{c: articles[c] for c in articles if c != "body_text"},
                    **INDEX_COLUMNS},
        "facets": ["site", "top_column", "column_path", "source", "month"],
        "sort_desc": "published_at", "label_column": "title",
    }
    queries = {slug: {"title": q["title"], "description": q["description"], "sql": q["sql"]}
               for slug, q in catalog["queries"].items()}
    queries["search"] = {
        "title": "Search titles and bodies",
        "description": "Articles whose title or body contains the phrase q, newest first "
                       "(through the full-text index from three characters on; % and _ "
                       "are wildcards)",
        "sql": SEARCH_SQL.strip(),
    }
    return {
        "title": "liuzhou-spider",
        "description": "Articles of the portals crawled into this database (the site "
                       "column names each one's profile), read-only. The v_ views are "
                       "the stable interface (docs/analysts.md).",
        "databases": {database: {"tables": tables, "queries": queries}},
    }


def datasette_app(path: Path) -> Any:
    """The configured ``Datasette`` instance over ``path`` (tests use its client)."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from liuzhou_spider.serve import read_only

    if not pm.has_plugin(read_only.NAME):
        pm.register(read_only, name=read_only.NAME)
    return Datasette(files=[str(path)], metadata=metadata(path.stem), settings={
        "default_page_size": 50, "sql_time_limit_ms": 5000, "max_returned_rows": 2000,
        "allow_download": False, "suggest_facets": False,
    })


def serve(db_url: str, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    """Serve ``db_url`` until interrupted (raises ``NotServable``, ``ImportError``)."""
    path = sqlite_file(db_url)
    import uvicorn

    uvicorn.run(datasette_app(path).app(), host=host, port=port, log_level="warning")
