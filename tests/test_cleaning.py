"""Cleaning: raw article → clean article (chrome out, body once, metadata normalised)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import html as lxml_html

import pipelines.cleaning as cleaning
from liuzhou_spider.items import Image, RawArticle
from liuzhou_spider.pages.article import decode_html, parse_article
from pipelines.cleaning import clean_article
from tests.sites import LZTZ

PAGES = Path(__file__).parent / "pages"
URL = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html"
P1 = "南国春来早，人勤地生宝。2月24日，市委、市政府召开推动高质量发展大会。"
P2 = "张壮强调，招商引资是柳州当前促进经济高质量发展的首要大事。"
P3 = "会议以电视电话会议形式召开，各县区设分会场。"
TITLE = "张壮在柳州市2026年新春第一会上强调"


def raw_with(body: str, **fields: object) -> RawArticle:
    base = RawArticle(
        url=URL, canonical_url=URL, fetched_at="2026-02-26T00:00:00+00:00", status=200,
        template="current", docid="3712345", url_date="2026-02-25", title=TITLE,
        published_raw="2026-02-25 17:44", source="柳州1号",
        column_path=["统战动态", "时政聚焦", "本市"], body_html=body,
    )
    return replace(base, **fields)


def body(html: str, **fields: object) -> str:
    return clean_article(raw_with(html, **fields), LZTZ).body_text


def seed() -> tuple[RawArticle, str]:
    markup = (PAGES / "seed_both_renderings.html").read_text(encoding="utf-8")
    return parse_article(markup, URL, LZTZ), markup


def test_seed_page_body_once_without_chrome_and_captions_in_images() -> None:
    raw, _ = seed()
    clean = clean_article(raw, LZTZ)
    paragraphs = clean.body_text.split("\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("南国春来早,人勤地生宝。")
    assert paragraphs[-1].startswith("会议以电视电话会议形式召开")
    assert len(set(paragraphs)) == len(paragraphs)
    assert "张壮出席并讲话。" not in paragraphs and "大会现场。" not in paragraphs
    assert [i.caption for i in clean.images] == ["张壮出席并讲话。", "大会现场。"]
    assert clean.chrome_leaks == []
    assert clean.title == raw.title
    assert clean.published_at == "2026-02-25T17:44:00+08:00"
    assert clean.published_precision == "datetime"
    assert clean.source == "柳州1号"
    assert clean.column == ["统战动态", "时政聚焦", "本市"]
    assert clean.extractor == "template"


@pytest.mark.parametrize("template", ["current", "unknown"])
def test_body_repeated_in_one_region_comes_out_once(template: str) -> None:
    """The general rule: the whole page (both renderings) as the body region."""
    raw, markup = seed()
    reference = clean_article(raw, LZTZ)
    whole = lxml_html.tostring(lxml_html.document_fromstring(markup).body, encoding="unicode")
    clean = clean_article(replace(raw, template=template, body_html=whole), LZTZ)
    assert clean.body_text == reference.body_text
    assert clean.images == reference.images
    assert clean.chrome_leaks == []
    for marker in LZTZ.chrome_markers:
        assert marker not in clean.body_text


def test_repeated_run_in_the_middle_and_legit_short_repeats() -> None:
    html = (f"<p>{P1}</p><p>谢谢！</p><p>{P2}</p><p>谢谢！</p>"
            f"<div><p>{P1}</p><p>谢谢！</p><p>{P2}</p></div><p>{P3}</p>")
    assert body(html).split("\n") == [P1, "谢谢！", P2, "谢谢！", P3]


def test_repeat_with_other_spacing_and_markup_is_still_a_repeat() -> None:
    html = (f"<p>{P1}</p><p>{P2}</p><table><tr><td>　　{P1.replace('，', '， ')}<br>"
            f"&nbsp;{P2}</td></tr></table>")
    assert body(html).split("\n") == [P1, P2]


CHROME = {
    "breadcrumb": '<div class="x">当前位置：<a>首页</a> &gt; <a>统战动态</a> &gt; 本市</div>',
    "breadcrumb_other_sep": "<p>当前位置:首页 » 统战动态 » 时政聚焦</p>",
    "column_heading": "<div>时政聚焦</div>",
    "title_repeat": f"<h2>{TITLE}</h2>",
    "info_line": "<div>发布日期: 2026-02-25 17:44&nbsp;&nbsp;&nbsp;&nbsp;来源: 柳州1号</div>",
    "info_full_width": "<p>发布时间：2026年2月25日　来源：市委统战部</p>",
    "share": '<div>分享本文至:<a href="#"></a></div>',
    "share_to": "<div>分享到：微信 微博</div>",
    "print": '<p><a href="javascript:window.print()">【打印正文】</a></p>',
    "close": "<p>【关闭窗口】</p>",
    "prev_next": "<p>上一篇：<a>市委统战部开展学习</a></p><p>下一篇：<a>会议召开</a></p>",
    "editor": "<p>（责任编辑：韦某某）</p>",
    "editor_plain": "<p>责任编辑：李某</p>",
    "editor_of_outlet": "<p>　　（松花江网编辑 孙桂芳）</p><p>(编辑 王洋、李四)</p>",
    "platform": "<p>发布于：北京市</p>"
                "<p>平台声明：该文观点仅代表作者本人，搜狐号系信息发布平台。</p>"
                "<p>推荐阅读：绥德交警：8月1日起专项整治电动车违法行为</p>",
    "footer": "<div>中共柳州市委统战部 版权所有</div><div>地址:柳州市柳北区三中路66号</div>"
              "<div>联系我们:0772-2818756</div>"
              "<div>桂ICP备19011773号 桂公网安备 4502050200015号</div>",
    "script": "<script>document.write('<p>注入</p>')</script>",
    "style": "<style>p{color:red}</style>",
    "comment": "<!-- 编者按：这是注释 -->",
    "hidden": '<p style="display: none">隐藏的文字不应出现</p><div hidden>也隐藏</div>',
    "empty": "<p></p><p>&nbsp;</p><p>　　</p><div><br></div>",
    "menu": "<ul><li><a>首页</a></li><li><a>统战动态</a></li><li><a>工作视线</a></li>"
            "<li><a>党派团体</a></li></ul>",
}


@pytest.mark.parametrize("name", sorted(CHROME))
def test_chrome_is_removed_wherever_it_stands(name: str) -> None:
    chrome = CHROME[name]
    html = f"{chrome}<p>{P1}</p>{chrome}<p>{P2}</p><div>{chrome}<p>{P3}</p></div>{chrome}"
    clean = clean_article(raw_with(html), LZTZ)
    assert clean.body_text.split("\n") == [P1, P2, P3]
    assert clean.chrome_leaks == []
    assert "注入" not in clean.body_html and "隐藏" not in clean.body_html


def test_chrome_inside_a_paragraph_with_br_keeps_the_rest() -> None:
    html = f"<div>{P1}<br>{P2}<br>责任编辑：张三<br>【打印正文】</div>"
    clean = clean_article(raw_with(html), LZTZ)
    assert clean.body_text.split("\n") == [P1, P2]
    assert "责任编辑" not in clean.body_html


def test_a_documents_metadata_box_and_download_links_go_a_data_table_stays() -> None:
    box = ("<table><tr><td>索 &nbsp;引 号：</td><td>11220000013544357T/2022-00426</td></tr>"
           "<tr><td>发文机关：</td><td>吉林省人民政府</td></tr>"
           "<tr><td>成文日期：</td><td>2022年01月27日</td></tr>"
           "<tr><td>发文字号：</td><td>吉政明电〔2022〕1号</td></tr></table>")
    data = ("<table><tr><th>名称：</th><th>数量</th></tr><tr><td>水泥</td><td>30吨</td></tr>"
            "<tr><td>钢材</td><td>12吨</td></tr></table>")
    html = (f"{box}<p>{P1}</p>{data}<p>{P2}</p>"
            "<div><a href='/a.pdf'>pdf下载</a>&nbsp;&nbsp;<a href='/a.doc'>word下载</a></div>")
    clean = clean_article(raw_with(html), LZTZ)
    assert "索" not in clean.body_text and "下载" not in clean.body_text
    assert "水泥" in clean.body_text and clean.body_text.startswith(P1)


def test_a_bracketed_line_that_is_no_editor_credit_stays() -> None:
    kept = ["（完）", "（记者 张三）", "（图为编辑部 合影）", "（本文编辑工作由市委宣传部完成）"]
    html = f"<p>{P1}</p>" + "".join(f"<p>{line}</p>" for line in kept)
    assert clean_article(raw_with(html), LZTZ).body_text.split("\n") == [P1, *kept]


def test_whitespace_normalised_and_punctuation_kept() -> None:
    html = ("<p>　　第一句，　有全角空格。&nbsp;&nbsp;第二句\t\t“引号”！</p>"
            "<p>\n  English  text , ok.  </p>")
    assert body(html) == "第一句， 有全角空格。 第二句 “引号”！\nEnglish text , ok."


def test_a_long_paragraph_holding_a_marker_stays_and_is_reported() -> None:
    long = "市委统战部版权所有" + "这是一段很长的正文内容，" * 20
    clean = clean_article(raw_with(f"<p>{P1}</p><p>{long}</p>"), LZTZ)
    assert long in clean.body_text
    assert clean.chrome_leaks == ["版权所有"]


def test_images_captions_and_attachments() -> None:
    html = (f'<p>{P1}</p><p align="center"><img src="./a.jpg"></p><p align="center">大会现场。</p>'
            f'<p><img src="/b.png"><br>张壮出席并讲话。</p><p><img src="c.gif"></p><p>{P2}</p>'
            f'<figure><img src="d.jpg"><figcaption>合影。</figcaption></figure>')
    clean = clean_article(raw_with(html), LZTZ)
    base = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/"
    assert clean.images == [
        Image(base + "a.jpg", "大会现场。"),
        Image("https://www.lztz.gov.cn/b.png", "张壮出席并讲话。"),
        Image(base + "c.gif", None),
        Image(base + "d.jpg", "合影。"),
    ]
    assert clean.body_text.split("\n") == [P1, P2]
    assert f'src="{base}a.jpg"' in clean.body_html


def test_metadata_fallbacks() -> None:
    clean = clean_article(raw_with(f"<p>{P1}</p>", published_raw=None, published_at=None,
                                   column_path=[], meta={"ColumnName": "本市"},
                                   title="会议召开_中共柳州市委统战部", source=None), LZTZ)
    assert clean.published_at == "2026-02-25T00:00:00+08:00"
    assert clean.published_precision == "date"
    assert clean.column == ["本市"]
    assert clean.title == "会议召开"
    assert clean.source is None
    heading = clean_article(raw_with(f"<p>{P1}</p>", column_path=[], column_heading="时政聚焦"),
                            LZTZ)
    assert heading.column == ["时政聚焦"]
    nothing = clean_article(raw_with("", published_raw=None, url_date=None), LZTZ)
    assert nothing.published_at is None and nothing.published_precision is None


def test_unknown_template_goes_through_the_fallback_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def stub(markup: str, url: str) -> lxml_html.HtmlElement:
        calls.append((markup, url))
        return lxml_html.fragment_fromstring(f"<div><p>{P3}</p></div>")

    monkeypatch.setattr(cleaning, "fallback_extractor", stub)
    clean = clean_article(raw_with(f"<p>{P1}</p>", template="unknown"), LZTZ)
    assert calls == [(f"<p>{P1}</p>", URL)]
    assert clean.extractor == "fallback"
    assert clean.body_text == P3
    known = clean_article(raw_with(f"<p>{P1}</p>"), LZTZ)
    assert known.extractor == "template" and len(calls) == 1


def test_a_failing_or_empty_fallback_keeps_the_region(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(markup: str, url: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cleaning, "fallback_extractor", broken)
    assert body(f"<p>{P1}</p>", template="unknown") == P1
    monkeypatch.setattr(cleaning, "fallback_extractor", lambda markup, url: None)
    assert body(f"<p>{P1}</p>", template="unknown") == P1


def test_saved_pages_of_other_templates_clean_fully() -> None:
    cases = {
        "legacy_gb2312.html": "http://lztz.gov.cn/xshjc/gzdt/202007/t20200731_1851159.html",
        "topic.html": "https://www.lztz.gov.cn/zt/tx/202602/t20260205_3710001.html",
        "unknown_template.html": "https://www.lztz.gov.cn/tzdt/xsc/202603/t20260312_3800050.html",
    }
    for name, url in cases.items():
        raw = parse_article(decode_html((PAGES / name).read_bytes()), url, LZTZ)
        clean = clean_article(raw, LZTZ)
        assert clean.chrome_leaks == [], name
        assert clean.body_text and "\n\n" not in clean.body_text, name
        assert clean.extractor == ("fallback" if name == "unknown_template.html" else "template")
    unknown = clean_article(parse_article(page := decode_html(
        (PAGES / "unknown_template.html").read_bytes()), cases["unknown_template.html"], LZTZ),
        LZTZ)
    assert "隐藏" not in unknown.body_text and "分享" not in unknown.body_text
    assert [i.caption for i in unknown.images] == ["培训班开班现场。"]
    assert "<p></p>" not in unknown.body_html and page


HOSTILE = [
    "",
    "   ",
    "<p>",
    "</div></div></p>",
    "<div><p>未闭合<span>嵌套<b>乱序</p></span></b>" + P1,
    "<table><p>表格里的段落</table><td>" + P1,
    "<p>" + "<div>" * 3000 + P1 + "</div>" * 10,
    "\x00\x01\x02" + P1,
    "<img src=x onerror=alert(1)><svg onload=alert(1)><p>" + P1 + "</p>",
    "<![CDATA[ x ]]><?php echo 1; ?>" + P1,
]


@pytest.mark.parametrize("html", HOSTILE)
def test_the_cleaner_never_crashes(html: str) -> None:
    clean = clean_article(raw_with(html), LZTZ)
    assert "onerror" not in clean.body_html and "onload" not in clean.body_html
    assert "<script" not in clean.body_html


def test_huge_page_is_cleaned_in_linear_time() -> None:
    paragraphs = [f"第{i}段：统一战线工作会议内容，编号{i}。" for i in range(20000)]
    html = "".join(f"<p>{p}</p>" for p in paragraphs) + "<p>上一篇</p>" * 1000
    start = time.perf_counter()
    clean = clean_article(raw_with(html), LZTZ)
    elapsed = time.perf_counter() - start
    assert clean.body_text.split("\n") == paragraphs
    assert elapsed < 10


def test_column_from_the_profile_when_the_page_shows_only_a_heading() -> None:
    profile = replace(LZTZ, column_names={"tzdt/szjj/bs": ("统战动态", "时政聚焦", "本市")})
    raw = raw_with(f"<p>{P1}</p>", column_path=[], column_heading="本市",
                   meta={"ColumnName": "本市"})
    assert clean_article(raw, profile).column == ["统战动态", "时政聚焦", "本市"]
    mobile = replace(raw, url="https://www.lztz.gov.cn/m/tzdt/szjj/bs/202602/t20260225_1.html")
    assert clean_article(mobile, profile).column == ["统战动态", "时政聚焦", "本市"]
    assert clean_article(raw, LZTZ).column == ["本市"]


def test_a_notice_signed_by_the_site_keeps_its_signature_and_date() -> None:
    html = (f"<h1>中共柳州市委统战部</h1><p>首页</p><p>2026-02-25</p><p>{P1}</p><p>{P2}</p>"
            "<p>中共柳州市委统战部</p><p>2026年2月25日</p>")
    assert body(html).split("\n") == [P1, P2, "中共柳州市委统战部", "2026年2月25日"]


@pytest.mark.parametrize("fragment", [
    '<div><a href=" /a/b.html ">x</a><img src="../i.png"><a href="http://[bad">y</a></div>',
    '<div><a href="https://www.lztz.gov.cn/x">x</a><a href="#top">t</a><a>no</a></div>',
    '<div><base href="http://other.example/dir/"><a href="rel.html">x</a></div>',
    '<div><p style="background: URL(bg.png)">x</p><a href="r.html" style="color:red">y</a></div>',
    '<div><object data="o.swf"><param name="m" value="v.swf" valuetype="ref"></object></div>',
    '<div><style>p { background: url(s.png) }</style><form action="f.php"></form></div>',
])
def test_links_made_absolute_as_lxml_does(fragment: str) -> None:
    ours, theirs = lxml_html.fragment_fromstring(fragment), lxml_html.fragment_fromstring(fragment)
    cleaning._make_links_absolute(ours, URL)
    theirs.make_links_absolute(URL, resolve_base_href=False, handle_failures="discard")
    assert lxml_html.tostring(ours) == lxml_html.tostring(theirs)


def test_a_paragraph_the_article_itself_repeats_is_content() -> None:
    slogan = "坚持大团结大联合，奋力谱写中国式现代化柳州篇章。"
    html = f"<p>{slogan}</p><p>{P1}</p><p>{P2}</p><p>{slogan}</p><p>{P3}</p>"
    assert body(html).split("\n") == [slogan, P1, P2, slogan, P3]
    # Said twice in a row, too: one paragraph is not a second printing of a body.
    html = f"<p>{P1}</p><p>{P2}</p><p>{P2}</p><p>{P3}</p>"
    assert body(html).split("\n") == [P1, P2, P2, P3]


def test_a_body_printed_twice_is_a_repeated_run_of_lines() -> None:
    assert body(f"<p>{P1}</p><div><p>{P1}</p></div>") == P1  # a one-paragraph body, twice
    twice = f"<p>{P1}</p><p>{P2}</p><p>{P1}</p><p>{P2}</p><p>{P3}</p>"  # two lines again
    assert body(twice).split("\n") == [P1, P2, P3]
    far = f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>另一段。</p><p>{P1}</p><p>{P2}</p><p>{P3}</p>"
    assert body(far).split("\n") == [P1, P2, P3, "另一段。"]
