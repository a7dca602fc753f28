"""Which evidence decided each article's title, date and source; doubtful titles.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-05

Page reading weighs several pieces of evidence for a field (the list page's link
words, title metas, headings, ``<title>``; the info line, a line under the title, date
metas, the URL).  The article keeps which one decided (``title_from``,
``published_from``, ``source_from``), the list page's words for it (``list_title``) and
whether strong evidence disagreed on the title (``title_conflict``), so analysts can
find doubtful records in SQL.  ``urls.link_title``/``link_date`` keep per page the
words and date its list page showed, so
``liuzhou reprocess`` reads a page with the evidence the crawl had.  Columns are only
added; ``v_articles`` is recreated with them after its promised columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_PROMISED = """
        SELECT a.id AS article_id, a.canonical_url, a.title, a.published_at, a.source,
               a.column_path, a.body_text, length(a.body_text) AS char_count,
               (SELECT count(*) FROM urls u WHERE u.article_id = a.id) AS url_count,
               a.first_seen_at, a.last_seen_at"""
OLD_VIEW = f"{_PROMISED}\n        FROM articles a"
NEW_VIEW = f"""{_PROMISED},
               a.title_from, a.published_from, a.source_from,
               CASE WHEN a.title_conflict THEN 1 ELSE 0 END AS title_conflict, a.list_title
        FROM articles a"""
TEXT_COLUMNS = ("title_from", "published_from", "source_from", "list_title")
URL_COLUMNS = ("link_title", "link_date")
URLS_VIEW = """
        SELECT u.url, u.article_id, CASE WHEN u.is_canonical THEN 1 ELSE 0 END AS is_canonical,
               u.similarity, u.first_seen_at, u.last_seen_at
        FROM urls u
        WHERE u.article_id IS NOT NULL"""


def upgrade() -> None:
    op.execute("DROP VIEW v_articles")
    with op.batch_alter_table("articles") as batch:
        for name in TEXT_COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=True))
        batch.add_column(sa.Column("title_conflict", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("urls") as batch:
        for name in URL_COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=True))
    op.execute(f"CREATE VIEW v_articles AS {NEW_VIEW}")


def downgrade() -> None:
    # SQLite drops a column by copying the table: no view may name it meanwhile.
    op.execute("DROP VIEW v_articles")
    op.execute("DROP VIEW v_article_urls")
    with op.batch_alter_table("urls") as batch:
        for name in URL_COLUMNS:
            batch.drop_column(name)
    op.execute(f"CREATE VIEW v_article_urls AS {URLS_VIEW}")
    with op.batch_alter_table("articles") as batch:
        for name in (*TEXT_COLUMNS, "title_conflict"):
            batch.drop_column(name)
    op.execute(f"CREATE VIEW v_articles AS {OLD_VIEW}")
