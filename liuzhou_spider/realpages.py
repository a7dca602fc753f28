"""Saved real pages: read one as the crawl would, and keep it as a reviewed fixture.

A fixture is a folder holding the page as fetched (``page.html``), where it came from
(``source.json``: origin URL, dataset, licence) and what a careful reader takes off it
(``expected.json``).  ``liuzhou extract --save-fixture`` writes a new folder with our own
reading as the expected values, marked ``"reviewed": false``: a human corrects it before
it counts (the fixture test skips unreviewed folders).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from liuzhou_spider.pages.article import decode_html, parse_article
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.urls import canonicalize
from pipelines.cleaning import clean_article

# The fields an expected.json compares; body is checked by snippets.
FIELDS = ("title", "published_at", "published_precision", "source", "column", "attachments")
_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")


def profile_for(url: str | None, profile: SiteProfile) -> SiteProfile:
    """The profile to read a page of any site with: ``profile`` (the ``--site`` one), re-pointed
    at the page's host when the page is not on its hosts (so its links count as in-site)."""
    if not url or not urlsplit(url).netloc or urlsplit(url).netloc.lower() in profile.all_hosts():
        return profile
    root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/"
    return profile.with_start_urls([root], [])


def read_saved_page(
    body: bytes, url: str | None, site: SiteProfile, *, link_title: str | None = None
) -> dict[str, Any]:
    """The clean article of a saved page as a JSON-ready dict (what ``liuzhou extract``
    prints): the crawl's own parse and clean, with ``site``'s profile (``profile_for``)."""
    profile = profile_for(url, site)
    page_url = url or "http://fixture.invalid/page.html"
    html = decode_html(body, None)
    raw = parse_article(
        html, page_url, profile, canonical_url=canonicalize(page_url, profile),
        link_title=link_title,
    )
    record = asdict(clean_article(raw, profile))
    record.pop("raw")
    record["url"] = page_url
    record["template"] = raw.template
    return record


def expected_from(record: dict[str, Any]) -> dict[str, Any]:
    """A first expected.json from our reading: values to check, not yet reviewed."""
    lines = [line for line in (record.get("body_text") or "").split("\n") if line.strip()]
    expected: dict[str, Any] = {"reviewed": False}
    expected.update({name: record.get(name) for name in FIELDS})
    expected["attachments"] = [a["url"] for a in record.get("attachments") or []]
    expected["body_contains"] = [lines[0][:40], lines[-1][-40:]] if lines else []
    expected["body_excludes"] = []
    return expected


def save_fixture(
    folder: Path, body: bytes, url: str | None, record: dict[str, Any], *, licence: str,
    dataset: str, link_title: str | None = None,
) -> Path:
    """Write ``folder`` (page.html, source.json, expected.json); refuses to overwrite a
    folder that has an expected.json already, since that may be a reviewed one."""
    if (folder / "expected.json").exists():
        raise FileExistsError(f"{folder} already holds a fixture")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.html").write_bytes(body)
    source = {"url": url, "kind": "article", "dataset": dataset, "licence": licence}
    (folder / "source.json").write_text(
        json.dumps(source, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = expected_from(record)
    if link_title:
        expected["link_title"] = link_title
    (folder / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return folder


def fixture_name(url: str | None, fallback: str) -> str:
    """``<host>-<last path part>``: the folder name the fixture set uses."""
    if not url:
        return _SLUG.sub("-", fallback).strip("-")
    parts = urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0] or "index"
    return _SLUG.sub("-", f"{parts.netloc}-{tail}").strip("-")
