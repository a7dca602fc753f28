"""Full-text search over titles and bodies: the SQLite FTS5 table of schema 0006.

``article_search`` (trigram tokenizer) answers ``LIKE '%phrase%'`` from its index for a
phrase of three characters or more, which is what a Chinese reader means by a search;
shorter phrases scan the articles. ``%`` and ``_`` in a phrase are wildcards (an ``ESCAPE``
clause would stop SQLite using the index). PostgreSQL has no such table (``available``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

SEARCH_TABLE = "article_search"

# One LIKE per column, joined by UNION: an OR of the two would scan the whole table. A
# phrase of one or two characters has no trigram; SQLite 3.40 then answers LIKE on the
# FTS5 table with no row at all, so it is matched against the articles themselves.
SEARCH_SQL = """
SELECT a.article_id, a.title, a.published_at, a.column_path, a.canonical_url
FROM v_articles a
WHERE (length(:q) >= 3 AND a.article_id IN (
          SELECT article_id FROM article_search WHERE title LIKE '%' || :q || '%'
          UNION
          SELECT article_id FROM article_search WHERE body_text LIKE '%' || :q || '%'))
   OR (length(:q) < 3 AND (a.title LIKE '%' || :q || '%' OR a.body_text LIKE '%' || :q || '%'))
ORDER BY a.published_at DESC, a.article_id
"""


def is_search_table(name: str | None) -> bool:
    """The FTS5 table and its shadow tables (``article_search_data``, ...), which no model
    describes: Alembic's autogenerate must leave them alone."""
    return bool(name) and (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))


def include_name(name: str | None, type_: str, _parents: dict[str, Any]) -> bool:
    """Alembic ``include_name`` hook: compare everything but the search tables."""
    return not (type_ == "table" and is_search_table(name))


def available(engine: Engine) -> bool:
    """Whether this database has the search table (SQLite at schema 0006 or later)."""
    return engine.dialect.name == "sqlite" and inspect(engine).has_table(SEARCH_TABLE)


def search(engine: Engine, phrase: str) -> list[dict[str, Any]]:
    """Articles whose title or body contains ``phrase``, newest first."""
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(SEARCH_SQL),
                                                                 {"q": phrase})]
