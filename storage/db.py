"""Engines for SQLite and PostgreSQL, configured the one way the project relies on.

Users type ``postgresql://user@host/db`` as every PostgreSQL tool accepts it; SQLAlchemy
would pick psycopg2 for that, which the project does not install, so the driver is chosen
here (psycopg 3).  SQLite gets WAL (readers never block the crawl's writer) and foreign
keys (off by default in SQLite, and the schema relies on them) on every connection.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

DEFAULT_URL = "sqlite:///liuzhou.db"
CONNECT_TIMEOUT = 10  # seconds: a firewalled server fails a crawl quickly, not in minutes


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says which and why."""


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


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def make_engine(url: str, *, check: bool = True) -> Engine:
    """An engine for ``url``; with ``check``, connect once so a bad URL fails here, clearly.

    Raises ``DatabaseUnavailable`` naming the server (never the password) and the reason.
    """
    parsed = normalize_url(url)
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
