"""Column pages: relative links, the createPageHTML pager, offsite and disallowed links."""

from pathlib import Path
from urllib.parse import urljoin

import pytest

from liuzhou_spider.pages.listing import links_in, parse_listing
from liuzhou_spider.pages.pager import Pager, read_pager
from liuzhou_spider.pages.text import decode_html, parse_document
from tests.sites import LZTZ

SAVED = sorted((Path(__file__).parent / "pages").glob("*.html"))

COLUMN = "https://www.lztz.gov.cn/tzdt/szjj/"
PAGE = """<html><body>
<ul class="list">
 <li><a href="./202602/t20260225_3712345.html">张壮在柳州市2026年新春第一会上强调</a></li>
 <li><a href="../../gzsx/202604/t20260427_3745336.html?from=timeline">工作实务</a></li>
 <li><a href="http://lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html#">同一篇</a></li>
 <li><a href="./202601/P020260101.pdf">附件</a></li>
 <li><a href="http://www.gov.cn/">中国政府网</a></li>
 <li><a href="/search/?q=统战">搜索</a></li>
 <li><a href="javascript:void(0)">js</a></li>
 <li><a href="../">上级栏目</a></li>
</ul>
<script>createPageHTML(4, 0, "index", "html");</script>
</body></html>"""


def test_links_are_resolved_sorted_and_deduplicated():
    listing = parse_listing(PAGE, COLUMN, LZTZ)
    assert listing.article_urls == [
        "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html",
        "https://www.lztz.gov.cn/gzsx/202604/t20260427_3745336.html",
    ]
    assert listing.attachment_urls == ["https://www.lztz.gov.cn/tzdt/szjj/202601/P020260101.pdf"]
    assert listing.offsite_urls == ["http://www.gov.cn/"]
    assert "https://www.lztz.gov.cn/tzdt/" in listing.column_urls
    assert not any("/search/" in u for u in listing.column_urls + listing.other_urls)


def test_pager_pages_come_from_the_script():
    listing = parse_listing(PAGE, COLUMN, LZTZ)
    assert listing.page_count == 4
    assert listing.pager_urls == [
        "https://www.lztz.gov.cn/tzdt/szjj/",
        "https://www.lztz.gov.cn/tzdt/szjj/index_1.html",
        "https://www.lztz.gov.cn/tzdt/szjj/index_2.html",
        "https://www.lztz.gov.cn/tzdt/szjj/index_3.html",
    ]


def test_pager_from_a_later_page_and_script_variables():
    html = "<script>var countPage = 3; var currentPage = 2;\n" \
           "createPageHTML(countPage, currentPage, 'index', 'shtml');</script>"
    pager = read_pager(html, "https://www.lztz.gov.cn/tzdt/index_2.shtml")
    urls, count = pager.urls, pager.count
    assert count == 3
    assert urls[-1] == "https://www.lztz.gov.cn/tzdt/index_2.shtml"


def test_no_pager_and_empty_page():
    assert read_pager("<p>no pager</p>", COLUMN) == Pager()
    listing = parse_listing("", COLUMN, LZTZ)
    assert listing.article_urls == [] and listing.page_count is None


def test_pager_variants_of_other_trs_releases():
    with_id = '<script>createPageHTML("page_div", 3, 0, "index", "html", 45);</script>'
    pager = read_pager(with_id, COLUMN)
    assert pager.count == 3 and pager.urls[-1] == COLUMN + "index_2.html"
    spaced = "<script>createPageHTML (2,0,'index','shtml')</script>"
    assert read_pager(spaced, COLUMN).urls == [COLUMN + "index.shtml", COLUMN + "index_1.shtml"]
    unread = read_pager("<script>createPageHTML(countPage, 0)</script>", COLUMN)
    assert unread == Pager(unreadable=True)


@pytest.mark.parametrize("page", ["index_3.html?from=menu#top", "", "sub/index_1.html"])
@pytest.mark.parametrize("prefix", ["index", "../list"])
def test_pager_pages_resolve_as_the_browser_would(page: str, prefix: str) -> None:
    html = f"<script>createPageHTML(4, 3, '{prefix}', 'html')</script>"
    names = [f"{prefix}.html"] + [f"{prefix}_{i}.html" for i in range(1, 4)]
    assert read_pager(html, COLUMN + page).urls == [urljoin(COLUMN + page, n) for n in names]


@pytest.mark.parametrize("saved", SAVED, ids=lambda path: path.name)
def test_links_of_a_parsed_page_are_those_of_its_html(saved: Path) -> None:
    html = decode_html(saved.read_bytes(), "text/html")
    url = "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html"
    listing = links_in(parse_document(html), html, url, LZTZ)
    assert listing == parse_listing(html, url, LZTZ)
    assert listing.column_urls


def test_links_of_a_parsed_column_page_keep_its_pager() -> None:
    assert links_in(parse_document(PAGE), PAGE, COLUMN, LZTZ) == parse_listing(PAGE, COLUMN, LZTZ)


def test_link_words_shared_by_several_pages_are_no_title() -> None:
    from liuzhou_spider.pages.listing import specific_words

    titles = {"a": "稿件", "b": "稿件", "c": "关于开展安全检查的通知", "d": "详细",
              "e": "市侨联召开全市统战部长会议", "f": "市侨联召开全市统战部长会议",
              "g": "阅读全文", "h": "阅读全文", "i": "阅读全文"}
    assert specific_words(titles) == {  # a republished headline listed twice still counts
        "c": "关于开展安全检查的通知", "d": "详细",
        "e": "市侨联召开全市统战部长会议", "f": "市侨联召开全市统战部长会议"}
