"""Title, date and source from several pieces of evidence: the hard cases of real sites,
each in a few lines of markup (the real pages themselves are in tests/real_pages)."""

from __future__ import annotations

import pytest

from liuzhou_spider.pages.article import parse_article
from liuzhou_spider.pages.dates import find_date
from liuzhou_spider.pages.evidence import labelled_source, outlet_beside, short_text
from liuzhou_spider.pages.text import parse_document
from liuzhou_spider.pages.titles import clean_meta_title, strip_suffix
from pipelines.cleaning import clean_article
from tests.sites import LZTZ

URL = "http://www.example.gov.cn/zwgk/gzdt/202405/t20240510_123456.html"
BODY = "<div class='TRS_Editor'><p>正文第一段，内容充实而且足够长，读者一眼认出这是文章。</p></div>"


def page(head: str, body: str) -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}{BODY}</body></html>"


def read(html: str, link_title: str | None = None):
    raw = parse_article(html, URL, LZTZ, link_title=link_title)
    return raw, clean_article(raw, LZTZ)


def test_article_title_meta_loses_its_markup() -> None:
    html = page("<meta name='ArticleTitle' content='&lt;p&gt;关于做好防汛工作的通知&lt;/p&gt;'>"
                "<title>关于做好防汛工作的通知_某省人民政府</title>",
                "<div class='info'>发布日期：2024-05-10</div>")
    _raw, clean = read(html)
    assert clean.title == "关于做好防汛工作的通知" and "<" not in clean.title
    assert clean_meta_title("标题<br/>第二行") == "标题 第二行"
    # no blank beside full-width punctuation; a subtitle after a dash rule is no name
    assert clean_meta_title("凝聚力量<div>——热烈祝贺会议开幕</div>") == "凝聚力量——热烈祝贺会议开幕"
    assert strip_suffix("为建设凝聚强大智慧和力量——热烈祝贺会议开幕", frozenset()) == (
        "为建设凝聚强大智慧和力量——热烈祝贺会议开幕")


def test_a_logo_heading_named_in_the_title_tag_is_not_the_title() -> None:
    html = page("<title>市政府召开常务会议 - 某市人民政府网</title>",
                "<h1 class='logo'><a href='/'><img src='/logo.png'>某市人民政府网</a></h1>"
                "<div class='article-title'>市政府召开常务会议</div>"
                "<div class='info'>发布时间：2024-05-10 09:30</div>")
    raw, clean = read(html)
    assert clean.title == "市政府召开常务会议"
    assert raw.title_from == "heading"


def test_a_breadcrumb_container_whose_class_says_title_is_not_the_title() -> None:
    html = page("<title>某市人民政府</title>",
                "<div class='title-bar'>当前位置：首页 &gt; 政务公开 &gt; 工作动态</div>"
                "<div class='bt'>全市安全生产工作会议召开</div>"
                "<div class='info'>发布时间：2024-05-10 09:30</div>")
    assert read(html)[1].title == "全市安全生产工作会议召开"


@pytest.mark.parametrize(("head", "title"), [
    # the site's name from its SiteName meta
    ("<meta name='SiteName' content='某省发展和改革委员会'>"
     "<title>一季度经济运行情况_某省发展和改革委员会</title>", "一季度经济运行情况"),
    # no meta: the short names appended after the headline (column, site, domain)
    ("<title>一季度经济运行情况_数据发布_某省发改委_fgw.example.gov.cn</title>",
     "一季度经济运行情况"),
    # another site's name appended after the headline
    ("<title>一季度经济运行情况 - 新华网</title>", "一季度经济运行情况"),
    # separators doubled
    ("<title>一季度经济运行情况__数据发布_某省发改委</title>", "一季度经济运行情况"),
    # a web address appended, however long
    ("<title>海姑娘 | blog.wenxuecity.com</title>", "海姑娘"),
    # the site's name put before the headline
    ("<meta name='SiteName' content='理论中国网'><title>理论中国网-2022年第4期</title>",
     "2022年第4期"),
])
def test_the_title_tag_loses_the_names_appended_to_it(head: str, title: str) -> None:
    assert read(page(head, "<div class='info'>发布日期：2024-05-10</div>"))[1].title == title


