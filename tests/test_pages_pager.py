"""The pager scripts of real TRS list pages: every call, inline definitions, the
``countPage``/``document.write`` form, 0- and 1-based numbering, unreadable pagers."""

from __future__ import annotations

import pytest

from liuzhou_spider.pages.listing import parse_listing
from liuzhou_spider.pages.pager import Pager, read_pager
from liuzhou_spider.portal.assets import COMMON_JS
from tests.sites import LZTZ

COLUMN = "https://www.lztz.gov.cn/tzdt/szjj/"
# The function-less form TRS templates write (0-based: page 1 is currentPage 0).
WRITTEN = """<div class="page"><script language="JavaScript">
var currentPage = {current};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
document.write("共"+countPage+"页&nbsp;&nbsp;");
if(countPage>1&&currentPage!=0&&currentPage!=1)
  document.write("<a href=\\"index.html\\">首页</a>&nbsp;" +
    "<a href=\\"index"+"_" + prevPage + "."+"html\\">上一页</a>");
if(countPage>1&&currentPage!=(countPage-1))
  document.write("<a href=\\"index"+"_" + nextPage + "."+"html\\">下一页</a>&nbsp;" +
    "<a href=\\"index_" + (countPage-1) + "."+"html\\">尾页</a>");
</script></div>"""
# A 1-based release: an element id first, the record count last.
ONE_BASED = """<div id="page_div"></div><script>
function createPageHTML(divName,_nPageCount, _nCurrIndex, _sPageName, _sPageExt,_nPageSum){
  var nCurrIndex = _nCurrIndex;
  for(var k=1; k<=_nPageCount; k++){ var param = ""; if(k >1 ) param = "_" + k; }
}
createPageHTML('page_div', 5, {current}, 'xlist', 'shtml', 88);
</script>"""


def names(pager: Pager) -> list[str]:
    return [url.rsplit("/", 1)[1] for url in pager.urls]


def test_an_inline_definition_before_the_call_is_skipped() -> None:
    html = f"<script>{COMMON_JS}</script><script>createPageHTML(4, 0, 'index', 'html');</script>"
    pager = read_pager(html, COLUMN)
    assert pager.count == 4 and not pager.unreadable
    assert names(pager) == ["index.html", "index_1.html", "index_2.html", "index_3.html"]


@pytest.mark.parametrize(("page", "current"), [("", 0), ("index_2.html", 2)])
def test_the_written_countpage_form(page: str, current: int) -> None:
    html = WRITTEN.replace("{current}", str(current)).replace("{count}", "3")
    pager = read_pager(html, COLUMN + page)
    assert names(pager) == ["index.html", "index_1.html", "index_2.html"]
    assert pager.count == 3


@pytest.mark.parametrize(("page", "current"), [("xlist.shtml", 1), ("xlist_3.shtml", 3)])
def test_a_one_based_call_names_pages_two_to_n(page: str, current: int) -> None:
    url = "https://www.example.gov.cn/xwzx/" + page
    pager = read_pager(ONE_BASED.replace("{current}", str(current)), url)
    assert names(pager) == [
        "xlist.shtml", "xlist_2.shtml", "xlist_3.shtml", "xlist_4.shtml", "xlist_5.shtml"]


def test_a_plain_call_that_says_page_one_on_the_first_page_is_one_based() -> None:
    pager = read_pager("<script>createPageHTML(3, 1, 'index', 'html')</script>", COLUMN)
    assert names(pager) == ["index.html", "index_2.html", "index_3.html"]


def test_the_last_page_of_a_plain_one_based_call_says_so() -> None:
    url = "https://www.example.gov.cn/news/list_3.shtml"
    pager = read_pager("<script>createPageHTML(3, 3, 'list', 'shtml')</script>", url)
    assert names(pager) == ["list.shtml", "list_2.shtml", "list_3.shtml"]


def test_every_call_is_read_and_the_names_default_to_the_page_own() -> None:
    html = ("<script>createPageHTML(2, 0)</script><p>…</p>"
            "<script>createPageHTML(3, 0)</script>")
    pager = read_pager(html, "https://www.example.gov.cn/news/list.shtml")
    assert names(pager) == ["list.shtml", "list_1.shtml", "list_2.shtml"]
    assert pager.count == 3


def test_a_definition_alone_is_no_pager() -> None:
    assert read_pager(f"<script>{COMMON_JS}</script>", COLUMN) == Pager()
    usage = "<script>\n  // 用法：createPageHTML(总页数, 当前页, 'index', 'html')\n</script>"
    assert read_pager(usage, COLUMN) == Pager()
    after_link = "<script>document.write('<a href=\"http://x.cn/\">x</a>');" \
                 "createPageHTML(2, 0, 'index', 'html');</script>"
    assert read_pager(after_link, COLUMN).count == 2
    assert read_pager("<p>document.write is mentioned</p>", COLUMN) == Pager()
    # A count that writes no links is some other script's (a gallery's), not a pager.
    assert read_pager("<script>var totalPage = 4; show(totalPage);</script>", COLUMN) == Pager()


@pytest.mark.parametrize("script", [
    "createPageHTML(${pageCount}, 0, 'index', 'html');",
    "createPageHTML(countPage, currentPage, 'index', 'html');",  # no such variables
    "createPageHTML(parseInt(total), 0, 'index', 'html');",
])
def test_a_pager_that_is_there_but_unreadable_is_reported(script: str) -> None:
    pager = read_pager(f"<script>{script}</script>", COLUMN)
    assert pager == Pager(unreadable=True)
    listing = parse_listing(f"<script>{script}</script>", COLUMN, LZTZ)
    assert listing.pager_unreadable and listing.pager_urls == []


def test_an_article_pager_names_no_list_pages() -> None:
    url = COLUMN + "202602/t20260225_3712345.html"
    html = "<script>createPageHTML(3, 0, 't20260225_3712345', 'html');</script>"
    listing = parse_listing(html, url, LZTZ)
    assert listing.pager_urls == [] and listing.page_count is None
    assert not listing.pager_unreadable


def test_the_written_form_with_other_variable_names_and_quotes() -> None:
    html = ("<script>var PageCount = 3; var CurrentPage = 0;\n"
            "document.write('<a href=\"list_' + (CurrentPage+1) + '.shtml\">下一页</a>');"
            "</script>")
    pager = read_pager(html, "https://www.example.gov.cn/news/list.shtml")
    assert names(pager) == ["list.shtml", "list_1.shtml", "list_2.shtml"]


def test_the_page_name_is_the_string_before_the_suffix_wherever_it_stands() -> None:
    html = "<script>createPageHTML(3, 0, 'list', 'shtml', 'page-box', 52);</script>"
    pager = read_pager(html, "https://www.example.gov.cn/news/")
    assert names(pager) == ["list.shtml", "list_1.shtml", "list_2.shtml"]
