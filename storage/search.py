"""Full-text search over titles and bodies: the SQLite FTS5 table of schema 0006.

``article_search`` (trigram tokenizer) answers ``LIKE '%phrase%'`` from its index for a
phrase of three characters or more, which is what a Chinese reader means by a search;
shorter phrases scan the articles. ``%`` and ``_`` in a phrase are wildcards (an ``ESCAPE``
clause would stop SQLite using the index). PostgreSQL has no such table (``available``).

The code that writes ``articles`` keeps the table in step (``SearchIndex``), in the same
transaction, so a batch that fails leaves both as they were: a batch indexes its new and
changed articles with one statement, renaming an article (ids settling) and deleting
articles (``liuzhou reprocess``) forget the old rows first.  Schema 0007 replaced the
per-row triggers of 0006 by this: FTS5 writes the pending index out at every statement
boundary, so a trigger fired by each row of an executemany wrote one tiny segment per
article, and segment merging then cost a quarter of a millisecond per article, about 9 %
of processing a page (measured: one ``INSERT ... SELECT`` per batch costs a third of the
triggers per article, and as little as a single rebuild at the end of a run); the
update trigger's ``DELETE ... WHERE article_id = old.id`` also read the whole table,
since an FTS5 column has no index. An external-content table (``content='articles'``)
keeps triggers and measured the same per-row cost. A row of the search table has the
rowid of its article: a delete finds it directly, and ``INSERT OR REPLACE`` writes new
and edited articles alike. ``VACUUM`` keeps the rowids of a table that has an index, as
``articles`` has its primary key's (a test checks it). A hand edit of ``articles`` made
outside this program leaves the index behind until ``rebuild`` runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Connection, Engine

SEARCH_TABLE = "article_search"
SEARCHED_FIELDS = ("title", "body_text")  # a change of either re-indexes the article
_CHUNK = 500  # ids per statement: far below SQLite's bound-parameter limit

_INDEX = text("""
INSERT OR REPLACE INTO article_search (rowid, article_id, title, body_text)
SELECT rowid, id, title, body_text FROM articles WHERE id IN :ids
""").bindparams(bindparam("ids", expanding=True))
_FORGET = text("""
DELETE FROM article_search WHERE rowid IN (SELECT rowid FROM articles WHERE id IN :ids)
""").bindparams(bindparam("ids", expanding=True))

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


class SearchIndex:
    """The search table's side of one transaction's writes to ``articles``.

    Does nothing where the database keeps no search table (PostgreSQL, or SQLite before
    schema 0006): the writers call it the same way everywhere.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.kept = connection.dialect.name == "sqlite" and connection.scalar(text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": SEARCH_TABLE}) is not None

    def index(self, ids: Collection[str]) -> None:
        """Index these articles as ``articles`` holds them now (new or changed)."""
        if self.kept:
            for part in _chunks(ids):
                self.connection.execute(_INDEX, {"ids": part})

    def forget(self, ids: Collection[str] | None) -> None:
        """Drop these articles (None: all) from the index; call it before deleting them
        from ``articles``, whose rowids lead to their rows here."""
        if not self.kept:
            return
        if ids is None:
            self.connection.execute(text("DELETE FROM article_search"))
            return
        for part in _chunks(ids):
            self.connection.execute(_FORGET, {"ids": part})

    def rebuild(self) -> None:
        """Index every article afresh (after writes made outside this program)."""
        if self.kept:
            self.forget(None)
            self.connection.execute(text(
                "INSERT INTO article_search (rowid, article_id, title, body_text) "
                "SELECT rowid, id, title, body_text FROM articles"))


def _chunks(ids: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start:start + _CHUNK]


def available(engine: Engine) -> bool:
    """Whether this database has the search table (SQLite at schema 0006 or later)."""
    return engine.dialect.name == "sqlite" and inspect(engine).has_table(SEARCH_TABLE)


def search(engine: Engine, phrase: str) -> list[dict[str, Any]]:
    """Articles whose title or body contains ``phrase``, newest first."""
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(SEARCH_SQL),
                                                                 {"q": phrase})]
