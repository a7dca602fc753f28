"""Page parsing on saved pages: one test per variation of portal-spec.md, no reactor."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from liuzhou_spider.items import Attachment, Image, Registration
from liuzhou_spider.pages.article import article_in, decode_html, parse_article, strip_site_name
from liuzhou_spider.pages.text import parse_document
from tests.sites import LZTZ

PAGES = Path(__file__).parent / "pages"
SEED_URL = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html"
SEED_TITLE = "张壮在柳州市2026年新春第一会上强调 促招引 强工业 优环境 转作风 加快推动柳州高质量发展"


def page(name: str) -> str:
    return decode_html((PAGES / name).read_bytes(), "text/html")


def build(info: str, *, title: str = "测试文章标题", extra_head: str = "") -> str:
    """A current-template page whose info line is ``info``."""
    return f"""<html><head><meta charset="utf-8">{extra_head}<title>{title}_柳州统战网</title>
    </head><body><div class="breadcrumb">当前位置：首页 &gt; 统战动态</div>
    <h1 class="article-title">{title}</h1><div class="article-info">{info}</div>
    <div class="article-content"><p>正文第一段，内容充实。</p></div></body></html>"""


def test_seed_page_both_renderings_parse_from_the_current_one() -> None:
    raw = parse_article(page("seed_both_renderings.html"), SEED_URL, LZTZ, status=200,
                        fetched_at="2026-02-26T00:00:00+00:00")
    assert raw.template == "current"
    assert raw.title == SEED_TITLE
    assert raw.published_raw == "2026-02-25 17:44"
    assert raw.published_at == "2026-02-25T17:44:00+08:00"
    assert raw.source == "柳州1号"
    assert raw.column_path == ["统战动态", "时政聚焦", "本市"]
    assert raw.docid == "3712345" and raw.url_date == "2026-02-25"
    assert raw.fetched_at == "2026-02-26T00:00:00+00:00" and raw.status == 200
    assert raw.body_html is not None and "南国春来早" in raw.body_html
    assert [img.caption for img in raw.images] == ["张壮出席并讲话。", "大会现场。"]
    assert all(img.url.startswith("https://www.lztz.gov.cn/") for img in raw.images)


def test_seed_page_yields_both_registration_pairs() -> None:
    raw = parse_article(page("seed_both_renderings.html"), SEED_URL, LZTZ)
    assert raw.registrations == [
        Registration("icp", "桂ICP备19011773号"),
        Registration("psb", "桂公网安备45020502000153号"),
        Registration("icp", "桂ICP备05009280号"),
        Registration("psb", "桂公网安备45020502000013号"),
    ]


@pytest.mark.parametrize(
    ("url", "rendering", "canonical"),
    [
        (SEED_URL, "article", SEED_URL),
        ("http://lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html?from=timeline#",
         "article", SEED_URL),
        ("https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345_print.html",
         "print", SEED_URL),
        ("https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html?print=1",
         "print", SEED_URL),
        ("https://www.lztz.gov.cn/m/tzdt/szjj/bs/202602/t20260225_3712345.html",
         "mobile", SEED_URL),
    ],
)
def test_rendering_and_canonical_url_come_from_the_url(
    url: str, rendering: str, canonical: str
) -> None:
    raw = parse_article(page("seed_both_renderings.html"), url, LZTZ)
    assert raw.rendering == rendering
    assert raw.canonical_url == canonical
    assert raw.docid == "3712345"


def test_canonical_url_given_by_the_caller_wins() -> None:
    raw = parse_article(build("发布日期：2026-02-25"), SEED_URL, LZTZ, canonical_url="x://y")
    assert raw.canonical_url == "x://y"


def test_etag_and_last_modified_from_headers_any_case() -> None:
    raw = parse_article(build("2026-02-25"), SEED_URL, LZTZ,
                        headers={"etag": 'W/"5f-1"',
                                 "LAST-MODIFIED": "Wed, 25 Feb 2026 09:44:00 GMT"})
    assert raw.etag == 'W/"5f-1"'
    assert raw.last_modified == "Wed, 25 Feb 2026 09:44:00 GMT"
    assert raw.content_hash and len(raw.content_hash) == 64


@pytest.mark.parametrize(
    ("info", "iso", "written"),
    [
        ("发布日期: 2026-02-25 17:44", "2026-02-25T17:44:00+08:00", "2026-02-25 17:44"),
        ("发布日期：2026-02-25 17:44:03", "2026-02-25T17:44:03+08:00", "2026-02-25 17:44:03"),
        ("发布时间：2026-02-25", "2026-02-25T00:00:00+08:00", "2026-02-25"),
        ("发布时间：2026年02月25日", "2026-02-25T00:00:00+08:00", "2026年02月25日"),
        ("2026年2月25日 17:44", "2026-02-25T17:44:00+08:00", "2026年2月25日 17:44"),
        ("发布日期：２０２６－０２－２５　１７：４４", "2026-02-25T17:44:00+08:00",
         "２０２６－０２－２５ １７：４４"),  # blanks normalised, digits as written
    ],
)
def test_every_date_format_of_the_spec(info: str, iso: str, written: str) -> None:
    raw = parse_article(build(info), SEED_URL, LZTZ)
    assert raw.published_at == iso
    assert raw.published_raw == written


@pytest.mark.parametrize(
    ("info", "source"),
    [
        ("发布日期: 2026-02-25 17:44&nbsp;&nbsp;&nbsp;&nbsp;来源: 柳州1号&nbsp;&nbsp;", "柳州1号"),
        ("发布日期：2026-02-25　来源：市委统战部", "市委统战部"),
        ("<span>2026-02-25</span><span>来源：柳州日报</span><span>浏览次数：3</span>", "柳州日报"),
        ("发布日期：2026-02-25", None),
    ],
)
def test_source_with_either_colon_or_absent(info: str, source: str | None) -> None:
    assert parse_article(build(info), SEED_URL, LZTZ).source == source


def test_gov_meta_tags_are_kept_and_preferred() -> None:
    url = "https://www.lztz.gov.cn/gzsx/202604/t20260427_3745336.html"
    raw = parse_article(page("meta_tags.html"), url, LZTZ)
    assert raw.meta["SiteIDCode"] == "4502000042"
    assert raw.meta["ColumnName"] == "工作视线"
    assert raw.title == "市委统战部传达学习全国两会精神"
    # the info line only gives the day; PubDate gives the time
    assert raw.published_at == "2026-04-27T09:15:30+08:00"
    assert raw.source == "柳州日报"  # ContentSource over the info line


def test_pubdate_date_only_yields_to_an_info_line_with_time_same_day() -> None:
    html = build("发布日期：2026-02-25 17:44",
                 extra_head='<meta name="PubDate" content="2026-02-25">')
    assert parse_article(html, SEED_URL, LZTZ).published_at == "2026-02-25T17:44:00+08:00"


def test_legacy_template_in_gb2312_with_gbk_only_characters() -> None:
    url = "http://lztz.gov.cn/xshjc/gzdt/202007/t20200731_1851159.html"
    raw = parse_article(page("legacy_gb2312.html"), url, LZTZ)
    assert raw.template == "legacy"
    assert raw.title == "市委统战部召开党外知识分子座谈会"
    assert raw.published_at == "2020-07-31T00:00:00+08:00"
    assert raw.source == "市委统战部"
    assert raw.column_path == ["新时代统战", "工作动态"]
    assert "朱镕基" in (raw.body_html or "")  # 镕 is in GBK, not in GB2312
    assert raw.attachments == [Attachment(
        "http://lztz.gov.cn/xshjc/gzdt/202007/P020200731512345678901.doc", "座谈会议程.doc")]
    assert raw.registrations == [
        Registration("icp", "桂ICP备05009280号"), Registration("psb", "桂公网安备45020502000013号")
    ]


def test_topic_template_with_figure_caption_and_unlabelled_date() -> None:
    url = "https://www.lztz.gov.cn/zt/tx/202602/t20260205_3710001.html"
    raw = parse_article(page("topic.html"), url, LZTZ)
    assert raw.template == "topic"
    assert raw.title == "全市民族团结进步创建工作推进会召开"
    assert raw.published_at == "2026-02-05T09:30:00+08:00"
    assert raw.column_path == ["专题专栏", "同心筑梦"]
    assert raw.images == [Image(
        "https://www.lztz.gov.cn/zt/tx/202602/images/W020260205300000000001.png", "推进会现场。")]
    assert Registration("icp", "桂ICP备19011773号-1") in raw.registrations


def test_unknown_template_parses_by_text_anchors() -> None:
    url = "https://www.lztz.gov.cn/tzdt/xsc/202603/t20260312_3800050.html"
    raw = parse_article(page("unknown_template.html"), url, LZTZ)
    assert raw.template == "unknown"
    assert raw.title == "我市举办新的社会阶层人士培训班"
    assert raw.published_at == "2026-03-12T10:05:09+08:00"
    assert raw.source == "市委统战部"
    assert raw.column_path == ["统战动态", "新社会阶层"]
    assert raw.body_html is not None and "培训期间" in raw.body_html
    assert "主办单位" not in raw.body_html


def test_without_a_template_the_body_is_the_container_of_its_paragraphs() -> None:
    from pipelines.cleaning import clean_article

    url = "https://news.example.com/c/7kKf6Jv7g1o"
    para = "“我的名字叫紫禁城，快要600岁了，这上元的夜啊，总是让我沉醉，这么久了却从未停止。”"
    later = "明代宫中过上元节，皇帝后妃大多会在乾清宫赏灯，清宫上元节项目则更为繁复。"
    poem = "".join(f"<p>{line}</p>" for line in (
        "有灯无月不娱人，有月无灯不算春。", "春到人间人似玉，灯烧月下月如怠。",
        "满街珠翠游村女，沸地笙歌赛社神。", "不展芳尊开口笑，如何消得此良辰。"))
    head = "<html><body><div class='nav'><a href='/'>首页</a></div><h1>故宫元宵</h1>"
    # Paragraphs around a quoted poem that holds more prose than any one of them.
    html = (f"{head}<div class='text'><p>{para}</p><blockquote>{poem}</blockquote>"
            f"<p>{later}</p></div>")
    raw = parse_article(html, url, LZTZ)
    body = clean_article(raw, LZTZ).body_text
    assert raw.template == "unknown" and para in body and later in body
    assert "有灯无月不娱人" in body
    # Paragraphs as <div>s of text alone, in a container hidden until a script shows it.
    html = (f"{head}<div id='js_content' style='visibility: hidden;'>"
            + "".join(f"<div class='qnt-p'>第{n}段。{para}</div>" for n in range(3))
            + "</div></body></html>")
    body = clean_article(parse_article(html, url, LZTZ), LZTZ).body_text
    assert all(f"第{n}段" in body for n in range(3))


def test_lone_column_heading_of_the_older_rendering() -> None:
    html = """<html><body><div class="lanmu">时政聚焦</div><h2>会议召开</h2>
    <div>发布日期：2026-02-25</div><div id="Zoom"><p>正文。</p></div></body></html>"""
    raw = parse_article(html, SEED_URL, LZTZ)
    assert raw.column_heading == "时政聚焦"
    assert raw.column_path == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("会议召开_中共柳州市委统战部", "会议召开"),
        ("会议召开 - 柳州统战网", "会议召开"),
        ("会议召开 | 专题 | 中共柳州市委统战部", "会议召开 | 专题"),
        ("会议召开——柳州市委统战部门户网站", "会议召开"),
        ("2026年统战工作要点", "2026年统战工作要点"),
        ("促招引-强工业", "促招引-强工业"),
    ],
)
def test_title_loses_only_the_site_name_suffix(title: str, expected: str) -> None:
    assert strip_site_name(title, LZTZ) == expected


def test_title_from_title_tag_when_the_page_has_no_heading() -> None:
    html = ("<html><head><title>无标题页面_柳州统战网</title></head>"
            "<body><p>正文。</p></body></html>")
    assert parse_article(html, SEED_URL, LZTZ).title == "无标题页面"


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "\x00\x00", "<<<>>>"])
def test_empty_or_garbage_pages_give_an_empty_raw_article(html: str) -> None:
    raw = parse_article(html, SEED_URL, LZTZ)
    assert raw.template == "unknown"
    assert raw.images == [] and raw.registrations == []


def test_decode_html_honours_meta_charset_and_http_equiv() -> None:
    text = "<html><head><meta charset='gbk'></head><body>朱镕基</body></html>"
    assert "朱镕基" in decode_html(text.encode("gbk"), None)
    equiv = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
             "</head><body>镕</body></html>")
    assert "镕" in decode_html(equiv.encode("gb18030"), "text/html")
    assert decode_html("统战".encode(), "text/html; charset=utf-8") == "统战"


def test_title_in_a_div_above_the_info_line() -> None:
    html = """<html><head><title>会议召开_中共柳州市委统战部</title></head><body>
    <div class="logo"><h1>中共柳州市委统战部</h1></div><div class="wz-title">会议召开</div>
    <div class="wz-info">发布日期：2026-02-25</div>
    <div class="wz-body"><p>正文，很长的正文。</p></div>
    </body></html>"""
    assert parse_article(html, SEED_URL, LZTZ).title == "会议召开"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body>" + "<div>" * 20000 + "<p>深层正文。</p>" + "</div>" * 20000,
        "<html><body>" + '<a href="/x/1.html">链接</a>' * 50000 + "</body></html>",
        "<html><body><p>" + "统" * 11_000_000 + "</p></body></html>",
        "<div><p>未闭合<table><td>单元<p>段落</div></span></b>桂ICP备19011773号",
    ],
)
def test_hostile_pages_parse_without_crashing(html: str) -> None:
    raw = parse_article(html, SEED_URL, LZTZ)
    assert raw.url == SEED_URL and raw.docid == "3712345"


MENU_PAGE = """<html><body><div class="nav"><ul>
<li><a href="/">首页</a></li>
<li><a href="/tzdt/">统战动态</a><ul><li><a href="/tzdt/szjj/index.html">时政聚焦</a></li></ul></li>
<li><a href="/dptt/">党派团体</a><ul><li><a href="/dptt/gsl/">工商联</a></li></ul></li>
</ul></div><p>正文</p></body></html>"""


def test_column_path_from_the_site_menu():
    from liuzhou_spider.pages.article import nav_column_path
    from liuzhou_spider.pages.text import parse_document

    root = parse_document(MENU_PAGE)
    url = "https://www.lztz.gov.cn/dptt/gsl/201606/t20160604_1054491.html"
    assert nav_column_path(root, url) == (["党派团体", "工商联"], 0)
    deeper = "https://www.lztz.gov.cn/tzdt/szjj/bs/201606/t20160604_1054491.html"
    assert nav_column_path(root, deeper) == (["统战动态", "时政聚焦"], 1)
    assert nav_column_path(root, "https://www.lztz.gov.cn/other/") == ([], 0)


def test_a_page_holding_two_renderings_takes_the_template_of_the_first() -> None:
    """The current rendering's body (#zoom, a less specific selector) comes first; the
    legacy copy after it (.content_text) must not make the page a legacy page."""
    html = (
        '<html><body><div class="article"><h1>标题</h1>'
        '<div class="xl-info">发布日期：2026-02-25 17:44</div>'
        '<div id="zoom"><p>南国春来早，人勤地生宝。春节后上班第一天召开大会。</p></div></div>'
        '<div class="old"><div class="title">标题</div>'
        '<div class="content_text"><p>南国春来早，人勤地生宝。春节后上班第一天召开大会。</p>'
        '</div></div></body></html>'
    )
    assert parse_article(html, SEED_URL, LZTZ).template == "current"


@pytest.mark.parametrize("declaration", [
    '<?xml version="1.0" encoding="utf-8"?>\n', "<?xml version='1.0' encoding='gb2312'?>",
])
def test_an_xhtml_page_with_an_encoding_declaration_reads_like_any_other(
    declaration: str,
) -> None:
    html = page("seed_both_renderings.html")
    fetched = "2026-02-25T09:44:00+00:00"
    declared = parse_article(declaration + html, SEED_URL, LZTZ, fetched_at=fetched)
    plain = parse_article(html, SEED_URL, LZTZ, fetched_at=fetched)
    assert declared.title == SEED_TITLE
    assert replace(declared, content_hash=None) == replace(plain, content_hash=None)


@pytest.mark.parametrize("name", sorted(path.name for path in PAGES.glob("*.html")))
def test_a_parsed_page_reads_as_its_html_and_stays_as_it_was(name: str) -> None:
    html = page(name)
    root = parse_document(html)
    before = etree.tostring(root)
    fetched = "2026-02-25T09:44:00+00:00"
    raw = article_in(root, html, SEED_URL, LZTZ, canonical_url=SEED_URL, fetched_at=fetched)
    assert raw == parse_article(html, SEED_URL, LZTZ, canonical_url=SEED_URL,
                                fetched_at=fetched)
    assert etree.tostring(root) == before  # the reading worker sorts links off it too


def test_attachments_whatever_the_case_query_or_fragment_of_their_link() -> None:
    links = (
        '<a href="files/Report.PDF?v=2#p3">年度报告</a>'
        '<a href=" /doc/名单.XlsX ">名单</a>'
        '<a href="/pdf/index.html">PDF专栏</a>'  # mentions pdf, is a page
        '<a href="/a.pdf.html">网页</a>'
    )
    html = build("发布日期：2026-02-25").replace("</p></div>", f"</p>{links}</div>")
    raw = parse_article(html, SEED_URL, LZTZ)
    assert raw.attachments == [
        Attachment(
            "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/files/Report.PDF?v=2#p3", "年度报告"
        ),
        Attachment("https://www.lztz.gov.cn/doc/名单.XlsX", "名单"),
    ]


def test_attachments_come_from_the_body_and_the_list_under_it_not_the_footer() -> None:
    html = build("发布日期：2026-02-25").replace(
        '<div class="article-content"><p>正文第一段，内容充实。</p></div>',
        '<div class="article"><div class="article-content"><p>正文第一段，内容充实。</p>'
        '<p><a href="a1.pdf">附件1</a></p></div>'
        '<div class="fj"><a href="a2.doc">附件2</a></div>'
        '<div class="share">分享 <a href="/share.pdf">说明</a></div></div>'
        '<div class="footer"><a href="/privacy.pdf">隐私政策</a></div>'
        '<p><a href="/guide.pdf">使用指南</a></p>',
    )
    raw = parse_article(html, SEED_URL, LZTZ)
    base = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/"
    assert raw.attachments == [Attachment(base + "a1.pdf", "附件1"),
                               Attachment(base + "a2.doc", "附件2")]
