"""How a run went, decided from its stats: the exit code a scheduled job relies on.

``scrapy crawl`` exits 0 even when every callback raised, so the verdict is ours:
the same function serves the run's database row, the summary and the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from liuzhou_spider.bounds import cut_by, describe_cut, site_size

COLUMN_LINKS = "liuzhou/column_links"  # stats prefix: article links on a column's page 1
STORAGE_FAILED = "storage_failed"  # finish reason: the database stopped taking any page
# Requests refused because their host's robots.txt was unreachable, and those hosts
# (liuzhou_spider.robots).
ROBOTS_REFUSED = "liuzhou/robots_unreachable_refused"
ROBOTS_UNREACHABLE_HOSTS = "liuzhou/robots_unreachable_hosts"
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
    """Pages that failed for good: download errors after retries, parse errors, 5xx,
    errors raised in a pipeline step, and pages the database did not take."""
    return (
        count(stats, "liuzhou/parse_errors")
        + count(stats, "retry/max_reached")
        + count(stats, "spider_exceptions/count")
        + count(stats, "liuzhou/http_errors")
        + count(stats, "liuzhou/item_errors")
        + count(stats, "liuzhou/write_errors")
    )


def robots_refusal(stats: dict[str, Any]) -> str:
    """Why requests were refused for an unreachable robots.txt (``liuzhou_spider.robots``),
    or "" when none were: a refused run is never a success."""
    refused = count(stats, ROBOTS_REFUSED)
    if not refused:
        return ""
    hosts = ", ".join(stats.get(ROBOTS_UNREACHABLE_HOSTS) or [])
    return (f"robots.txt of {hosts} unreachable (5xx or no answer): {refused} request(s) "
            f"refused for now (RFC 9309)")
REFUSED = "liuzhou/refused"  # stats: pages not taken as what they claim, and /<reason>
CAPPED = "liuzhou/capped"  # stats prefix: article fields cut at their caps, by field
MAX_REFUSED = "liuzhou/max_refused"  # the run's LIUZHOU_MAX_REFUSED, set by the spider
MAX_REFUSED_SHARE = "liuzhou/max_refused_share"


def refusals(stats: dict[str, Any], prefix: str = REFUSED + "/") -> dict[str, int]:
    """Pages refused, by reason (liuzhou_spider.pages.trust; too_large: DOWNLOAD_MAXSIZE);
    with another ``prefix``, the counts under it by name."""
    return {key.removeprefix(prefix): int(value) for key, value in sorted(stats.items())
            if key.startswith(prefix) and value}


def too_many_refused(stats: dict[str, Any], refused: int, pages: int) -> bool:
    """Many refusals mean the site is not answering with its pages (maintenance, a
    proxy's error pages, a broken encoding): a health check, not a few bad pages."""
    limit = stats.get(MAX_REFUSED, 20)
    share = stats.get(MAX_REFUSED_SHARE, 0.05)
    return bool(refused) and (refused >= limit or refused > share * max(pages, 1))


def describe(counts: dict[str, int]) -> str:
    """``name n, name n`` for a reason line."""
    return ", ".join(f"{name} {n}" for name, n in counts.items())


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
    not_stored = count(stats, "liuzhou/write_errors")
    unreadable_pagers = count(stats, PAGER_UNREADABLE)
    field_failures = list(stats.get(FIELD_FAILURES) or [])
    attempted = pages + errors
    rate = errors / attempted if attempted else 0.0
    refused = refusals(stats)
    cut = cut_by(stats, finish_reason)
    checks = {
        "pages_fetched": pages + not_modified,
        "errors": errors,
        "error_rate": round(rate, 4),
        "blocked": blocked,
        "chrome_leaks": leaks,
        "collapsed_columns": collapsed,
        "write_errors": not_stored,
        "robots_refused": count(stats, ROBOTS_REFUSED),
        "refused": refused,
        "capped": (capped := refusals(stats, CAPPED + "/")),
        "bounds_cut": cut,
        # Remembered for the next run's page and time budgets (liuzhou_spider.bounds).
        **site_size(stats, pages + not_modified, finish_reason == "finished" and not cut),
        "unreadable_pagers": unreadable_pagers,
        "unreadable_pager_urls": list(stats.get(PAGER_UNREADABLE_URLS) or []),
        "field_failures": field_failures,
        "decode_replaced": count(stats, DECODE_REPLACED),
    }
    storage = f"{not_stored} page(s) could not be stored in the database"
    if finish_reason == "shutdown":
        return RunOutcome("interrupted", ExitCode.INTERRUPTED, "stopped before the end", checks)
    if blocked:
        return RunOutcome(
            "blocked", ExitCode.BLOCKED,
            f"the site answered {blocked} bot challenge(s) (HTTP 412/521)", checks,
        )
    if finish_reason == STORAGE_FAILED or (not_stored and rate > max_error_rate):
        return RunOutcome("failed", ExitCode.FAILED, f"{storage}; the crawl stopped"
                          if finish_reason == STORAGE_FAILED else storage, checks)
    # A resumed run may find nothing left: its first part fetched everything before the
    # pause.  Only a run that had pages to fetch and fetched none has failed.
    if pages + not_modified == 0 and not stats.get("liuzhou/resumed"):
        return RunOutcome("failed", ExitCode.FAILED,
                          robots_refusal(stats) or "no page could be fetched", checks)
    if rate > max_error_rate:
        return RunOutcome(
            "failed", ExitCode.FAILED,
            f"{errors} of {attempted} pages failed ({rate:.0%} > {max_error_rate:.0%})", checks,
        )
    # Health checks: each failed one is named, so one line says everything to look at.
    unhealthy = []
    if collapsed:
        unhealthy.append(f"column lists collapsed since the last run: {', '.join(collapsed)}")
    if cut:
        # A bound reached means a trap, a runaway pager or a site far larger than
        # before: the run stored what it read, but a person must look (docs/refusals.md).
        unhealthy.append(f"cut by bounds: {describe_cut(cut, finish_reason)}")
    refused_count = count(stats, REFUSED)
    if too_many_refused(stats, refused_count, pages):
        unhealthy.append(
            f"{refused_count} page(s) refused as not pages of the site: {describe(refused)}")
    if unreadable_pagers:
        # Its column would be crawled to this page only: the run must say so.
        unhealthy.append(
            f"{unreadable_pagers} list page(s) with an unreadable pager (columns crawled to "
            f"that page only): {', '.join(checks['unreadable_pager_urls'])}")
    if field_failures:
        unhealthy.append(f"field quality fell: {'; '.join(field_failures)}")
    if unhealthy:
        return RunOutcome("unhealthy", ExitCode.UNHEALTHY, "; ".join(unhealthy), checks)
    if not_stored:
        return RunOutcome("partial", ExitCode.PARTIAL, storage, checks)
    if errors or leaks or refused_count or capped:
        reason = (f"{errors} page(s) failed" if errors
                  else f"{leaks} body(ies) kept chrome" if leaks
                  else f"{refused_count} page(s) refused: {describe(refused)}" if refused_count
                  else f"fields cut at their caps: {describe(capped)}")
        return RunOutcome("partial", ExitCode.PARTIAL, reason, checks)
    if robots_refusal(stats):
        return RunOutcome("partial", ExitCode.PARTIAL, robots_refusal(stats), checks)
    return RunOutcome("success", ExitCode.SUCCESS, "ok", checks)
