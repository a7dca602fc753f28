"""The search index kept by the code that writes articles, in bulk, instead of triggers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

SQLite only (PostgreSQL has no search table). The per-row triggers of 0006 indexed each
batch of about 60 articles on its own, and the trigrams every batch repeats made that
three times dearer than indexing thousands at once; the writers of ``articles`` now note
what they change in ``article_search_pending`` and index it in bulk
(``storage.search.SearchIndex``, where the measurements are). A row of
``article_search`` now has its article's rowid, so the index is rebuilt once here with
those rowids. The downgrade restores 0006's triggers.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TRIGGERS = ("article_search_insert", "article_search_update", "article_search_delete")
REBUILD = [
    "DELETE FROM article_search",
    """INSERT INTO article_search (rowid, article_id, title, body_text)
       SELECT rowid, id, title, body_text FROM articles""",
]
RESTORE = [
    """CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
           INSERT INTO article_search (article_id, title, body_text)
           VALUES (new.id, new.title, new.body_text);
       END""",
    """CREATE TRIGGER article_search_update AFTER UPDATE OF id, title, body_text ON articles
       BEGIN
           DELETE FROM article_search WHERE article_id = old.id;
           INSERT INTO article_search (article_id, title, body_text)
           VALUES (new.id, new.title, new.body_text);
       END""",
    """CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
           DELETE FROM article_search WHERE article_id = old.id;
       END""",
]


PENDING = """CREATE TABLE article_search_pending (
                 article_id VARCHAR(16) NOT NULL PRIMARY KEY) WITHOUT ROWID"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    for statement in [PENDING, *REBUILD]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in ["DROP TABLE article_search_pending", *REBUILD, *RESTORE]:
        op.execute(statement)
