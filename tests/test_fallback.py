"""The generic extractor on small hand-written pages, and on input built to break it."""

from __future__ import annotations

import time

import pytest
from lxml import html

from pipelines.fallback import extract_body, extract_body_element, extract_body_html, extract_own

BODY_ZH = [
    "南国春来早，人勤地生宝。2月24日，春节后上班第一天，市委、市政府召开全市推动高质量发展大会，"
    "认真贯彻落实党中央和自治区党委决策部署，牢固树立实干为要、创新为魂的鲜明导向。",
    "张壮指出，柳州要推动高质量发展，产业是关键、招商是重点、项目是体现、环境是基础、创新是灵魂、"
    "作风是保障，六者相互联系、相辅相成、互为整体，必须系统集成、协同推进、同步做实。",
    "张壮强调，招商引资是柳州当前促进经济高质量发展的首要大事。要按照引龙头、强产业，补短板、聚集群的"
    "要求明确招引方向，推动十大现代化支柱产业成行成市、成链成群发展。",
    "会议要求，各级各部门要以等不起的紧迫感、慢不得的危机感、坐不住的责任感，全力以赴推动招商引资"
    "大突破、工业发展大提速、营商环境大改善、干部作风大转变。",
]

GOV_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>张壮在全市大会上强调_中共柳州市委统战部</title>
<script>var x = "脚本里的文字不是正文。";</script><style>.a{{color:red}}</style></head>
<body>
<div class="top-nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/tzdt/">统战动态</a></li>
  <li><a href="/gzsx/">工作实效</a></li><li><a href="/zcfg/">政策法规</a></li></ul></div>
<div class="weizhi">当前位置：<a href="/">首页</a> &gt;
  <a href="/tzdt/">统战动态</a> &gt; 本市</div>
<div class="main">
  <h1 class="title">张壮在柳州市2026年新春第一会上强调 加快推动柳州高质量发展</h1>
  <div class="info">发布日期：2026-02-25 17:44　　来源：柳州1号</div>
  <div class="bdsharebuttonbox">分享本文至：<a href="#" class="bds_weixin">微信</a>
    <a href="#" class="bds_tsina">微博</a></div>
  <div class="article-body">
    <p>{BODY_ZH[0]}</p>
    <p style="text-align:center"><img src="./W020260225.jpg" alt=""></p>
    <p style="text-align:center">张壮出席并讲话。</p>
    <p>{BODY_ZH[1]}</p>
    <p>　　{BODY_ZH[2]}</p>
    <p>{BODY_ZH[3]}</p>
  </div>
  <div class="print"><a href="javascript:window.print()">【打印正文】</a>
    <a href="javascript:window.close()">【关闭窗口】</a></div>
  <div class="xgwz"><h3>相关文章</h3><ul>
    <li><a href="/tzdt/202602/t20260220_1.html">市委统战部召开2026年度工作会议</a></li>
    <li><a href="/tzdt/202602/t20260218_2.html">全市统一战线迎新春座谈会召开</a></li>
    <li><a href="/tzdt/202602/t20260210_3.html">民主党派市委会开展新春走访慰问活动</a></li>
  </ul></div>
</div>
<div class="footer"><p>中共柳州市委统战部 版权所有　地址：柳州市城中区</p>
  <p>联系我们：0772-2818756　<a href="https://beian.miit.gov.cn">桂ICP备19011773号</a>
  桂公网安备 45020502000153号</p></div>
</body></html>"""

BODY_EN = [
    "The city council voted on Tuesday to expand the riverside park, ending a debate that had "
    "divided residents for more than two years, according to officials present at the meeting.",
    "Supporters said the new green space would ease flooding, provide shade in the summer and "
    "give families in the dense eastern districts somewhere to walk, play and meet neighbours.",
    "Opponents, mostly owners of the small workshops along the embankment, argued that the "
    "compensation offered was too low, and several said they would appeal the decision in court.",
    "Construction is expected to begin next spring, and the first section, near the old ferry "
    "terminal, should open to the public before the end of the following year, the mayor said.",
]

EN_PAGE = f"""<html><head><title>Council backs park plan</title></head><body>
<header class="site-header"><a href="/">The Daily Example</a>
  <nav><a href="/world">World</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a></nav>
</header>
<main><article>
  <h1>Council backs riverside park expansion</h1>
  <div class="byline">By Jane Doe, March 3, 2026</div>
  <div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
  <div class="story-body">{"".join(f"<p>{p}</p>" for p in BODY_EN)}</div>
</article>
<aside class="sidebar"><h3>Most read</h3><ul>
  <li><a href="/a">Five things to know about the budget vote this week</a></li>
  <li><a href="/b">Local team wins regional title after dramatic final</a></li></ul></aside>
<section id="comments"><h3>Comments</h3>
  <div class="comment">I think this is a great idea, and long overdue for our part of town!</div>
  <div class="comment">Another waste of money, the workshops deserve better compensation.</div>
