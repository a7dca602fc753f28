"""A table's rows as one batch touches them: plain dicts, written back with executemany.

The ORM's unit of work spent more time on bookkeeping than on SQL for the storing step
(instrumented attributes, identity map, per-flush dependency sorting).  A batch knows
its rows up front, so it keeps them as dicts, remembers how each looked when loaded, and
writes back only the columns that changed: new rows in one INSERT executemany, changed
rows in UPDATE executemanies grouped by the columns they change (SQLAlchemy's
"insertmanyvalues" and the drivers' executemany make each one a few round trips).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import lru_cache
from itertools import groupby
from typing import Any

from sqlalchemy import Table, Update, bindparam, insert, update
from sqlalchemy.engine import Connection

Row = dict[str, Any]
KEY = "_key"  # the bound parameter naming the row an UPDATE is about


class Rows:
    """Rows of one table found by a lookup key; what changed is written by ``write``."""

    def __init__(self, table: Table, key: Callable[[Row], Hashable],
                 loaded: Iterable[Mapping[str, Any]], *, unique: Iterable[str] = ()) -> None:
        """``unique``: the unique columns an update may move from one row to another."""
        self.table = table
        self.key = key
        self.unique = frozenset(unique)
        (self.primary_key,) = (column.name for column in table.primary_key.columns)
        self.rows: dict[Hashable, Row] = {}
        self.loaded: dict[Hashable, Row] = {}  # as the database holds them now
        self.new: list[Row] = []
        for mapping in loaded:
            row = dict(mapping)
            self.rows[key(row)] = row
            self.loaded[key(row)] = dict(row)

    def get(self, key: Hashable) -> Row | None:
        """The row with this lookup key, loaded or added; None if the batch has none."""
        return self.rows.get(key)

    def add(self, row: Row) -> Row:
        """A new row, inserted by ``write``; every new row of a table has the same columns."""
        self.rows[self.key(row)] = row
        self.new.append(row)
        return row

    def update_now(self, connection: Connection, rows: list[Row], values: Row) -> None:
        """Write ``values`` to these loaded rows ahead of everything else (an ordering a
        constraint needs); ``write`` then writes only what else changed."""
        if not rows:
            return
        connection.execute(_update(self.table, self.primary_key, tuple(values)),
                           [{KEY: row[self.primary_key], **values} for row in rows])
        for row in rows:
            self.loaded[self.key(row)].update(values)

    def write(self, connection: Connection) -> None:
        """Changed rows, then new ones, as the ORM ordered one flush: updates, then
        inserts in the order added.

        Updates share one statement per set of changed columns, except those that change
        a unique column: they go last, in primary-key order as the ORM wrote them, so a
        unique index sees the same sequence of values (a value one row gives up and
        another takes fails or succeeds exactly as before).
        """
        changes = sorted(self._changes(), key=lambda change: change[KEY])
        moving = [change for change in changes if not self.unique.isdisjoint(change)]
        staying = sorted((change for change in changes if self.unique.isdisjoint(change)),
                         key=_columns)  # stable: by primary key within each statement
        for group in (staying, moving):
            for columns, rows in groupby(group, key=_columns):
                connection.execute(_update(self.table, self.primary_key, columns), list(rows))
        if self.new:
            connection.execute(insert(self.table), self.new)

    def _changes(self) -> Iterable[Row]:
        """Per changed loaded row: its primary key and the columns whose value changed."""
        for key, before in self.loaded.items():
            row = self.rows[key]
            changed = {name: value for name, value in row.items() if value != before[name]}
            if changed:
                yield {KEY: row[self.primary_key], **changed}


def _columns(change: Row) -> tuple[str, ...]:
    """The columns an update changes (its first key names the row)."""
    return tuple(change)[1:]


@lru_cache(maxsize=256)  # a few dozen shapes occur: the columns a fetch or a merge changes
def _update(table: Table, primary_key: str, columns: tuple[str, ...]) -> Update:
    """UPDATE <table> SET <columns> WHERE <primary key> = :_key, for executemany; built
    once per shape, as building a statement costs about as much as running a small one."""
    return update(table).where(table.c[primary_key] == bindparam(KEY)).values(
        {name: bindparam(name) for name in columns})