def test_a_separator_inside_the_headline_stays_when_a_heading_confirms_it() -> None:
    html = page("<title>新华视界｜河北遵化：数字农机服务助力农业生产-新华网河北频道-新华网</title>",
                "<h1>新华视界｜河北遵化：数字农机服务助力农业生产</h1>"
                "<div>2024-05-15 08:58:52 来源：新华网</div>")
    assert read(html)[1].title == "新华视界｜河北遵化：数字农机服务助力农业生产"
    headline = "甲乙｜丙丁戊己庚"
    assert strip_suffix(f"{headline}-网", frozenset(), headline) == headline


def test_a_heading_confirmed_by_a_title_tag_that_adds_a_name_after_a_blank() -> None:
    # <title> = headline, a blank, the site's name: the heading is confirmed, and the
    # unlabelled line under it gives date and outlet.
    html = page("<title>土豆不“土” 土豆无“土” 松花江网</title>",
                "<div><h2>土豆不“土” 土豆无“土”</h2><div><span>2022-02-13 09:57　　光明网"
                "</span></div></div>")
    raw, clean = read(html)
    assert (clean.title, raw.title_from) == ("土豆不“土” 土豆无“土”", "heading")
    assert (clean.published_at, clean.source) == ("2022-02-13T09:57:00+08:00", "光明网")
    # A blank inside a headline is no separator: the whole <title> stays.
    html = page("<title>土豆不“土” 土豆无“土”</title>", "<h2>土豆不“土”</h2>")
    assert read(html)[1].title == "土豆不“土” 土豆无“土”"


def test_the_title_tags_headline_shown_in_a_cell_beats_an_unconfirmed_line() -> None:
    # No heading tag; the line above the info line is a quote of the body.  The page
    # shows <title>'s headline as a cell of its own: that is the title.
    html = page("<title>四年前中500万现穷困潦倒 一夜暴富后如何经营__商贸_产业资讯_新浪网</title>",
                "<table><tr><th><font>四年前中500万现穷困潦倒 一夜暴富后如何经营</font></th></tr>"
                "<tr><td>http://www.sina.net 2005年03月21日 11:21 <font>《理财周刊》</font></td>"
                "</tr></table><p>“我现在没有钱了，怎么办呢？”他说。</p>"
                "<p>发布时间：2005-03-21 11:21</p>")
    raw, clean = read(html)
    headline = "四年前中500万现穷困潦倒 一夜暴富后如何经营"
    assert (clean.title, raw.title_from) == (headline, "title_tag")
    # A <title> that is one name confirms nothing, though a logo shows it.
    html = page("<title>某某县人民政府</title>",
                "<div class='top'>某某县人民政府</div><div>关于开展春季植树活动的通知</div>"
                "<div>发布时间：2024-05-10</div>")
    assert read(html)[1].title == "关于开展春季植树活动的通知"


def test_date_and_source_in_sibling_elements() -> None:
    html = page("<title>标题一二三四</title>",
                "<h1>标题一二三四</h1><div class='meta'><div class='ly'>来源：某市日报</div>"
                "<div class='sj'>2024-05-10 17:44</div></div>")
    _raw, clean = read(html)
    assert (clean.published_at, clean.published_precision) == (
        "2024-05-10T17:44:00+08:00", "datetime")
    assert clean.source == "某市日报"


def test_an_unlabelled_date_line_under_the_title_keeps_its_precision() -> None:
    html = page("<title>标题一二三四</title><meta name='PubDate' content='2024-05-10 00:00:00'>",
                "<h1>标题一二三四</h1><p class='date'>2024-05-10</p>")
    raw, clean = read(html)
    assert (clean.published_at, clean.published_precision) == (
        "2024-05-10T00:00:00+08:00", "date")
    assert raw.published_from == "under_title"


