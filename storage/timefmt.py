"""The one textual shape of every stored time, so text order is time order.

Machine times (fetches, runs, first/last seen) are stored in UTC, publication times in
Asia/Shanghai (+08:00) as the site writes them; both as ``YYYY-MM-DDTHH:MM:SS±HH:MM``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))


def _parse(value: str, naive_zone: timezone) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=naive_zone)


def utc_iso(value: str) -> str:
    """A fetch or run time in UTC; a time without offset is taken as UTC."""
    return _parse(value, UTC).astimezone(UTC).isoformat(timespec="seconds")


def shanghai_iso(value: str | None) -> str | None:
    """A publication time at +08:00; a time or date without offset is Shanghai time."""
    if not value:
        return None
    return _parse(value, SHANGHAI).astimezone(SHANGHAI).isoformat(timespec="seconds")


def now_utc() -> str:
    """The current time, stored shape."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def since_bound(value: str) -> str:
    """The lower bound of ``--since`` in stored shape: a date means its first second.

    Raises ValueError for anything that is not an ISO date or date-time.
    """
    try:
        bound = shanghai_iso(value)
    except ValueError:
        bound = None
    if bound is None:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return bound
