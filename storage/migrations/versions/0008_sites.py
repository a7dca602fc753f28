"""Several sites in one database: every run, article, URL and filing number has a site;
stories link one article's records on several sites.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

``site`` is the name of the site's profile (``lztz``).  Rows stored before this revision
are the Liuzhou united front portal's, the only site crawled then: they get ``lztz``.
PostgreSQL then drops the column default, so a row written without a site is refused;
SQLite keeps it (dropping a default there means copying the table).

Filing-number verdicts are per site (each portal has its own filings): their key gains
the site, their rows are kept.  ``story_links`` holds the pairs of
articles of different sites that deduplication would merge, ``article_stories`` the
connected stories with the first publisher first; ``v_reposts`` shows them.

Every analyst view gains ``site`` as its last column; the other columns stay as they
were, in name and order (docs/analysts.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FORMER_SITE = "lztz"
SITE = sa.String(length=64)
TABLES = ("crawl_runs", "articles", "urls", "registration_observations")

_ARTICLES = """
        SELECT a.id AS article_id, a.canonical_url, a.title, a.published_at, a.source,
               a.column_path, a.body_text, length(a.body_text) AS char_count,
               (SELECT count(*) FROM urls u WHERE u.article_id = a.id) AS url_count,
               a.first_seen_at, a.last_seen_at,
               a.title_from, a.published_from, a.source_from,
               CASE WHEN a.title_conflict THEN 1 ELSE 0 END AS title_conflict, a.list_title{site}
        FROM articles a"""
_URLS = """
        SELECT u.url, u.article_id, CASE WHEN u.is_canonical THEN 1 ELSE 0 END AS is_canonical,
               u.similarity, u.first_seen_at, u.last_seen_at{site}
        FROM urls u
        WHERE u.article_id IS NOT NULL"""
_REGISTRATIONS = """
        SELECT o.kind, o.value, count(DISTINCT o.url) AS page_count,
               min(o.first_seen_at) AS first_seen_at, max(o.last_seen_at) AS last_seen_at,
               max(CASE WHEN v.is_canonical THEN 1 ELSE 0 END) AS is_canonical{site}
        FROM registration_observations o
        LEFT JOIN registration_verdicts v ON {join}v.kind = o.kind AND v.value = o.value
        GROUP BY {group}o.kind, o.value"""
_RUNS = """
        SELECT r.id AS run_id, r.started_at, r.finished_at, r.status, r.pages_fetched,
               r.articles_new, r.articles_updated, r.duplicates_merged, r.errors,
               r.pages_not_modified, r.pages_gone{site}
        FROM crawl_runs r"""
_ARTICLE_INDEX = """
       SELECT a.article_id, a.title, a.published_at, substr(a.published_at, 1, 7) AS month,
              a.column_path,
              CASE WHEN instr(a.column_path, ' > ') > 0
                   THEN substr(a.column_path, 1, instr(a.column_path, ' > ') - 1)
                   ELSE a.column_path END AS top_column,
              a.source, a.char_count, a.url_count, a.canonical_url, a.first_seen_at,
              a.last_seen_at{site}
       FROM v_articles a"""
REPOSTS = """
        SELECT s.story_id, s.position, CASE WHEN s.position = 1 THEN 1 ELSE 0 END AS is_first,
               a.site, a.id AS article_id, a.title, a.published_at, a.first_seen_at,
               a.canonical_url,
               (SELECT count(*) FROM article_stories o WHERE o.story_id = s.story_id)
                   AS story_size
        FROM article_stories s
        JOIN articles a ON a.id = s.article_id"""


def views(with_site: bool) -> dict[str, str]:
    """The analyst views before (False) and after (True) this revision, in creation order."""
    return {
        "v_articles": _ARTICLES.format(site=",\n               a.site" if with_site else ""),
        "v_article_urls": _URLS.format(site=", u.site" if with_site else ""),
        "v_registrations": _REGISTRATIONS.format(
            site=",\n               o.site" if with_site else "",
            join="v.site = o.site AND " if with_site else "",
            group="o.site, " if with_site else ""),
        "v_crawl_runs": _RUNS.format(site=", r.site" if with_site else ""),
    }


def _has_article_index() -> bool:
    """``v_article_index`` exists on SQLite only (revision 0006)."""
    bind = op.get_bind()
    return bind.dialect.name == "sqlite" and "v_article_index" in sa.inspect(bind).get_view_names()


def _drop_views() -> bool:
    """Drop the views that name the changed tables; returns whether v_article_index was."""
    article_index = _has_article_index()
    if article_index:
        op.execute("DROP VIEW v_article_index")
    for name in reversed(views(True)):  # the same names before and after
        op.execute(f"DROP VIEW {name}")
    return article_index


def _create_views(with_site: bool, article_index: bool) -> None:
    for name, select in views(with_site).items():
        op.execute(f"CREATE VIEW {name} AS {select}")
    if article_index:
        site = ",\n              a.site" if with_site else ""
        op.execute(f"CREATE VIEW v_article_index AS {_ARTICLE_INDEX.format(site=site)}")


def _verdicts_key(with_site: bool) -> None:
    """Give registration_verdicts the site in its key, or take it out again (keeping
    the former site's verdicts only: they are derived, the next crawl decides again)."""
    with op.batch_alter_table("registration_verdicts") as batch:
        batch.drop_constraint("pk_registration_verdicts", type_="primary")
        if with_site:
            batch.add_column(sa.Column("site", SITE, nullable=False,
                                       server_default=FORMER_SITE))
        else:
            batch.drop_column("site")
        key = ["site", "kind", "value"] if with_site else ["kind", "value"]
        batch.create_primary_key("pk_registration_verdicts", key)
    if with_site and op.get_bind().dialect.name == "postgresql":
        op.alter_column("registration_verdicts", "site", server_default=None)


def upgrade() -> None:
    article_index = _drop_views()
    for table in TABLES:
        op.add_column(table, sa.Column("site", SITE, nullable=False,
                                       server_default=FORMER_SITE))
        if op.get_bind().dialect.name == "postgresql":
            op.alter_column(table, "site", server_default=None)
        op.create_index(op.f(f"ix_{table}_site"), table, ["site"], unique=False)
    _verdicts_key(with_site=True)
    op.create_table(
        "story_links",
        sa.Column("article_id", sa.String(length=16), nullable=False),
        sa.Column("linked_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_story_links_article_id_articles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["linked_id"], ["articles.id"],
                                name=op.f("fk_story_links_linked_id_articles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "linked_id", name=op.f("pk_story_links")),
    )
    op.create_index(op.f("ix_story_links_linked_id"), "story_links", ["linked_id"])
    op.create_table(
        "article_stories",
        sa.Column("article_id", sa.String(length=16), nullable=False),
        sa.Column("story_id", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"],
                                name=op.f("fk_article_stories_article_id_articles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_stories")),
    )
    op.create_index(op.f("ix_article_stories_story_id"), "article_stories", ["story_id"])
    _create_views(with_site=True, article_index=article_index)
    op.execute(f"CREATE VIEW v_reposts AS {REPOSTS}")


def downgrade() -> None:
    op.execute("DROP VIEW v_reposts")
    article_index = _drop_views()
    op.drop_table("article_stories")
    op.drop_table("story_links")
    op.execute(sa.text("DELETE FROM registration_verdicts WHERE site <> :site")
               .bindparams(site=FORMER_SITE))
    _verdicts_key(with_site=False)
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_site"), table_name=table)
        # SQLite 3.35+ drops a column in place: no table copy (which would lose triggers).
        op.execute(f"ALTER TABLE {table} DROP COLUMN site")
    _create_views(with_site=False, article_index=article_index)
