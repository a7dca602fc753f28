"""The reading worker's call: a page that cannot be read still gives its links."""

from __future__ import annotations

from pathlib import Path

import pytest

from liuzhou_spider.pages.listing import parse_listing
from liuzhou_spider.pages.text import decode_html
from pipelines import page_reading
from pipelines.cleaning import read_article
from pipelines.dedup import DedupConfig
from tests.sites import LZTZ

URL = "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html"
PAGE = """<html><body><div class="nav"><a href="../../gzsx/">工作实务</a></div>
<h1>标题</h1><div class="TRS_Editor"><p>正文第一段，有足够的中文内容。</p></div>
<a href="../202601/t20260101_3700001.html">上一篇</a></body></html>"""


def test_a_read_page_gives_links_article_and_sketch() -> None:
    reading = page_reading.read_page(PAGE, URL, LZTZ, DedupConfig(), canonical_url=URL)
    assert reading.error is None and reading.article is not None
    assert reading.article.sketch is not None and reading.article.sketch.length > 0
    assert reading.links.article_urls == [
        "https://www.lztz.gov.cn/tzdt/szjj/202601/t20260101_3700001.html"
    ]
    assert "https://www.lztz.gov.cn/tzdt/gzsx/" in reading.links.column_urls


def test_a_page_that_cannot_be_read_still_gives_its_links(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("markup from another planet")

    monkeypatch.setattr(page_reading, "read_article", broken)
    reading = page_reading.read_page(PAGE, URL, LZTZ, DedupConfig(), canonical_url=URL)
    assert reading.article is None
    assert "markup from another planet" in (reading.error or "")
    assert reading.links.article_urls == [
        "https://www.lztz.gov.cn/tzdt/szjj/202601/t20260101_3700001.html"
    ]


@pytest.mark.parametrize(
    "saved", sorted((Path(__file__).parent / "pages").glob("*.html")), ids=lambda p: p.name
)
def test_one_parse_reads_what_the_string_functions_read(saved: Path) -> None:
    html = decode_html(saved.read_bytes(), "text/html")
    fetch = {"canonical_url": URL, "fetched_at": "2026-02-25T09:44:00+00:00"}
    reading = page_reading.read_page(html, URL, LZTZ, DedupConfig(), **fetch)
    assert reading.links == parse_listing(html, URL, LZTZ)
    assert reading.article == read_article(html, URL, LZTZ, **fetch)
