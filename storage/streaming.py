"""Streamed reads that stay flat in memory however large the database is.

An article and its URLs are read as two result streams in the same order and zipped in
Python: one query each, no N+1 round trips, no table held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Row

P = TypeVar("P")
C = TypeVar("C")

BATCH = 1000


def stream(connection: Connection, statement: Select[Any]) -> Iterator[Row[Any]]:
    """Rows of ``statement`` fetched ``BATCH`` at a time (a server-side cursor on PostgreSQL)."""
    yield from connection.execution_options(yield_per=BATCH).execute(statement)


def with_children(
    parents: Iterable[P],
    children: Iterable[C],
    parent_key: Callable[[P], Any],
    child_key: Callable[[C], Any],
) -> Iterator[tuple[P, list[C]]]:
    """Each parent with its children, from two streams sorted the same way by key.

    Every child's key must belong to some parent of the stream (an inner join with the
    parents' filter guarantees it); a parent without children gets an empty list.
    """
    pending = iter(children)
    child = next(pending, None)
    for parent in parents:
        key = parent_key(parent)
        group: list[C] = []
        while child is not None and child_key(child) == key:
            group.append(child)
            child = next(pending, None)
        yield parent, group
