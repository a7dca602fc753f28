"""Publication dates as the portal writes them → ISO 8601 in Asia/Shanghai.

The site writes ``2026-02-25 17:44``, ``2026-02-25 17:44:03``, ``2026-02-25``,
``2026年02月25日``, ``2026年2月25日 17:44``, with or without a label, in half- or
full-width digits.  A time written without an offset is Beijing time; one with an offset
(metas and JSON-LD often write UTC: ``2024-05-09T14:30:07.000Z``) is converted, so the
result always ends in ``+08:00`` and names the moment the page states.  Whether a time
of day was written is returned as well, so a date-only value is never mistaken for
midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

Precision = Literal["datetime", "date"]
SHANGHAI = timezone(timedelta(hours=8))

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：－／．　", "0123456789:-/. ")
_ANY_DIGIT = re.compile(r"\d")  # full-width digits included
_WIDE_CHAR = re.compile("[０-９：－／．　]")  # the keys of _FULL_WIDTH
_DATE = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?)?"
    # ``2024 05/09 22:27:02``: the year set apart above month/day (news.cn); only with
    # a time, since a bare ``2024 05/09`` could be a count beside a fraction.
    r"|(?<!\d)(\d{4})\s+(\d{1,2})/(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)"
)

# An explicit offset right after a time with seconds (ISO 8601 as metas write it,
# fractions of a second before it); ``09:00-11:00`` is a range, not an offset.
_OFFSET = re.compile(
    r"(?:\.\d{1,9})?(?:Z|([+-])(0\d|1[0-4]):?([0-5]\d))(?![A-Za-z\d:])"
)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: the span as written, its ISO form and its precision."""

    raw: str
    iso: str
    precision: Precision


def find_date(text: str | None) -> FoundDate | None:
    """The first valid date (with its time of day, if written) in ``text``."""
    if not text or not _ANY_DIGIT.search(text):  # most lines hold no digit at all
        return None
    folded = text.translate(_FULL_WIDTH) if _WIDE_CHAR.search(text) else text
    for match in _DATE.finditer(folded):
        groups = match.groups()
        year, month, day, hour, minute, second = groups[:6] if groups[0] else groups[6:]
        try:
            value = datetime(
                int(year), int(month), int(day),
                int(hour or 0), int(minute or 0), int(second or 0), tzinfo=SHANGHAI,
            )
        except ValueError:
            continue
        if not 1990 <= value.year <= 2100:
            continue
        precision: Precision = "datetime" if hour is not None else "date"
        end = match.end()
        offset = _OFFSET.match(folded, end) if second is not None else None
        if offset is not None:
            value = _moment(value, offset)
            end = offset.end()
        return FoundDate(text[match.start():end].strip(), value.isoformat(), precision)
    return None


def _moment(local: datetime, offset: re.Match[str]) -> datetime:
    """The time written with ``offset`` (``Z`` or ``±HH:MM``), as Beijing time."""
    sign, hours, minutes = offset.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes)) if sign else timedelta(0)
    zone = timezone(-delta if sign == "-" else delta)
    return local.replace(tzinfo=zone).astimezone(SHANGHAI)


def parse_date(text: str | None) -> tuple[str, Precision] | None:
    """``(ISO 8601 with +08:00, "datetime" | "date")`` for the first date in ``text``."""
    found = find_date(text)
    return (found.iso, found.precision) if found else None
