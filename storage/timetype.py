"""The column type of every stored time: ISO text on SQLite, ``timestamptz`` on PostgreSQL.

The program handles times as text in one shape (``storage.timefmt``), which sorts as
time on SQLite; analysts on PostgreSQL need real ``timestamptz`` values (time zones,
date arithmetic, ``date_trunc``).  This type gives both: PostgreSQL stores a
``timestamptz``, and values read back through the models come back as the same text the
program wrote (machine times in UTC, publication times at +08:00), so the code and the
export behave identically on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import String
from sqlalchemy.dialects.postgresql import TIMESTAMP
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class StoredTime(TypeDecorator[str]):
    """A time kept as ``YYYY-MM-DDTHH:MM:SS±HH:MM`` text; ``timestamptz`` on PostgreSQL."""

    impl = String(32)
    cache_ok = True

    def __init__(self, zone: tzinfo = UTC) -> None:
        """``zone``: the offset values are read back in (publication times: Shanghai)."""
        super().__init__()
        self.zone = zone

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(String(32))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "postgresql" or not isinstance(value, str):
            return value
        return datetime.fromisoformat(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return value.astimezone(self.zone).isoformat(timespec="seconds")

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine[Any]:
        """A value compared with a stored time is a time too (``published_at >= :since``)."""
        return self
