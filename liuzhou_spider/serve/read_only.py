"""A Datasette plugin (registered by ``liuzhou serve``): no connection it opens can write.

Datasette already runs only SELECT statements and opens the file ``mode=ro``; this makes
every connection ``PRAGMA query_only`` too, so a plugin or a future Datasette feature that
opens a writable connection still cannot change the crawl's database.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

NAME = "liuzhou-read-only"


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    if not database.startswith("_"):  # "_internal": Datasette's own catalog, in memory
        conn.execute("PRAGMA query_only = 1")
