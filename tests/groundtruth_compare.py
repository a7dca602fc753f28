"""Compare exported records with the offline portal's ground truth, field by field.

Shared by the crawl tests and ``bench``: URLs are compared by path (the port of a
loopback server changes from run to run), bodies after whitespace normalisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

FIELDS = ("title", "published_at", "source", "column", "body_text", "images", "attachments")


def site_path(url: str) -> str:
    """``/path?query`` of an in-site URL; offsite URLs unchanged."""
    parts = urlsplit(url)
    if parts.hostname and not parts.hostname.startswith("127."):
        return url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def normalise_text(text: str | None) -> str:
    """Whitespace-insensitive body comparison (full-width spaces and nbsp included)."""
    return re.sub(r"[\s\u3000\xa0]+", " ", text or "").strip()


def normalise_record(record: dict[str, Any]) -> dict[str, Any]:
    """The comparable fields of an export or ground-truth record."""
    return {
        "canonical_url": site_path(record["canonical_url"]),
        "urls": sorted(site_path(u) for u in record["urls"]),
        "title": record["title"],
        "published_at": record["published_at"],
        "source": record["source"],
        "column": list(record["column"]),
        "body_text": normalise_text(record["body_text"]),
        "images": [(site_path(i["url"]), i.get("caption")) for i in record["images"]],
        "attachments": [(site_path(a["url"]), a.get("title")) for a in record["attachments"]],
    }


def compare(
    exported: Iterable[dict[str, Any]], truth: Iterable[dict[str, Any]]
) -> dict[str, list[Any]]:
    """Mismatches by kind: missing/extra articles (by canonical URL), wrong groups, fields."""
    got = {r["canonical_url"]: r for r in map(normalise_record, exported)}
    want = {r["canonical_url"]: r for r in map(normalise_record, truth)}
    problems: dict[str, list[Any]] = {"missing": [], "extra": [], "urls": []}
    problems.update({name: [] for name in FIELDS})
    problems["missing"] = sorted(set(want) - set(got))
    problems["extra"] = sorted(set(got) - set(want))
    for url in sorted(set(want) & set(got)):
        if got[url]["urls"] != want[url]["urls"]:
            problems["urls"].append((url, got[url]["urls"], want[url]["urls"]))
        for name in FIELDS:
            if got[url][name] != want[url][name]:
                problems[name].append((url, got[url][name], want[url][name]))
    return problems
