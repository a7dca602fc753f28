"""Full-text search over titles and bodies (SQLite FTS5), and the browsing view.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-05

SQLite only: ``article_search`` is an FTS5 table with the trigram tokenizer (SQLite 3.34
and later), because the default ``unicode61`` tokenizer treats a run of Chinese characters
as one token and would find a phrase only when it is a whole sentence; trigrams let
``LIKE '%phrase%'`` on the table use the index for any phrase of three characters or more
(shorter ones scan it). ``detail=none``: the index keeps which rows hold a trigram, not
where, which is all ``LIKE`` needs (it checks the text itself): the 150-article demo
database grows by 0.9 MB with it (the copy of the text included) against 1.7 MB with
``detail=full``, and an insert costs about 40% less; FTS5 phrase ``MATCH`` queries are
what it gives up. Triggers on ``articles`` keep it in step with every insert, edit, id
change and delete the crawl, ``reprocess`` or anyone else makes, so no code path has to
remember it. It keeps its own copy of the text (not an external-content table): the FTS
rows must not depend on ``articles``' implicit rowids, which ``VACUUM`` may renumber.

``v_article_index`` is what ``liuzhou serve`` browses: one row per article with the month
and top-level column to facet on. PostgreSQL gets neither (no FTS5, no Datasette here:
analysts there use the views, query 7 of docs/analysts.md and ``liuzhou report``).
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATEMENTS = [
    """CREATE VIRTUAL TABLE article_search USING fts5(
           article_id UNINDEXED, title, body_text, tokenize = 'trigram', detail = none)""",
    """INSERT INTO article_search (article_id, title, body_text)
       SELECT id, title, body_text FROM articles""",
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
    """CREATE VIEW v_article_index AS
       SELECT a.article_id, a.title, a.published_at, substr(a.published_at, 1, 7) AS month,
              a.column_path,
              CASE WHEN instr(a.column_path, ' > ') > 0
                   THEN substr(a.column_path, 1, instr(a.column_path, ' > ') - 1)
                   ELSE a.column_path END AS top_column,
              a.source, a.char_count, a.url_count, a.canonical_url, a.first_seen_at,
              a.last_seen_at
       FROM v_articles a""",
]
DROPS = [
    "DROP VIEW v_article_index",
    "DROP TRIGGER article_search_delete",
    "DROP TRIGGER article_search_update",
    "DROP TRIGGER article_search_insert",
    "DROP TABLE article_search",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in DROPS:
        op.execute(statement)
