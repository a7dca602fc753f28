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
