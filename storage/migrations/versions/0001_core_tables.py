"""Core tables: runs, articles, versions, URLs and fetches, raw pages, filing numbers.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("hostname", sa.String(length=255), nullable=True),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("pages_fetched", sa.Integer(), nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_updated", sa.Integer(), nullable=False),
        sa.Column("duplicates_merged", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(op.f("ix_crawl_runs_status"), "crawl_runs", ["status"], unique=False)

    op.create_table(
        "page_contents",
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("headers", sa.Text(), nullable=False),
        sa.Column("first_url", sa.Text(), nullable=False),
        sa.Column("first_fetched_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name=op.f("pk_page_contents")),
    )
    op.create_table(
        "registration_verdicts",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("is_canonical", sa.Boolean(), nullable=False),
        sa.Column("conflicting", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("kind IN ('icp', 'psb')", name=op.f("ck_registration_verdicts_kind")),
        sa.PrimaryKeyConstraint("kind", "value", name=op.f("pk_registration_verdicts")),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=True),
        sa.Column("published_precision", sa.String(length=8), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("column_path", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("images", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("extractor", sa.String(length=16), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("body_len", sa.Integer(), nullable=False),
        sa.Column("content_url", sa.Text(), nullable=False),
        sa.Column("content_docid", sa.String(length=32), nullable=True),
        sa.Column("first_seen_at", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", sa.String(length=32), nullable=False),
        sa.Column("created_run_id", sa.Integer(), nullable=True),
        sa.Column("updated_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_articles_created_run_id_crawl_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_articles_updated_run_id_crawl_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
    )
    op.create_index(op.f("ix_articles_published_at"), "articles", ["published_at"], unique=False)

    op.create_table(
        "article_columns",
        sa.Column("article_id", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_columns_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "level", name=op.f("pk_article_columns")),
    )
    op.create_index(op.f("ix_article_columns_name"), "article_columns", ["name"], unique=False)

    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.String(length=32), nullable=False),
        sa.Column("content_url", sa.Text(), nullable=False),
        sa.Column("content_docid", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("column_path", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("images", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_versions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_article_versions_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_versions")),
    )
    op.create_index(
        op.f("ix_article_versions_article_id"), "article_versions", ["article_id"], unique=False
    )

    op.create_table(
        "urls",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("article_id", sa.String(length=16), nullable=True),
        sa.Column("is_canonical", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("docid", sa.String(length=32), nullable=True),
        sa.Column("template", sa.String(length=32), nullable=True),
        sa.Column("rendering", sa.String(length=16), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.String(length=32), nullable=True),
        sa.Column("gone_at", sa.String(length=32), nullable=True),
        sa.Column("first_seen_at", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", sa.String(length=32), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "article_id IS NOT NULL OR NOT is_canonical",
            name=op.f("ck_urls_canonical_needs_article"),
        ),
        sa.CheckConstraint(
            "similarity IS NULL OR (similarity >= 0 AND similarity <= 1)",
            name=op.f("ck_urls_similarity_range"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_urls_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"], ["crawl_runs.id"], name=op.f("fk_urls_last_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_urls")),
    )
    op.create_index(op.f("ix_urls_article_id"), "urls", ["article_id"], unique=False)
    op.create_index(op.f("ix_urls_canonical_url"), "urls", ["canonical_url"], unique=False)
    op.create_index(
        "uq_urls_one_canonical_per_article",
        "urls",
        ["article_id"],
        unique=True,
        sqlite_where=sa.text("is_canonical"),
        postgresql_where=sa.text("is_canonical"),
    )

    op.create_table(
        "fetches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.String(length=32), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("not_modified", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_fetches_run_id_crawl_runs")
        ),
        sa.ForeignKeyConstraint(
            ["url"], ["urls.url"], name=op.f("fk_fetches_url_urls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetches")),
        sa.UniqueConstraint("run_id", "url", "fetched_at", name=op.f("uq_fetches_run_id")),
    )
    op.create_index(op.f("ix_fetches_run_id"), "fetches", ["run_id"], unique=False)
    op.create_index(op.f("ix_fetches_url"), "fetches", ["url"], unique=False)

    op.create_table(
        "registration_observations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("template", sa.String(length=32), nullable=True),
        sa.Column("first_seen_at", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "kind IN ('icp', 'psb')", name=op.f("ck_registration_observations_kind")
        ),
        sa.ForeignKeyConstraint(
            ["url"],
            ["urls.url"],
            name=op.f("fk_registration_observations_url_urls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_observations")),
        sa.UniqueConstraint("kind", "value", "url", name=op.f("uq_registration_observations_kind")),
    )
    op.create_index(
        op.f("ix_registration_observations_url"), "registration_observations", ["url"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_registration_observations_url"), table_name="registration_observations")

    op.drop_table("registration_observations")
    op.drop_index(op.f("ix_fetches_url"), table_name="fetches")
    op.drop_index(op.f("ix_fetches_run_id"), table_name="fetches")

    op.drop_table("fetches")
    op.drop_index("uq_urls_one_canonical_per_article", table_name="urls")
    op.drop_index(op.f("ix_urls_canonical_url"), table_name="urls")
    op.drop_index(op.f("ix_urls_article_id"), table_name="urls")

    op.drop_table("urls")
    op.drop_index(op.f("ix_article_versions_article_id"), table_name="article_versions")

    op.drop_table("article_versions")
    op.drop_index(op.f("ix_article_columns_name"), table_name="article_columns")

    op.drop_table("article_columns")
    op.drop_index(op.f("ix_articles_published_at"), table_name="articles")

    op.drop_table("articles")
    op.drop_table("registration_verdicts")
    op.drop_table("page_contents")
    op.drop_index(op.f("ix_crawl_runs_status"), table_name="crawl_runs")

    op.drop_table("crawl_runs")
