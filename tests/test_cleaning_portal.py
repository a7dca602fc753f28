"""Parse + clean every article page of the offline portal against its ground truth.

The generator renders each article in several templates and variations (legacy GBK
pages, doubled bodies, chrome inside the body box, meta tags or not, print and mobile
renderings); the ground truth holds each article's fields as read off its
canonical-content page (docs/architecture.md): the largest docid among the pages whose
body is at least 90% of the longest, the canonical-URL rule among cross-posts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from liuzhou_spider.items import CleanArticle
from liuzhou_spider.pages.article import decode_html, parse_article
from liuzhou_spider.portal.plan import COLUMNS
from liuzhou_spider.portal.truth import PageRef, content_page, load_ground_truth
from liuzhou_spider.profile import SiteProfile
from pipelines.cleaning import clean_article
from tests.sites import LZTZ

BASE = "https://www.lztz.gov.cn/"
ALIAS = "https://lztz.gov.cn/"
FIELDS = ("title", "published_at", "source", "column", "body_text", "images", "attachments")


def portal_profile() -> SiteProfile:
    """LZTZ plus the portal's column names (pages showing only a heading need them)."""
    return replace(LZTZ, column_names={c.path: tuple(c.names) for c in COLUMNS})


def clean_page(site: Path, url: str, profile: SiteProfile) -> CleanArticle:
    path = urlsplit(url).path
    markup = decode_html((site / path.lstrip("/")).read_bytes(), "text/html")
    return clean_article(parse_article(markup, url, profile), profile)


def fields_of(clean: CleanArticle) -> dict[str, Any]:
    return {
        "title": clean.title, "published_at": clean.published_at, "source": clean.source,
        "column": clean.column, "body_text": clean.body_text,
        "images": [{"url": i.url, "caption": i.caption} for i in clean.images],
        "attachments": [{"url": a.url, "title": a.title} for a in clean.attachments],
    }


def test_every_article_equals_its_ground_truth(portal_dir: Path) -> None:
    truth = load_ground_truth(portal_dir, BASE, ALIAS)
    profile = portal_profile()
    site = portal_dir / "site"
    current = {row["url"]: row["template"] != "legacy" for row in truth.pages}
    mismatches: list[str] = []
    checked = 0
    for record in truth.articles:
        cleaned = {url: clean_page(site, url, profile) for url in record["urls"]}
        for url, clean in cleaned.items():
            assert clean.chrome_leaks == [], url
            paragraphs = clean.body_text.split("\n")
            assert len(paragraphs) == len(set(paragraphs)), f"body twice in {url}"
        refs = [
            PageRef(url, int(clean.raw.docid or 0), current[url], len(clean.body_text))
            for url, clean in cleaned.items()
        ]
        chosen = content_page(refs).path
        got = fields_of(cleaned[chosen])
        if cleaned[chosen].published_precision != record["published_precision"]:
            mismatches.append(f"{chosen} published_precision")
        for name in FIELDS:
            if got[name] != record[name]:
                mismatches.append(f"{chosen} {name}: {got[name]!r:.120} != {record[name]!r:.120}")
        checked += 1
    assert checked == len(truth.articles) > 100
    assert mismatches == []


def test_print_and_mobile_renderings_give_the_same_body(portal_dir: Path) -> None:
    truth = load_ground_truth(portal_dir, BASE, ALIAS)
    profile = portal_profile()
    site = portal_dir / "site"
    renderings = 0
    for row in truth.pages:
        article = clean_page(site, row["url"], profile)
        for variant in (row["print_url"], row["mobile_url"]):
            if not variant or "?" in variant:
                continue  # ?print=1 is answered with the _print.html file of another row
            other = clean_page(site, BASE.rstrip("/") + urlsplit(variant).path, profile)
            assert other.body_text == article.body_text, variant
            assert other.title == article.title, variant
            assert [i.caption for i in other.images] == [i.caption for i in article.images]
            renderings += 1
    if renderings == 0:
        pytest.skip("this portal has no print/mobile files")
