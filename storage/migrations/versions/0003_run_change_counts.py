"""v_crawl_runs also counts unchanged (304) and gone pages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

An incremental run's row must say what it found: new, edited, gone and unchanged pages.
Columns are only added (the analysts' promise); the view is recreated with two more.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_VIEW = """
    SELECT r.id AS run_id, r.started_at, r.finished_at, r.status, r.pages_fetched,
           r.articles_new, r.articles_updated, r.duplicates_merged, r.errors
    FROM crawl_runs r"""
NEW_VIEW = """
    SELECT r.id AS run_id, r.started_at, r.finished_at, r.status, r.pages_fetched,
           r.articles_new, r.articles_updated, r.duplicates_merged, r.errors,
           r.pages_not_modified, r.pages_gone
    FROM crawl_runs r"""


def upgrade() -> None:
    op.execute("DROP VIEW v_crawl_runs")
    for name in ("pages_not_modified", "pages_gone"):
        op.add_column("crawl_runs", sa.Column(name, sa.Integer(), nullable=False,
                                              server_default="0"))
    op.execute(f"CREATE VIEW v_crawl_runs AS {NEW_VIEW}")


def downgrade() -> None:
    op.execute("DROP VIEW v_crawl_runs")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("pages_gone")
        batch.drop_column("pages_not_modified")
    op.execute(f"CREATE VIEW v_crawl_runs AS {OLD_VIEW}")
