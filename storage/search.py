"""Full-text search over titles and bodies: the SQLite FTS5 table of schemas 0006 and 0007.

``article_search`` (trigram tokenizer) answers ``LIKE '%phrase%'`` from its index for a
phrase of three characters or more, which is what a Chinese reader means by a search;
shorter phrases scan the articles. ``%`` and ``_`` in a phrase are wildcards (an ``ESCAPE``
clause would stop SQLite using the index). PostgreSQL has no such table (``available``).

The code that writes ``articles`` keeps the index (``SearchIndex``), in the transaction of
its writes, so a batch that fails leaves both as they were. It indexes in bulk: a batch
notes the articles it adds or whose title or body it changes in
``article_search_pending``, and those are indexed together, by one ``INSERT ... SELECT``,
once 2,000 are pending and when a run ends. Meanwhile the search reads the pending
articles themselves (a ``LIKE`` over at most a few thousand rows), so it is never behind,
even after a run that died. Renaming an article (ids settling) and deleting articles
(``liuzhou reprocess``) drop their index rows at once.

Why not per-row triggers, as schema 0006 had, or an update per batch: every FTS5
transaction writes a segment holding each distinct trigram it met, so indexing a batch of
about 60 articles at a time wrote most of the language's trigrams again with every batch,
and merged them again later; and FTS5 starts another segment whenever a rowid comes out
of order, so the bulk update goes in rowid order. Measured on the 6,358 articles of the
portal's first 10,000 article pages, replayed into SQLite (CPU time, the mean of two runs
taken in turn): triggers 0.88 ms an article, one ``INSERT ... SELECT`` per batch in id
order 0.80 and in rowid order 0.39, every 2,016 articles 0.30, one rebuild at the end of
the run 0.30; an external-content table (``content='articles'``, with triggers) and other
automerge settings did not come below 0.5. The update trigger's
``DELETE ... WHERE article_id = old.id`` also read the whole table (an FTS5 column has no
index). A row of the search table has the rowid of its article instead, so a delete finds
it directly and ``INSERT OR REPLACE`` writes new and edited articles alike; ``VACUUM``
keeps the rowids of a table that has an index, as ``articles`` has its primary key's (a
test checks it). A hand edit of ``articles`` made outside this program is not seen until
``SearchIndex.rebuild`` runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Connection, Engine

SEARCH_TABLE = "article_search"
PENDING_TABLE = "article_search_pending"  # articles written since the index was last updated
SEARCHED_FIELDS = ("title", "body_text")  # a change of either re-indexes the article
FLUSH_AT = 2_000  # pending articles that make the batch noting them index them all
_CHUNK = 500  # ids per statement: far below SQLite's bound-parameter limit

_NOTE = text("INSERT OR IGNORE INTO article_search_pending (article_id) VALUES (:id)")
_FLUSH = [
    text("""INSERT OR REPLACE INTO article_search (rowid, article_id, title, body_text)
            SELECT a.rowid, a.id, a.title, a.body_text
            FROM article_search_pending p JOIN articles a ON a.id = p.article_id
            ORDER BY a.rowid"""),  # FTS5 starts a new segment for every rowid out of order
    text("DELETE FROM article_search_pending"),
]
_FORGET = [
    text("""DELETE FROM article_search
            WHERE rowid IN (SELECT rowid FROM articles WHERE id IN :ids)"""
         ).bindparams(bindparam("ids", expanding=True)),
    text("DELETE FROM article_search_pending WHERE article_id IN :ids"
         ).bindparams(bindparam("ids", expanding=True)),
]
_FORGET_SITE = [
    text("""DELETE FROM article_search
            WHERE rowid IN (SELECT rowid FROM articles WHERE site = :site)"""),
    text("""DELETE FROM article_search_pending
            WHERE article_id IN (SELECT id FROM articles WHERE site = :site)"""),
]
_FORGET_ALL = [text("DELETE FROM article_search"), text("DELETE FROM article_search_pending")]
_REINDEX_ALL = text("""INSERT INTO article_search (rowid, article_id, title, body_text)
                       SELECT rowid, id, title, body_text FROM articles""")

# One LIKE per column, joined by UNION: an OR of the two would scan the whole table. A
# phrase of one or two characters has no trigram; SQLite 3.40 then answers LIKE on the
# FTS5 table with no row at all, so it is matched against the articles themselves, as
# are the articles still pending (their index rows, if any, hold older text).
SEARCH_SQL = """
SELECT a.article_id, a.title, a.published_at, a.column_path, a.canonical_url
FROM v_articles a
WHERE (length(:q) >= 3 AND a.article_id IN (
          SELECT article_id FROM article_search WHERE title LIKE '%' || :q || '%'
          UNION
          SELECT article_id FROM article_search WHERE body_text LIKE '%' || :q || '%')
       AND a.article_id NOT IN (SELECT article_id FROM article_search_pending))
   OR ((length(:q) < 3 OR a.article_id IN (SELECT article_id FROM article_search_pending))
       AND (a.title LIKE '%' || :q || '%' OR a.body_text LIKE '%' || :q || '%'))
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
    """The search index's side of one transaction's writes to ``articles``.

    Does nothing where the database has no pending table (PostgreSQL; SQLite before
    schema 0007, whose triggers keep the index): the writers call it the same way
    everywhere.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.kept = connection.dialect.name == "sqlite" and connection.scalar(text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": PENDING_TABLE}) is not None

    def note(self, ids: Collection[str]) -> None:
        """These articles were added or their title or body changed: index them with the
        next bulk update, which happens now if enough are pending."""
        if not self.kept or not ids:
            return
        self.connection.execute(_NOTE, [{"id": article_id} for article_id in ids])
        pending = self.connection.scalar(text("SELECT count(*) FROM article_search_pending"))
        if pending >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Index every pending article as ``articles`` holds it now (at a run's end)."""
        if self.kept:
            for statement in _FLUSH:
                self.connection.execute(statement)

    def forget(self, ids: Collection[str]) -> None:
        """Drop these articles from the index; call it before deleting them from
        ``articles``, whose rowids lead to their rows in the index."""
        if not self.kept:
            return
        for part in _chunks(ids):
            for statement in _FORGET:
                self.connection.execute(statement, {"ids": part})

    def forget_site(self, site: str) -> None:
        """Drop every article of ``site`` from the index (a full reprocess of the site
        rebuilds them; the other sites' stay), before they are deleted."""
        if self.kept:
            for statement in _FORGET_SITE:
                self.connection.execute(statement, {"site": site})

    def rebuild(self) -> None:
        """Index every article afresh (after writes made outside this program)."""
        if self.kept:
            for statement in _FORGET_ALL:
                self.connection.execute(statement)
            self.connection.execute(_REINDEX_ALL)


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