def test_a_midnight_pubdate_alone_is_a_date() -> None:
    html = page("<title>标题一二三四</title><meta name='PubDate' content='2024-05-10 00:00:00'>",
                "<h1>标题一二三四</h1>")
    raw, clean = read(html)
    assert clean.published_precision == "date" and raw.published_from == "meta"


def test_a_pubdate_with_seconds_refines_the_minute_shown() -> None:
    html = page("<title>标题一二三四</title><meta name='PubDate' content='2024-05-10 17:44:09'>",
                "<h1>标题一二三四</h1><div class='info'>发布时间：2024-05-10 17:44</div>")
    assert read(html)[1].published_at == "2024-05-10T17:44:09+08:00"


def test_a_pubdate_of_another_day_does_not_replace_the_date_shown() -> None:
    html = page("<title>标题一二三四</title><meta name='PubDate' content='2024-05-01 08:00'>",
                "<h1>标题一二三四</h1><div class='info'>发布时间：2024-05-10 17:44</div>")
    assert read(html)[1].published_at == "2024-05-10T17:44:00+08:00"


@pytest.mark.parametrize(
    ("script", "published_at"),
    [
        # schema.org in UTC: the same moment in Beijing time.
        ('{"@type":"NewsArticle","headline":"标题一二三四",'
         '"datePublished":"2024-05-09T14:30:07.000Z"}', "2024-05-09T22:30:07+08:00"),
        # Baidu's structured data, not valid JSON (a raw line break in a value).
        ('{"title":"标题一二三四\n","pubDate":"2024-05-09T14:30:07"}',
         "2024-05-09T14:30:07+08:00"),
    ],
)
def test_a_json_ld_date_is_a_meta_date(script: str, published_at: str) -> None:
    html = page(f"<title>标题一二三四</title><script type='application/ld+json'>{script}</script>",
                "<h1>标题一二三四</h1>")
    raw, clean = read(html)
    assert (clean.published_at, raw.published_from) == (published_at, "meta")
    # A meta tag says it first.
    tagged = page("<meta name='PubDate' content='2024-05-01 08:00:00'>"
                  f"<script type='application/ld+json'>{script}</script>", "<h1>标题一二三四</h1>")
    assert read(tagged)[1].published_at == "2024-05-01T08:00:00+08:00"


def test_no_date_on_the_page_falls_back_to_the_url() -> None:
    _raw, clean = read(page("<title>标题一二三四</title>", "<h1>标题一二三四</h1>"))
    assert (clean.published_at, clean.published_from) == ("2024-05-10T00:00:00+08:00", "url")


def test_an_unlabelled_outlet_beside_the_date_is_the_source() -> None:
    html = page("<title>城市有轨电车之困_新浪新闻</title>",
                "<h1 class='main-title'>城市有轨电车之困</h1><div class='date-source'>"
                "<span class='date'>2024年05月10日 00:26</span>"
                "<a class='source' href='https://www.nbd.com.cn/'>每日经济新闻</a></div>")
    raw, clean = read(html)
    assert clean.source == "每日经济新闻" and raw.source_from == "under_title_unlabelled"


@pytest.mark.parametrize(("text", "source"), [
    ("来源：人民日报2024-05-13 08:49", "人民日报"),
    ("本文来源于 国家统计局 2024-05-11 09:36:26", "国家统计局"),
    ("稿件来源： 河北日报", "河北日报"),
    ("原创：39健康网2024-04-23 12:27:25", "39健康网"),
    ("2005年3月11日12:12 来源：[ 人民网 ]", "人民网"),
    ("来源于： 东区办事处", "东区办事处"),
    ("作者： size=\"20\" 来源： size=\"20\" 发布日期：", None),  # a template's empty field
    ("发布时间：2024-05-10", None),
])
def test_labelled_sources(text: str, source: str | None) -> None:
    assert labelled_source(text) == source


