"""Alembic environment: always online, on the connection ``storage.migrate`` hands over.

There is no alembic.ini: ``storage.migrate.alembic_config`` builds the configuration in
code and passes an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from storage.models import Base
from storage.search import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite has a poor ALTER TABLE
    compare_type=True,
    include_name=include_name,  # the FTS5 search tables have no model
)
with context.begin_transaction():
    context.run_migrations()
