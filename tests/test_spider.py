"""The spider without a crawl: how it decodes a page, and its incremental pager walk
(the pager's own order, 0- or 1-based)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from liuzhou_spider.bounds import Bounds
from liuzhou_spider.incremental import SeenBefore
from liuzhou_spider.items import ArticlePage
from liuzhou_spider.pages.listing import Listing
from liuzhou_spider.spiders.loader import site_spider

LztzSpider = site_spider("lztz")
BASE = "https://www.lztz.gov.cn/tzdt/szjj/"
NEW = BASE + "202602/t20260225_3712345.html"
KNOWN = BASE + "202601/t20260105_3700000.html"


def remembered() -> SimpleNamespace:
    return SimpleNamespace(etag=None, last_modified=None, content_hash="x", status=200,
                           article_id="a" * 16, gone_at=None)


@pytest.mark.parametrize("names", [
    ["", "index_1.html", "index_2.html"],  # 0-based
    ["xlist.shtml", "xlist_2.shtml", "xlist_3.shtml"],  # 1-based
])
def test_an_incremental_run_reads_the_next_page_in_the_pager_order(names: list[str]) -> None:
    spider = LztzSpider.from_crawler(get_crawler(LztzSpider))
    spider.seen = SeenBefore(memory={KNOWN: remembered()}, pager_depth=1)
    pager = [BASE + name for name in names]
    new_articles = Listing(article_urls=[NEW], pager_urls=pager)
    followed = [r.url for r in spider.follow(new_articles, pager[0]) if r.url in pager]
    assert followed == [pager[1]]
    known_only = Listing(article_urls=[KNOWN], pager_urls=pager)
    assert [r.url for r in spider.follow(known_only, pager[1]) if r.url in pager] == []


@pytest.mark.parametrize(("body", "replaced"), [
    ('<meta charset="gb2312"><p>统一战线</p>'.encode(), 0),  # declared gb2312, written UTF-8
    ("<p>统一战线</p>".encode() + b"\xff", 1),
])
def test_pages_are_decoded_as_browsers_do_and_replacements_counted(
    body: bytes, replaced: int,
) -> None:
    spider = LztzSpider.from_crawler(get_crawler(LztzSpider))
    response = HtmlResponse(NEW, body=body, headers={"Content-Type": "text/html"},
                            request=Request(NEW))
    page = next(item for item in spider.parse(response) if isinstance(item, ArticlePage))
    assert "<p>统一战线</p>" in page.html
    assert spider.crawler.stats.get_value("liuzhou/decode_replaced", 0) == replaced


def test_a_link_too_deep_on_one_path_is_not_a_cut_once_a_shorter_path_reaches_it() -> None:
    """Related-article chains reach a page deeper than its list page does: the refusal
    on the long path counts only while no shorter path has requested the page."""
    spider = LztzSpider.from_crawler(get_crawler(LztzSpider))
    spider.bounds = Bounds(depth_limit=2)
    stats = spider.crawler.stats
    chained = Listing(article_urls=[NEW])
    assert list(spider.follow(chained, KNOWN, depth=2)) == []  # NEW would be at depth 3
    assert list(spider.follow(chained, KNOWN, depth=2)) == []  # counted once
    assert stats.get_value("liuzhou/bounds/depth") == 1
    listed = Listing(article_urls=[NEW])
    assert [r.url for r in spider.follow(listed, BASE, depth=0)] == [NEW]
    assert stats.get_value("liuzhou/bounds/depth") == 0
    never = BASE + "202601/t20260101_3600000.html"
    assert list(spider.follow(Listing(article_urls=[never]), KNOWN, depth=2)) == []
    assert stats.get_value("liuzhou/bounds/depth") == 1