@pytest.mark.parametrize(("text", "outlet"), [
    ("2024年05月16日 17:02 新京报作者：新京报", "新京报"),
    ("经济日报 2024-05-13 06:16 发布于 北京 经济日报官方账号", "经济日报"),
    ("发布日期：2026-02-25", None),
    ("2024-05-10 字号：大 中 小 打印", None),
    ("2024-05-10 作者：张三", None),
    ("http://www.sina.net 2005年03月21日 11:21 《理财周刊》", "理财周刊"),
    ("2024-05-13 06:15 发布于：北京市", None),  # where the account posted from
    ("2004年10月21日14:18 我来说两句(0)", None),
    ("2019-05-17 · 苏皖城市报道", "苏皖城市报道"),
    ("发布日期：2019-09-23 14:34:05 所属分类： 头条", None),  # a category, not an outlet
])
def test_outlets_beside_a_date(text: str, outlet: str | None) -> None:
    found = find_date(text)
    assert found is not None and outlet_beside(text, found) == outlet


def test_the_list_link_confirms_or_is_flagged() -> None:
    html = page("<title>某某工作会议召开_某市政府网</title>",
                "<h1>某某工作会议召开</h1><div class='info'>发布时间：2024-05-10 09:30</div>")
    raw, _ = read(html, link_title="某某工作会议召开")
    assert (raw.title, raw.title_from, raw.title_conflict) == ("某某工作会议召开", "heading", False)
    raw, _ = read(html, link_title="某某工作...")  # cut short on the list page
    assert (raw.title, raw.title_conflict) == ("某某工作会议召开", False)
    long_html = html.replace("某某工作会议召开", "全市统一战线工作会议在柳州召开")
    raw, _ = read(long_html, link_title="全市统一战线工作会议")  # cut with no mark
    assert (raw.title, raw.title_conflict) == ("全市统一战线工作会议在柳州召开", False)
    raw, _ = read(html, link_title="另一篇文章的标题")
    assert raw.title == "某某工作会议召开" and raw.title_conflict
    assert raw.link_title == "另一篇文章的标题"


def test_the_list_link_decides_when_the_page_settles_nothing() -> None:
    html = page("<title>某市人民政府</title>", "<div class='info'>发布时间：2024-05-10</div>")
    _raw, clean = read(html, link_title="关于开展安全检查的通知")
    assert (clean.title, clean.title_from) == ("关于开展安全检查的通知", "list_link")


def test_list_words_the_page_shows_as_a_block_are_page_evidence() -> None:
    html = page("<title>柳州统战网</title>",
                "<table><tr><td><font><strong>关于开展安全检查的通知</strong></font></td></tr>"
                "<tr><td class='fbsj'>发布时间：2024-05-10</td></tr></table>")
    _raw, clean = read(html, link_title="关于开展安全检查的通知")
    assert clean.title == "关于开展安全检查的通知"
    assert clean.title_from not in ("list_link", "title_tag")  # the page shows it


def test_short_text_stops_at_the_limit() -> None:
    root = parse_document("<div>日期 <script>x()</script>尾巴<!-- c -->后<b>粗</b>完</div>")
    div = root.find(".//div")
    assert short_text(div, 80) == "日期 尾巴 后 粗 完"
    assert short_text(div, 3) is None


