"""The column tree learned from list pages, and when it names an article's column."""

from __future__ import annotations

from liuzhou_spider.pages.columns import (
    ColumnTree,
    column_folder,
    learned_columns,
    resolve_column,
)
from liuzhou_spider.pages.text import parse_document

LIST_PAGE = """<html><head><title>民主党派_某网</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/dptt/">党派团体</a></div>
<div class="position">当前位置：<a href="../../">首页</a> &gt;
<a href="../" class="CurrChnlCls">党派团体</a> &gt;
<a href="./" class="CurrChnlCls">民主党派</a></div>
<ul><li><a href="./201604/t20160403_1054440.html">标题</a></li></ul>
</body></html>"""


def test_folders_of_articles_and_list_pages() -> None:
    assert column_folder("http://x/dptt/mzdp/201604/t20160403_1054440.html") == "/dptt/mzdp/"
    assert column_folder("http://x/gzsx/t20160403_1054440.shtml") == "/gzsx/"
    assert column_folder("http://x/dptt/mzdp/index_3.html") == "/dptt/mzdp/"
    assert column_folder("http://x/dptt/mzdp/") == "/dptt/mzdp/"
    assert column_folder("http://x/images/logo.png") is None


def test_a_list_page_teaches_its_folder_and_each_ancestor() -> None:
    learned = learned_columns(parse_document(LIST_PAGE), "http://x/dptt/mzdp/index_2.html")
    assert learned == {"/dptt/mzdp/": ("党派团体", "民主党派"), "/dptt/": ("党派团体",)}


def test_a_page_without_breadcrumb_teaches_nothing() -> None:
    page = "<html><body><ul><li><a href='./a.html'>x</a></li></ul></body></html>"
    assert learned_columns(parse_document(page), "http://x/dptt/mzdp/") == {}


def test_the_deeper_path_of_a_folder_wins() -> None:
    tree = ColumnTree()
    tree.learn({"/tzdt/szjj/": ("时政聚焦",)})
    tree.learn({"/tzdt/szjj/": ("统战动态", "时政聚焦")})
    tree.learn({"/tzdt/szjj/": ("时政聚焦",)})
    assert tree.column_of("http://x/tzdt/szjj/202601/t20260105_1.html") == ["统战动态", "时政聚焦"]


def test_resolving_an_articles_column() -> None:
    tree = ColumnTree({"/dptt/mzdp/": ("党派团体", "民主党派")})
    url = "http://x/dptt/mzdp/201604/t20160403_1054440.html"
    # no breadcrumb, no name on the page: the folder's list pages decide
    assert resolve_column([], url, tree, from_breadcrumb=False) == ["党派团体", "民主党派"]
    # a lone column heading that agrees is completed
    assert resolve_column(["民主党派"], url, tree, from_breadcrumb=False,
                          own_names=("民主党派",)) == ["党派团体", "民主党派"]
    # a page that names another column keeps its own word
    assert resolve_column(["工商联"], url, tree, from_breadcrumb=False,
                          own_names=("工商联",)) == ["工商联"]
    # the page's own breadcrumb always wins (a cross-post names its own column)
    assert resolve_column(["统战动态", "本市"], url, tree, from_breadcrumb=True) == [
        "统战动态", "本市"]
    # an unknown folder changes nothing
    other = "http://x/gatq/201604/t20160403_1054441.html"
    assert resolve_column(["港澳台侨"], other, tree, from_breadcrumb=False) == ["港澳台侨"]


def test_a_folder_not_learned_yet_takes_its_parents_path_and_its_own_name() -> None:
    tree = ColumnTree({"/dptt/": ("党派团体",)})
    url = "http://x/dptt/mzdp/201604/t20160403_1054440.html"
    assert resolve_column(["民主党派"], url, tree, from_breadcrumb=False,
                          own_names=("民主党派", None)) == ["党派团体", "民主党派"]
    # no own name, or a menu path the page gave: unchanged
    assert resolve_column([], url, tree, from_breadcrumb=False) == []
    assert resolve_column(["党派团体", "民主党派"], url, tree, from_breadcrumb=False,
                          own_names=("民主党派",)) == ["党派团体", "民主党派"]
    # a top-level folder has no parent column
    assert resolve_column(["港澳台侨"], "http://x/gatq/201604/t20160403_1.html", tree,
                          from_breadcrumb=False, own_names=("港澳台侨",)) == ["港澳台侨"]
