"""Times are timestamptz on PostgreSQL; SQLite keeps its ISO text.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

Analysts on PostgreSQL got every time as VARCHAR: no time zones, no date arithmetic.
The columns become ``timestamptz`` (the text parses as it is: it carries its offset),
and so does every time the analyst views expose; the views keep their names and
columns.  PostgreSQL cannot change the type of a column a view uses, so the views are
dropped and created again, unchanged, around the change.  On SQLite nothing changes.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the views as revisions 0002 and 0003 left them.
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
               r.articles_new, r.articles_updated, r.duplicates_merged, r.errors,
               r.pages_not_modified, r.pages_gone
        FROM crawl_runs r""",
}

UTC_COLUMNS = {
    "crawl_runs": ("started_at", "finished_at"),
    "page_contents": ("first_fetched_at",),
    "registration_verdicts": ("decided_at",),
    "articles": ("first_seen_at", "last_seen_at"),
    "article_versions": ("replaced_at",),
    "urls": ("fetched_at", "gone_at", "first_seen_at", "last_seen_at"),
    "fetches": ("fetched_at",),
    "registration_observations": ("first_seen_at", "last_seen_at"),
}
PUBLISHED_COLUMNS = {"articles": ("published_at",), "article_versions": ("published_at",)}
# Back to the text shape of storage.timefmt: machine times in UTC, publication at +08:00.
AS_TEXT = {
    "UTC": "to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')",
    "Asia/Shanghai": "to_char({c} AT TIME ZONE 'Asia/Shanghai', "
                     "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')",
}


def _columns() -> list[tuple[str, str, str]]:
    """(table, column, zone) of every time column."""
    return [(table, column, zone)
            for columns, zone in ((UTC_COLUMNS, "UTC"), (PUBLISHED_COLUMNS, "Asia/Shanghai"))
            for table, names in columns.items() for column in names]


def _retype(new_type: str, using: str | None) -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW {name}")
    for table, column, zone in _columns():
        expression = (using or AS_TEXT[zone]).format(c=column)
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {new_type} "
                   f"USING {expression}")
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _retype("timestamptz", "{c}::timestamptz")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _retype("varchar(32)", None)
