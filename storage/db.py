"""Engines for SQLite and PostgreSQL, configured the one way the project relies on.

Users type ``postgresql://user@host/db`` as every PostgreSQL tool accepts it; SQLAlchemy
would pick psycopg2 for that, which the project does not install, so the driver is chosen
here (psycopg 3).  SQLite gets foreign keys (off by default in SQLite, and the schema
relies on them) on every connection, and WAL (readers never block the crawl's writer) on
the project's own databases and new ones only: WAL is a property of the file, and a
foreign SQLite file opened by mistake must be left as it was.

Opening a SQLite file creates it.  Commands that only read (``stats``, ``export``) pass
``must_exist`` so a misspelt path is "no database at PATH", not a new empty file; a crawl
and ``liuzhou db upgrade`` may create a database, which is what they are for.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

DEFAULT_URL = "sqlite:///liuzhou.db"
CONNECT_TIMEOUT = 10  # seconds: a firewalled server fails a crawl quickly, not in minutes


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says which and why."""


class NoDatabase(DatabaseUnavailable):
    """A SQLite file that does not exist, asked for by a command that must not create it."""


def default_url() -> str:
    """``LIUZHOU_DB`` if set, else ``liuzhou.db`` in the working directory."""
    return os.environ.get("LIUZHOU_DB") or DEFAULT_URL


def normalize_url(url: str) -> URL:
    """The SQLAlchemy URL with the project's driver for PostgreSQL (psycopg 3)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"not a database URL: {url!r} (try sqlite:///liuzhou.db)") from exc
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL, absolute with symlinks resolved (however the URL spells
    it: relative or absolute, with or without a query string); None for an in-memory
    database or another backend."""
    parsed = normalize_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database.startswith("file:"):  # URI filename (?uri=true): the path before its query
        database = database.removeprefix("file:").split("?", 1)[0]
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    return Path(database).expanduser().resolve()


def database_identity(url: str) -> str:
    """What identifies a database whatever the spelling, for locks: a SQLite file by its
    real path; a server database by host, port, database and schema options (never the
    user or the password)."""
    parsed = normalize_url(url)
    path = sqlite_file(parsed)
    if path is not None:
        return f"sqlite:{path}"
    if parsed.get_backend_name() == "sqlite":
        return "sqlite::memory:"
    options = parsed.query.get("options")
    where = f"{(parsed.host or 'localhost').lower()}:{parsed.port or 5432}/{parsed.database}"
    return f"{parsed.get_backend_name()}://{where}" + (f"?options={options}" if options else "")


_OWN_OR_NEW = (
    "SELECT count(*) = 0 OR sum(name IN ('alembic_version', 'crawl_runs')) = 2 "
    "FROM sqlite_master WHERE type = 'table'"
)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if cursor.execute(_OWN_OR_NEW).fetchone()[0]:
            cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def make_engine(url: str, *, check: bool = True, must_exist: bool = False) -> Engine:
    """An engine for ``url``; with ``check``, connect once so a bad URL fails here, clearly.

    Raises ``DatabaseUnavailable`` naming the server (never the password) and the reason;
    with ``must_exist``, ``NoDatabase`` ("no database at PATH") for a SQLite file that does
    not exist, which is then not created.
    """
    parsed = normalize_url(url)
    path = sqlite_file(parsed)
    if must_exist and path is not None and not path.is_file():
        raise NoDatabase(f"no database at {path}")
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        connect_args = {} if "connect_timeout" in parsed.query else {
            "connect_timeout": CONNECT_TIMEOUT}
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    if check:
        try:
            with engine.connect():
                pass
        except OperationalError as exc:
            engine.dispose()
            where = parsed.render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseUnavailable(f"cannot open the database {where}: {reason}") from exc
    return engine
