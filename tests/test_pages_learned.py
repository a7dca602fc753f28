"""The site's <title> suffix learned from its list pages, and what it does to titles."""

from __future__ import annotations

from liuzhou_spider.pages.learned import LearnedSite, title_suffix
from liuzhou_spider.pages.text import parse_document


def list_page(title: str) -> str:
    return (f"<html><head><title>{title}</title></head><body>"
            "<div class='position'>当前位置：<a href='/'>首页</a> &gt; "
            "<a href='./'>工作动态</a></div></body></html>")


def test_the_suffix_many_list_titles_share_is_the_sites() -> None:
    titles = ["工作动态_某某市人民政府", "通知公告_某某市人民政府", "政策解读_某某市人民政府",
              "首页"]
    assert title_suffix(titles) == "_某某市人民政府"
    assert title_suffix(titles[:2]) is None  # two pages are not enough to tell
    assert title_suffix(["甲-乙", "丙-丁", "戊-己"]) is None  # no tail in common


def test_a_learned_suffix_is_cut_from_titles_and_names_the_site() -> None:
    site = LearnedSite()
    for n, name in enumerate(("工作动态", "通知公告", "政策解读")):
        site.learn_list_page(parse_document(list_page(f"{name} - 某某市人民政府")),
                             f"http://x/col{n}/")
    assert site.site_name == "某某市人民政府"
    assert site.headline("关于开展安全检查的通知 - 某某市人民政府") == "关于开展安全检查的通知"
    assert site.headline("某某市人民政府") == "某某市人民政府"  # nothing before it: kept
    assert site.headline("关于开展安全检查的通知") == "关于开展安全检查的通知"
    assert site.columns.column_of("http://x/col0/202401/t20240105_1.html") == ["工作动态"]


def test_an_article_read_before_its_folders_list_page_is_settled_at_the_end() -> None:
    site = LearnedSite()
    url = "http://www.lztz.gov.cn/dptt/mzdp/201604/t20160403_1054440.html"
    # Read first: only the page's own column name is known.
    site.note_unsettled(url, ["民主党派"], ("民主党派", None))
    site.note_unsettled("http://www.lztz.gov.cn/gatq/202001/t20200101_1.html", ["港澳台侨"],
                        ("港澳台侨", None))
    assert site.settled_columns() == {}
    crumb = ("<div class='position'>当前位置：<a href='../../'>首页</a> &gt; "
             "<a href='../'>党派团体</a> &gt; <a href='./'>民主党派</a></div>")
    site.learn_list_page(parse_document(f"<html><body>{crumb}</body></html>"),
                         "http://www.lztz.gov.cn/dptt/mzdp/index.html")
    # The folder's list page, read later, completes the first; the other stays as read.
    assert site.settled_columns() == {url: (["民主党派"], ["党派团体", "民主党派"])}
