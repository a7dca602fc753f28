"""Analyst views: v_articles, v_article_urls, v_registrations, v_crawl_runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

The columns are a promise to analysts (docs/analysts.md, interfaces.md): change them only
by adding columns, in a new revision.  Flags are 1/0 integers, not booleans, so a query
and its result are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

VIEWS = {
    "v_articles": """
        SELECT a.id AS article_id, a.canonical_url, a.title, a.published_at, a.source,
               a.column_path, a.body_text, length(a.body_text) AS char_count,
               (SELECT count(*) FROM urls u WHERE u.article_id = a.id) AS url_count,
               a.first_seen_at, a.last_seen_at
        FROM articles a""",
    "v_article_urls": """
        SELECT u.url, u.article_id, CASE WHEN u.is_canonical THEN 1 ELSE 0 END AS is_canonical,
               u.similarity, u.first_seen_at, u.last_seen_at
        FROM urls u
        WHERE u.article_id IS NOT NULL""",
    "v_registrations": """
        SELECT o.kind, o.value, count(DISTINCT o.url) AS page_count,
               min(o.first_seen_at) AS first_seen_at, max(o.last_seen_at) AS last_seen_at,
               max(CASE WHEN v.is_canonical THEN 1 ELSE 0 END) AS is_canonical
        FROM registration_observations o
        LEFT JOIN registration_verdicts v ON v.kind = o.kind AND v.value = o.value
        GROUP BY o.kind, o.value""",
    "v_crawl_runs": """
        SELECT r.id AS run_id, r.started_at, r.finished_at, r.status, r.pages_fetched,
               r.articles_new, r.articles_updated, r.duplicates_merged, r.errors
        FROM crawl_runs r""",
}


def upgrade() -> None:
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
