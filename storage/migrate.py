"""Schema creation and upgrades through Alembic, with no alembic.ini at run time.

A crawl may create the schema of an empty database itself, but it never migrates an
existing one: a team's database changes only when someone runs ``liuzhou db upgrade``
(``ensure_schema`` raises ``SchemaOutdated`` naming that command).  Neither touches a
foreign database (tables, but no schema version of this program).

Every upgrade is one transaction, on SQLite too: the sqlite3 driver would otherwise run
each CREATE in autocommit, and a first run killed half-way (a full disk) would leave a
half-made schema that every later command refuses.  Now it is all or nothing.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from storage.db import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaError(RuntimeError):
    """The database's schema is not one this program can use as it is."""


class SchemaOutdated(SchemaError):
    """The schema is older than this program's; ``liuzhou db upgrade`` brings it up."""


def migrations_dir() -> Path:
    """The migration scripts as a folder Alembic can read.

    Deployed as an egg (scrapyd) the package is imported from a zip file and has no
    folder on disk; the scripts are then copied out once per process.
    """
    return MIGRATIONS if MIGRATIONS.is_dir() else _extracted_migrations()


@functools.cache
def _extracted_migrations() -> Path:
    target = Path(tempfile.mkdtemp(prefix="liuzhou-migrations-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    _copy_tree(resources.files(__package__) / "migrations", target)
    return target


def _copy_tree(source: Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                (target / entry.name).mkdir()
                _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration, built in code; ``connection`` is what env.py migrates."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this program knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "storage/migrations/versions is empty"
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision, or None if Alembic has never run on it."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def refuse_foreign(engine: Engine) -> None:
    """Raise ``SchemaError`` for a database that holds tables but no version of ours."""
    if current_revision(engine) is not None:
        return
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    if tables:
        where = engine.url.render_as_string(hide_password=True)
        raise SchemaError(
            f"the database {where} holds tables ({', '.join(sorted(tables)[:5])}) but no "
            "schema version of this program; use an empty database or the right one"
        )


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Create the schema or bring it to ``revision`` (``liuzhou db upgrade``), in one
    transaction; a foreign database is refused (``SchemaError``)."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        refuse_foreign(engine)
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                # pysqlite begins a transaction only before INSERT/UPDATE/DELETE: begin
                # it here so that CREATE TABLE and the rest are inside it.
                connection.exec_driver_sql("BEGIN")
            command.upgrade(alembic_config(connection), revision)
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


def ensure_schema(engine: Engine) -> None:
    """Create the schema of an empty database; accept a current one; refuse anything else."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        upgrade(engine)  # refuses a foreign database
        return
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise SchemaError(
            f"the database {where} has schema version {current}, newer than this program "
            f"({head}); upgrade liuzhou-spider"
        )
    raise SchemaOutdated(
        f"the database {where} has schema version {current}, this program needs {head}: "
        f"run `liuzhou db upgrade --db {where}` first (back the database up before)"
    )
