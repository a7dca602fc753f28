"""How far one run may go: the bounds a trap, a broken pager or a hostile site meets.

Every link the crawl would follow, wherever it was found (a list page, an article page,
a redirect), passes ``Bounds.refuse_link``; the run as a whole has a page budget and a
time budget, sized from what earlier runs saw of the site (``budget``).  A run that a
bound cut short says so in its verdict (``health.assess``).  The bounds, their settings
and defaults are listed in docs/refusals.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Bound names, as counted (``liuzhou/bounds/<name>``) and as finish reasons (``bound_<name>``).
DEPTH = "depth"
URL_LENGTH = "url_length"
PAGER_PAGES = "pager_pages"
PAGE_BUDGET = "page_budget"
TIME_BUDGET = "time_budget"
SETTING = {
    DEPTH: "LIUZHOU_DEPTH_LIMIT",
    URL_LENGTH: "LIUZHOU_MAX_URL_LENGTH",
    PAGER_PAGES: "LIUZHOU_MAX_PAGER_PAGES",
    PAGE_BUDGET: "LIUZHOU_PAGE_BUDGET_*",
    TIME_BUDGET: "LIUZHOU_TIME_BUDGET_*",
}
STATS_PREFIX = "liuzhou/bounds/"
FINISH_PREFIX = "bound_"
SITE_PAGES = "liuzhou/site_pages"  # pages the site took in earlier complete runs
SITE_SECONDS = "liuzhou/site_seconds"  # seconds a complete run of the site took

_PAGER_INDEX = re.compile(r"/[A-Za-z][\w-]*?_(\d+)\.[A-Za-z]+$")


def pager_index(url: str) -> int:
    """0 for a column's first page (``/col/``, ``index.html``), N for ``index_N.html``
    (or ``xlist_N.shtml``); a list page's URL, not an article's."""
    match = _PAGER_INDEX.search(url)
    return int(match.group(1)) if match else 0


def budget(reference: float | None, factor: float, floor: float, ceiling: float) -> float:
    """``factor`` times what a complete run took, within [floor, ceiling]; the ceiling
    when no run completed yet (a first crawl must not be cut by a guess)."""
    if not reference:
        return ceiling
    return min(ceiling, max(floor, factor * reference))


@dataclass(frozen=True)
class Bounds:
    """The bounds of one run (0 switches a bound off)."""

    depth_limit: int = 10
    max_url_length: int = 1000
    max_pager_pages: int = 1000
    page_budget: int = 0
    time_budget: float = 0.0

    @classmethod
    def from_settings(cls, settings: Any, previous: dict[str, Any]) -> Bounds:
        """The run's bounds from the settings and what the last complete run recorded
        (``site_pages``, ``site_seconds`` in its checks)."""
        def sized(name: str, reference: float | None) -> float:
            return budget(reference, settings.getfloat(f"LIUZHOU_{name}_BUDGET_FACTOR"),
                          settings.getfloat(f"LIUZHOU_{name}_BUDGET_MIN"),
                          settings.getfloat(f"LIUZHOU_{name}_BUDGET_MAX"))
        return cls(
            depth_limit=settings.getint("LIUZHOU_DEPTH_LIMIT"),
            max_url_length=settings.getint("LIUZHOU_MAX_URL_LENGTH"),
            max_pager_pages=settings.getint("LIUZHOU_MAX_PAGER_PAGES"),
            page_budget=int(sized("PAGE", previous.get("site_pages"))),
            time_budget=sized("TIME", previous.get("site_seconds")),
        )

    def refuse_link(self, url: str, depth: int, *, pager: bool = False) -> str | None:
        """The bound a link at ``depth`` (the start page is 0) would cross, or None;
        ``pager``: the link is a page of a column's pager (only those count pages)."""
        if self.max_url_length and len(url) > self.max_url_length:
            return URL_LENGTH
        if self.depth_limit and depth > self.depth_limit:
            return DEPTH
        if pager and self.max_pager_pages and pager_index(url) >= self.max_pager_pages:
            return PAGER_PAGES
        return None


def cut_by(stats: dict[str, Any], finish_reason: str) -> dict[str, int]:
    """Bounds that cut the run: links refused per bound, and the budget that ended it."""
    cut = {key.removeprefix(STATS_PREFIX): int(value) for key, value in stats.items()
           if key.startswith(STATS_PREFIX) and value}
    if finish_reason.startswith(FINISH_PREFIX):
        name = finish_reason.removeprefix(FINISH_PREFIX)
        cut[name] = max(cut.get(name, 0), 1)
    return cut


def describe_cut(cut: dict[str, int], finish_reason: str) -> str:
    """The bounds a run met, for its reason line: the budget that ended it, and how
    many links each link bound refused, each with its setting."""
    ended = finish_reason.removeprefix(FINISH_PREFIX) if finish_reason.startswith(
        FINISH_PREFIX) else None
    return ", ".join(
        f"{name} reached ({SETTING.get(name, name)})" if name == ended
        else f"{n} link(s) beyond {name} ({SETTING.get(name, name)})"
        for name, n in cut.items()
    )


def site_size(stats: dict[str, Any], pages: int, complete: bool) -> dict[str, float]:
    """What to remember of the site's size for the next run's budgets.

    The largest complete run so far: an incremental run fetches a fraction of the site
    and must not shrink the budget of the next full one; a run cut short says nothing.
    """
    before_pages = int(stats.get(SITE_PAGES) or 0)
    before_seconds = float(stats.get(SITE_SECONDS) or 0)
    if not complete:
        return {"site_pages": before_pages, "site_seconds": before_seconds}
    seconds = float(stats.get("elapsed_time_seconds") or 0)
    return {"site_pages": max(before_pages, pages),
            "site_seconds": round(max(before_seconds, seconds), 1)}
