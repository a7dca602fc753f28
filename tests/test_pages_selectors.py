"""The selector index answers exactly what lxml's CSSSelector answers, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.cssselect import CSSSelector

from liuzhou_spider.pages.article import decode_html
from liuzhou_spider.pages.selectors import PageSelectors
from liuzhou_spider.pages.text import parse_document
from tests.sites import LZTZ

PAGES = Path(__file__).parent / "pages"
TRICKY = """<html><body class="a"><div id="x" class=" zoom\tb\nzoom "><p class="content">1</p>
<div class="zt-article"><h1>t</h1><div class="zt-article"><span class="content">2</span>
</div></div></div><div id="x" class="ZOOM zoom-out content\u00a0b">3</div>
<p class="b\u3000c content">4</p><h1 id="zoom">5</h1></body></html>"""
SELECTORS = sorted({
    s for t in LZTZ.templates for s in (t.detect, *t.body, *t.title, *t.info, *t.breadcrumb)
} | {".a", ".b", ".c", "#x", ".zoom", ".content", ".zt-article .content",
     ".zt-article .zt-article .content", "body .zt-article h1", ".b, #x, h1, .zoom",
     "div > p", "p.content", "*", "#x .content, .zt-article"})


@pytest.mark.parametrize("selector", SELECTORS)
def test_same_elements_in_the_same_order_as_cssselector(selector: str) -> None:
    pages = [TRICKY] + [decode_html(p.read_bytes()) for p in sorted(PAGES.glob("*.html"))]
    for markup in pages:
        root = parse_document(markup)
        expected = CSSSelector(selector)(root)
        assert PageSelectors(root).select(selector) == expected, selector
        assert PageSelectors(root).matches_any(selector) == bool(expected), selector