</section></main>
<footer><p>Copyright 2026 The Daily Example. All rights reserved.</p></footer>
</body></html>"""

ZH_CHROME = ("当前位置", "分享本文至", "打印正文", "关闭窗口", "相关文章",
             "市委统战部召开2026年度工作会议", "桂ICP备", "公网安备", "版权所有", "联系我们",
             "首页", "脚本里的文字")
EN_CHROME = ("Share on", "Most read", "Five things", "great idea", "Copyright", "Politics")


@pytest.mark.parametrize("extract", [extract_body, extract_own])
def test_chinese_gov_page_body_found_chrome_excluded(extract):
    text = extract(GOV_PAGE, "https://www.lztz.gov.cn/tzdt/202602/t20260225_3712345.html")
    for paragraph in BODY_ZH:
        assert paragraph in text
    for chrome in ZH_CHROME:
        assert chrome not in text, chrome
    assert "　" not in text and "  " not in text  # whitespace normalised
    assert text.split("\n")[0] == BODY_ZH[0]


@pytest.mark.parametrize("extract", [extract_body, extract_own])
def test_english_news_page_body_found_chrome_excluded(extract):
    text = extract(EN_PAGE, "https://news.example.com/2026/03/park")
    assert text.split("\n")[-len(BODY_EN):] == BODY_EN
    for chrome in EN_CHROME:
        assert chrome not in text, chrome


def test_body_element_keeps_images_and_drops_chrome():
    element = extract_body_element(GOV_PAGE, "")
    assert element is not None
    assert element.xpath(".//img/@src") == ["./W020260225.jpg"]
    region = html.tostring(element, encoding="unicode")
    assert BODY_ZH[2] in region and "桂ICP备" not in region and "分享本文至" not in region
    fragment = extract_body_html(GOV_PAGE, "")
    assert fragment.startswith("<div") and "张壮出席并讲话。" in fragment


def test_article_split_over_sibling_divs_is_kept_whole():
    paragraphs = "".join(f'<div class="para">{p}</div>' for p in BODY_ZH)
    nav = '<div class="nav"><a href="/">首页</a></div>'
    page = f"<html><body>{nav}<div>{paragraphs}</div></body></html>"
    assert extract_body(page, "").split("\n") == BODY_ZH


def test_legacy_table_layout_with_br_lines():
    cell = "<br>".join(BODY_ZH)
    page = (
        "<html><body><table><tr><td><a href='/'>首页</a> | <a href='/news/'>新闻</a></td></tr>"
        f"<tr><td><font size=3>{cell}</font></td></tr>"
        "<tr><td>版权所有 桂ICP备05009280号</td></tr></table></body></html>"
    )
    assert extract_body(page, "").split("\n") == BODY_ZH


HUGE = "<html><body>" + "".join(
    f"<div class='item'><p>{BODY_EN[i % 4]}</p><a href='/x{i}'>link {i}</a></div>"
    for i in range(8000)
) + "</body></html>"
DEEP = "<div>" * 5000 + "深层嵌套的文字，逗号，句号。" + "</div>" * 5000


@pytest.mark.parametrize("markup", [
    "", "   \n\t", "<html></html>", "<html><head><title>t</title></head></html>",
    "<p>只有一个片段，没有 html 和 body 标签，但有一句话。</p>",
    "<div><p>未闭合的段落<div><span>交错的</p>标签</span></div></b></i></table>",
    "<html><body><script>document.write('<p>只在脚本里的文字，不是正文。</p>');</script></body></html>",
    "<?xml version='1.0' encoding='gb2312'?><html><body><p>声明了编码的字符串。</p></body></html>",
    "\x00\x01\x02 binary \xff\xfe garbage <<<>>> &&&; </html>",
    f"<html><body>{DEEP}</body></html>",
])
def test_hostile_input_never_raises(markup):
    for extract in (extract_body, extract_own, extract_body_html):
        assert isinstance(extract(markup, ""), str)
    element = extract_body_element(markup, "")
    assert element is None or isinstance(element.tag, str)


def test_script_only_page_has_no_body():
    script = "<script>var a = '这是脚本，不是文章。这是脚本，不是文章。';</script>"
    page = f"<html><body>{script}</body></html>"
    assert extract_body(page, "") == ""
    assert extract_body_element(page, "") is None


def test_huge_page_is_handled_in_reasonable_time():
    start = time.perf_counter()
    text = extract_body(HUGE, "")
    assert time.perf_counter() - start < 30
    assert BODY_EN[0] in text


def test_body_rendered_twice_on_one_page_comes_out_once():
    # The seed page carries the whole article twice (two renderings, two footers).
    body = "".join(f"<p>{p}</p>" for p in BODY_ZH)
    page = (
        f'<html><body><div class="box1"><h1>标题</h1><div class="c1">{body}</div></div>'
        f'<div class="box2"><h2>时政聚焦</h2><div class="c2">{body}</div></div>'
        '<div class="foot">桂ICP备05009280号</div></body></html>'
    )
    text = extract_body(page, "")
    assert all(text.count(p) == 1 for p in BODY_ZH)
    assert "桂ICP备" not in text
