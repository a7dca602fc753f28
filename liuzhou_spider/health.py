"""How a run went, decided from its stats: the exit code a scheduled job relies on.

``scrapy crawl`` exits 0 even when every callback raised, so the verdict is ours:
the same function serves the run's database row, the summary and the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

COLUMN_LINKS = "liuzhou/column_links"  # stats prefix: article links on a column's page 1
PAGER_UNREADABLE = "liuzhou/pager_unreadable"  # list pages whose pager script names no page
PAGER_UNREADABLE_URLS = "liuzhou/pager_unreadable_urls"  # the first of them, to name
DECODE_REPLACED = "liuzhou/decode_replaced"  # pages that decode only with U+FFFD in them
FIELD_FAILURES = "liuzhou/field_failures"  # why field quality fails the run (field_quality)


class ExitCode(IntEnum):
    """Documented exit codes of ``liuzhou crawl`` (and ``liuzhou demo``)."""

    SUCCESS = 0
    FAILED = 1  # nothing fetched, errors above the threshold, database unusable
    USAGE = 2  # bad command line (click's own code)
    PARTIAL = 3  # the run finished but some pages failed
    BLOCKED = 4  # the site answered with a bot challenge (412/521)
    LOCKED = 5  # another run holds the lock of this database or JOBDIR
    INTERRUPTED = 6  # stopped by Ctrl-C/SIGTERM; resumable with the same --jobdir
    UNHEALTHY = 7  # the crawl ran but a health check failed (a column's list collapsed, ...)


@dataclass
class RunOutcome:
    """The verdict on one run: status word, exit code, one-line reason, failed checks."""

    status: str
    exit_code: ExitCode
    reason: str
    checks: dict[str, Any] = field(default_factory=dict)


def count(stats: dict[str, Any], key: str) -> int:
    """A numeric stat, 0 when absent."""
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def error_count(stats: dict[str, Any]) -> int:
    """Pages that failed for good: download errors after retries, parse errors, 5xx."""
    return (
        count(stats, "liuzhou/parse_errors")
        + count(stats, "retry/max_reached")
        + count(stats, "spider_exceptions/count")
        + count(stats, "liuzhou/http_errors")
    )


def collapsed_columns(
    previous: dict[str, int], current: dict[str, int], *, min_links: int = 5, ratio: float = 0.5
) -> list[str]:
    """Columns whose first list page now shows far fewer articles than last run.

    A column's first page lists about as many articles every run; a sudden drop means
    the site's markup changed under the parser (or the site is half down), which a
    scheduled job must report rather than store quietly.
    """
    return sorted(
        column for column, before in previous.items()
        if before >= min_links and current.get(column, 0) < before * ratio
    )


def assess(
    stats: dict[str, Any], finish_reason: str, *, max_error_rate: float = 0.2
) -> RunOutcome:
    """Decide success, partial, blocked or failed from a finished crawl's stats."""
    pages = count(stats, "liuzhou/pages")
    not_modified = count(stats, "liuzhou/not_modified")
    errors = error_count(stats)
    blocked = count(stats, "liuzhou/blocked")
    leaks = count(stats, "liuzhou/chrome_leaks")
    collapsed = list(stats.get("liuzhou/collapsed_columns") or [])
    unreadable_pagers = count(stats, PAGER_UNREADABLE)
    field_failures = list(stats.get(FIELD_FAILURES) or [])
    attempted = pages + errors
    rate = errors / attempted if attempted else 0.0
    checks = {
        "pages_fetched": pages + not_modified,
        "errors": errors,
        "error_rate": round(rate, 4),
        "blocked": blocked,
        "chrome_leaks": leaks,
        "collapsed_columns": collapsed,
        "unreadable_pagers": unreadable_pagers,
        "unreadable_pager_urls": list(stats.get(PAGER_UNREADABLE_URLS) or []),
        "field_failures": field_failures,
        "decode_replaced": count(stats, DECODE_REPLACED),
    }
    if finish_reason == "shutdown":
        return RunOutcome("interrupted", ExitCode.INTERRUPTED, "stopped before the end", checks)
    if blocked:
        return RunOutcome(
            "blocked", ExitCode.BLOCKED,
            f"the site answered {blocked} bot challenge(s) (HTTP 412/521)", checks,
        )
    # A resumed run may find nothing left: its first part fetched everything before the
    # pause.  Only a run that had pages to fetch and fetched none has failed.
    if pages + not_modified == 0 and not stats.get("liuzhou/resumed"):
        return RunOutcome("failed", ExitCode.FAILED, "no page could be fetched", checks)
    if rate > max_error_rate:
        return RunOutcome(
            "failed", ExitCode.FAILED,
            f"{errors} of {attempted} pages failed ({rate:.0%} > {max_error_rate:.0%})", checks,
        )
    if collapsed:
        return RunOutcome(
            "unhealthy", ExitCode.UNHEALTHY,
            f"column lists collapsed since the last run: {', '.join(collapsed)}", checks,
        )
    if unreadable_pagers:
        return RunOutcome(
            "unhealthy", ExitCode.UNHEALTHY,
            f"{unreadable_pagers} list page(s) with an unreadable pager (columns crawled to "
            f"that page only): {', '.join(checks['unreadable_pager_urls'])}", checks,
        )
    if field_failures:
        return RunOutcome(
            "unhealthy", ExitCode.UNHEALTHY,
            f"field quality fell: {'; '.join(field_failures)}", checks,
        )
    if errors or leaks:
        reason = f"{errors} page(s) failed" if errors else f"{leaks} body(ies) kept chrome"
        return RunOutcome("partial", ExitCode.PARTIAL, reason, checks)
    return RunOutcome("success", ExitCode.SUCCESS, "ok", checks)
