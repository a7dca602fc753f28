"""Markup that once cost an article: a meta refresh to ``javascript:`` in the body, and
HTML5 void elements (``<embed>``, ``<wbr>``, ``<source>``) that libxml2 let swallow the
text after them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from liuzhou_spider.pages.text import parse_document, parse_fragment
from liuzhou_spider.refresh import KeepingMetaRefreshMiddleware
from pipelines.cleaning import read_article
from pipelines.fallback.dom import parse as parse_for_fallback
from tests.sites import LZTZ

PAGE = Path(__file__).parent / "pages" / "seed_both_renderings.html"
URL = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html"
PARAGRAPH = '<p style="text-indent: 2em;">刘胜友主持会议。</p>'


def page_with(markup: str) -> str:
    """The seed article with ``markup`` just before one of its last paragraphs."""
    html = PAGE.read_text(encoding="utf-8")
    assert PARAGRAPH in html
    return html.replace(PARAGRAPH, markup + PARAGRAPH, 1)


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "javascript:location.reload()", "'javascript:void(0)'",
])
def test_a_refresh_to_javascript_keeps_the_page(target: str) -> None:
    body = page_with(f'<meta http-equiv="refresh" content="0;url={target}">')
    request = Request(URL)
    response = HtmlResponse(URL, body=body.encode(), encoding="utf-8", request=request)
    middleware = KeepingMetaRefreshMiddleware(Settings({"METAREFRESH_ENABLED": True}))
    assert middleware.process_response(request, response) is response


def test_a_refresh_to_a_page_is_still_followed() -> None:
    body = page_with('<meta http-equiv="refresh" content="0;url=/tzdt/">')
    request = Request(URL)
    response = HtmlResponse(URL, body=body.encode(), encoding="utf-8", request=request)
    middleware = KeepingMetaRefreshMiddleware(Settings({"METAREFRESH_ENABLED": True}))
    middleware.crawler = SimpleNamespace(spider=None, stats=None)  # type: ignore[assignment]
    redirected = middleware.process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url == "https://www.lztz.gov.cn/tzdt/"


@pytest.mark.parametrize("void", ['<embed src="flash.swf">', "<embed>", "<wbr>",
                                  '<source src="a.mp4">', '<track src="a.vtt">'])
def test_a_void_element_keeps_the_text_after_it(void: str) -> None:
    whole = read_article(PAGE.read_text(encoding="utf-8"), URL, LZTZ, canonical_url=URL)
    article = read_article(page_with(void), URL, LZTZ, canonical_url=URL)
    assert article.body_text == whole.body_text
    assert article.body_text.count("刘胜友") == 3


@pytest.mark.parametrize("parse", [parse_document, parse_fragment, parse_for_fallback])
def test_void_elements_hold_nothing_in_any_parsed_tree(parse) -> None:  # type: ignore[no-untyped-def]
    root = parse("<div><p>a<wbr>b</p><embed src=x>c<p>d</p><embed><embed>e</div>")
    text = etree.tostring(root, encoding="unicode", method="text")
    assert text == "abcde"
    for void in root.iter("embed", "wbr"):
        assert len(void) == 0 and not void.text
