"""Real pages of other sites, read field by field against what a careful reader takes off
them (tests/real_pages/<site>-<slug>/: page.html, source.json, expected.json).

Every (page, field) pair is one test.  A field we know we still read wrongly is listed in
the page's ``known_failures`` with the reason, and runs as a strict xfail: it fails loudly
the day it starts passing, so the list stays true.  Unreviewed folders (written by
``liuzhou extract --save-fixture``) are skipped until a human has checked them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from liuzhou_spider.pages.decoding import decode_html
from liuzhou_spider.pages.listing import parse_listing
from liuzhou_spider.realpages import profile_for, read_saved_page
from liuzhou_spider.urls import canonicalize
from tests.sites import LZTZ

REAL_PAGES = Path(__file__).parent / "real_pages"
ARTICLE_FIELDS = ("title", "published_at", "published_precision", "source", "column",
                  "attachments", "body_contains", "body_excludes")


def _load(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return source, expected


def _cases() -> list[Any]:
    cases = []
    for folder in sorted(p for p in REAL_PAGES.iterdir() if (p / "expected.json").exists()):
        source, expected = _load(folder)
        fields = ARTICLE_FIELDS if source["kind"] == "article" else ("link_titles",)
        failures = expected.get("known_failures", {})
        for name in fields:
            if name not in expected:
                continue
            marks = []
            if not expected.get("reviewed"):
                marks.append(pytest.mark.skip(reason="fixture not reviewed yet"))
            elif name in failures:
                marks.append(pytest.mark.xfail(strict=True, reason=failures[name]))
            cases.append(pytest.param(folder.name, name, id=f"{folder.name}::{name}",
                                      marks=marks))
    return cases


@cache
def _article(name: str) -> dict[str, Any]:
    folder = REAL_PAGES / name
    source, expected = _load(folder)
    return read_saved_page((folder / "page.html").read_bytes(), source["url"], LZTZ,
                           link_title=expected.get("link_title"))


@cache
def _link_titles(name: str) -> dict[str, str]:
    folder = REAL_PAGES / name
    source, _ = _load(folder)
    profile = profile_for(source["url"], LZTZ)
    html = decode_html((folder / "page.html").read_bytes(), None)
    return parse_listing(html, source["url"], profile).link_titles


def test_the_set_is_large_and_varied() -> None:
    kinds: dict[str, int] = {}
    sites = set()
    for folder in (p for p in REAL_PAGES.iterdir() if p.is_dir()):
        source, expected = _load(folder)
        assert expected.get("reviewed"), folder.name
        assert source.get("licence") and source.get("dataset"), folder.name
        kinds[source["kind"]] = kinds.get(source["kind"], 0) + 1
        sites.add(folder.name.split("-")[0])
    assert kinds["article"] >= 25 and kinds["list"] >= 5 and len(sites) >= 10


@pytest.mark.parametrize(("name", "field"), _cases())
def test_real_page_field(name: str, field: str) -> None:
    source, expected = _load(REAL_PAGES / name)
    want = expected[field]
    if field == "link_titles":
        profile = profile_for(source["url"], LZTZ)
        got = _link_titles(name)
        assert {u: got.get(canonicalize(u, profile)) for u in want} == want
        return
    record = _article(name)
    if field == "body_contains":
        assert [s for s in want if s not in record["body_text"]] == []
    elif field == "body_excludes":
        assert [s for s in want if s in record["body_text"]] == []
    elif field == "attachments":
        assert [a["url"] for a in record["attachments"]] == want
    else:
        assert record[field] == want