@pytest.mark.parametrize(("crumb", "column"), [
    ("<a href='/'>网易首页</a> &gt; <a href='/news/'>新闻中心</a> &gt; 正文 "
     "<a href='/x'>申请入驻</a>", ["新闻中心"]),
    # the site's own name (appended to <title>) linking to the root is its home
    ("<a href='http://www.example.gov.cn/'>某省政府网</a>&gt;&gt;<a href='/jj/'>经济·科技</a>",
     ["经济·科技"]),
    # a channel linking to its host's root is a column
    ("<a href='/'>资讯</a> &gt; <a href='/dl/'>大陆</a> &gt; 正文", ["资讯", "大陆"]),
    ("<a href='/'>首页</a> → <a href='/theory/'>理论新闻</a>", ["理论新闻"]),
    ("<a href='/china/'>国内新闻</a>&gt;正文", ["国内新闻"]),
    # the main host of the page's domain is the home of its subsites ...
    ("<a href='http://example.gov.cn/'>某某网</a>&gt;&gt;<a href='/jy/'>教育</a>", ["教育"]),
    # ... but www.gov.cn is not the home of every *.gov.cn site
    ("<a href='http://www.gov.cn/'>中国政府网</a> &gt; <a href='/jj/'>经济</a>",
     ["中国政府网", "经济"]),
    # arrows drawn by CSS: the list items are the names
    ("<ul class='bread'><li><a href='/'>某省政府网</a></li><li><a href='/ty/'>太原</a></li>"
     "<li>正文</li></ul>", ["太原"]),
])
def test_an_unlabelled_breadcrumb_gives_the_column(crumb: str, column: list[str]) -> None:
    html = page("<title>标题一二三四--某省政府网</title>", f"<div class='crumb'>{crumb}</div>"
                "<h1>标题一二三四</h1><div class='info'>发布时间：2024-05-10</div>")
    assert read(html)[1].column == column


@pytest.mark.parametrize(("crumb", "column"), [
    ("您所在的位置&nbsp;<a href='/'>首页</a>&nbsp;<a href='/zt/'>专题频道</a>&nbsp;"
     "<a href='/zt/gn/'>国内专题</a>", ["专题频道", "国内专题"]),
    ("<span>当前位置：</span><span><a href='/'>首页</a>/<a href='/yw/'>要闻动态</a>/"
     "<a href='/yw/jr/'>今日关注</a></span>", ["要闻动态", "今日关注"]),
    ("您当前所在位置：<a href='/'>首页</a> &gt; <a href='/xw/'>新闻</a>", ["新闻"]),
    ("<h2>您的当前位置：<a href='/xw/'>新闻</a>&nbsp;&gt;&nbsp;<a href='/xw/wh/'>武汉</a></h2>",
     ["新闻", "武汉"]),
])
def test_a_labelled_breadcrumb_in_any_wording_and_with_any_separator(
    crumb: str, column: list[str]
) -> None:
    html = page("<title>标题一二三四--某省政府网</title>", f"<div>{crumb}</div>"
                "<h1>标题一二三四</h1><div class='info'>发布时间：2024-05-10</div>")
    assert read(html)[1].column == column


def test_a_more_link_is_no_breadcrumb() -> None:
    html = page("<title>标题一二三四</title>", "<div><a href='/list/'>更多&gt;&gt;</a></div>"
                "<h1>标题一二三四</h1><div class='info'>发布时间：2024-05-10</div>")
    assert read(html)[0].column_path == []


def test_the_list_pages_date_comes_before_the_urls() -> None:
    raw = parse_article(page("<title>标题一二三四</title>", "<h1>标题一二三四</h1>"), URL, LZTZ,
                        link_date="2024-05-09 16:20")
    clean = clean_article(raw, LZTZ)
    assert (clean.published_at, clean.published_from) == ("2024-05-09T16:20:00+08:00", "list")


def test_a_list_item_gives_its_links_words_and_date() -> None:
    from liuzhou_spider.pages.listing import parse_listing

    html = ("<html><body><ul><li><a href='/gzdt/202405/t20240510_1.html' title='关于开展安全生产"
            "大检查的通知'>关于开展安全生产...</a><span>2024-05-10</span></li>"
            "<li><a href='/gzdt/202405/t20240509_2.html'>会议召开 2024年</a></li>"
            "</ul></body></html>")
    listing = parse_listing(html, "http://www.example.gov.cn/gzdt/", LZTZ.with_start_urls(
        ["http://www.example.gov.cn/"], []))
    first, second = listing.article_urls
    assert listing.link_titles[first] == "关于开展安全生产大检查的通知"
    assert listing.link_dates == {first: "2024-05-10"}  # no date outside the second link
    assert listing.link_titles[second] == "会议召开 2024年"


def test_an_address_in_a_source_meta_is_no_source() -> None:
    from liuzhou_spider.pages.evidence import meta_source

    assert meta_source({"article:author": "https://www.facebook.com/RFI-155677885272/"}) is None
    assert meta_source({"source": "来源：新华社"}) == "新华社"


def test_the_founder_cms_comment_gives_a_date_and_a_title_meta() -> None:
    enp = ("<!--enpproperty <articleid>1</articleid><date>2022-02-13 00:00:00:0</date>"
           "<author></author><title>“厕所革命”改善农牧区人居环境</title>/enpproperty-->")
    html = page("<title>内蒙古日报</title>", f"{enp}<div>“厕所革命”改善农牧区人居环境</div>")
    raw, clean = read(html)
    # A midnight entry time is a date only; the title is confirmed by the block showing it.
    assert (clean.published_at, clean.published_precision, raw.published_from) == (
        "2022-02-13T00:00:00+08:00", "date", "meta")
    assert clean.title == "“厕所革命”改善农牧区人居环境"
    # The newspaper form, after </html>.
    mp = ("<!--mpproperty <founder-date>\n2022-02-12\n</founder-date>"
          "<founder-title>拿起跨界“指挥棒”</founder-title>-->")
    raw, clean = read(page("<title>河南商报</title>", "<h1>拿起跨界“指挥棒”</h1>") + mp)
    assert (clean.published_at, raw.published_from) == ("2022-02-12T00:00:00+08:00", "meta")
    # Another comment says nothing.
    assert read(page("<title>标题一二三四</title>", "<!-- <date>2022-02-13</date> -->"
                     "<h1>标题一二三四</h1>"))[0].published_from is None


def test_a_labelled_date_under_the_body_when_the_page_shows_none_above() -> None:
    html = page("<title>徒手抓子弹真的存在吗？</title>",
                "<div class='rumor-title'>徒手抓子弹真的存在吗？</div>"
                "<div class='rumor-info'><span>来源： 科普中国-科学原理</span></div>"
                f"<div class='TRS_Editor'><p>{'看过电影的人可能会记得这段剧情。' * 20}</p></div>"
                "<div><span class='span_time'>时间：2019-09-24 17:08</span>"
                "<div id='socialShare'>分享</div></div>"
                "<div class='footer'>发布时间：2001-01-01 版权所有</div>")
    raw, clean = read(html)
    assert (clean.published_at, raw.published_from) == ("2019-09-24T17:08:00+08:00",
                                                         "labelled_line")
    assert clean.source == "科普中国-科学原理"


def test_microdata_and_government_date_metas() -> None:
    html = page("<title>标题一二三四</title>"
                "<meta itemprop='datePublished' content='2019-10-08 12:00:57'>",
                "<h1>标题一二三四</h1>")
    assert read(html)[1].published_at == "2019-10-08T12:00:57+08:00"
    html = page("<title>标题一二三四</title>"
                "<meta name='firstpublishedtime' content='2007-08-20-23:59:59'>",
                "<h1>标题一二三四</h1>")
    assert read(html)[1].published_at == "2007-08-20T00:00:00+08:00"


def test_an_advertisements_label_above_the_title_is_no_column() -> None:
    html = page("<title>阿里发布最强AI芯片</title>",
                "<div class='column-ad'><div class='ad-title'>广告</div></div>"
                "<div class='cover-text'><h4>阿里发布最强AI芯片</h4>"
                "<div><span>时间：2019-09-25</span></div></div>")
    assert read(html)[1].column == []
