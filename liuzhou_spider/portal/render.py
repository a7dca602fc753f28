"""HTML of the offline portal: the current, legacy and topic article templates, print
and mobile renderings, list pages with the ``createPageHTML`` pager, the home page.

Markup follows what TRS WCM portals publish (class names such as ``TRS_Editor``,
``Custom_UnionStyle``, ``#Zoom``, ``OLDSRC`` on images, relative breadcrumb links) and
varies per page, so a parser tuned to one page does not pass by luck.  Every choice is
made from the page's own attributes (see ``plan.Page``) so pages are reproducible alone.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from liuzhou_spider.portal.assets import COMMON_JS
from liuzhou_spider.portal.content import Story
from liuzhou_spider.portal.links import PRIMARY, crc, relative
from liuzhou_spider.portal.plan import OLD_TEMPLATES, Page
from liuzhou_spider.portal.sites import LZTZ, Column, SiteSpec

DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y年%m月%d日", "cn-short")
DATE_LABELS = ("发布日期", "发布时间", "")
GAPS = ("&nbsp;&nbsp;&nbsp;&nbsp;", "　　", "    ")

CURRENT_BODY = (  # (outer open, outer close) of the body box, most specific last
    ('<div class="article-content"><div class="TRS_Editor">', "</div></div>"),
    ('<div id="zoom">', "</div>"),
    (
        '<div class="xl-content"><div class="TRS_Editor"><div class="Custom_UnionStyle">',
        "</div></div></div>",
    ),
    ('<div class="detail"><div class="TRS_Editor">', "</div></div>"),
)
LEGACY_BODY = (
    ('<div id="Zoom">', "</div>"),
    ('<div class="zoom">', "</div>"),
    ('<div class="content_text"><div class="TRS_PreAppend"></div>', "</div>"),
    ('<div id="content">', "</div>"),
)
TITLE_CLASSES = (
    'h1 class="article-title"',
    'h1 class="xl-title"',
    "h1",
    'div class="article-title"',
)
INFO_CLASSES = ("article-info", "xl-info", "info", "article-info")
CRUMB_CLASSES = ("breadcrumb", "position", "location", "crumb")


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


def date_text(when: datetime, style: int) -> str:
    """The publication time as the page writes it."""
    fmt = DATE_FORMATS[style]
    if fmt == "cn-short":
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
    return when.strftime(fmt)


def stated_time(page: Page) -> tuple[str, str]:
    """(ISO time, precision) that a careful reader gets from the page.

    The government ``PubDate`` meta tag (seconds included) beats the visible line, which
    may drop the seconds or the whole time of day.
    """
    when = page.when
    fmt = DATE_FORMATS[page.date_style]
    if page.meta or fmt == "%Y-%m-%d %H:%M:%S":
        return when.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "datetime"
    if fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        return when.strftime("%Y-%m-%dT00:00:00+08:00"), "date"
    return when.strftime("%Y-%m-%dT%H:%M:00+08:00"), "datetime"


def image_name(page: Page, index: int) -> str:
    return f"W0{page.when:%Y%m%d}{page.docid}{index:03d}.jpg"


def attachment_name(page: Page, index: int, title: str) -> str:
    ext = title[title.rfind(".") :]
    return f"P0{page.when:%Y%m%d}{page.docid}{index:02d}{ext}"


def attachment_label(index: int, title: str) -> str:
    return f"附件{index + 1}：{title}"


@dataclass
class ArticleView:
    """One article page to render: its plan, the text of its version, extra link blocks."""

    page: Page
    story: Story
    prevnext: str = ""  # HTML of 上一篇/下一篇
    related: str = ""  # HTML of 相关阅读
    print_href: str | None = None
    mobile_href: str | None = None
    site: SiteSpec = LZTZ

    @property
    def column(self) -> Column:
        return self.site.column(self.page.column)

    @property
    def dir(self) -> str:
        return self.page.path.rsplit("/", 1)[0] + "/"


@dataclass
class PageTruth:
    """What the ground truth says one article page contains."""

    title: str
    body_text: str
    published_at: str
    precision: str
    source: str | None
    column: list[str]
    images: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)


def page_truth(view: ArticleView) -> PageTruth:
    """The clean record of one article page: no captions, no chrome."""
    page, story = view.page, view.story
    published, precision = stated_time(page)
    images = [
        {"url": view.dir + image_name(page, n), "caption": caption}
        for n, caption in enumerate(c for i in sorted(story.captions) for c in story.captions[i])
    ]
    attachments = [
        {"url": view.dir + attachment_name(page, n, title), "title": attachment_label(n, title)}
        for n, title in enumerate(story.attachments)
    ]
    lines = [*story.paragraphs, *(a["title"] for a in attachments)]
    return PageTruth(
        title=story.title,
        body_text="\n".join(lines),
        published_at=published,
        precision=precision,
        source=story.source,
        column=list(view.column.names),
        images=images,
        attachments=attachments,
    )


# ---------------------------------------------------------------- page pieces


def document(
    title: str,
    body: str,
    *,
    charset: str = '<meta charset="utf-8">',
    head: str = "",
    legacy: bool = False,
) -> str:
    doctype = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">'
        if legacy
        else '<!DOCTYPE html>\n<html lang="zh-CN">'
    )
    return (
        f"{doctype}\n<head>\n{charset}\n<title>{esc(title)}</title>\n{head}"
        '<link rel="stylesheet" href="/css/style.css" />\n'
        '<script type="text/javascript" src="/js/common.js"></script>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def gov_meta(**tags: str | None) -> str:
    """The 政府网站发展指引 meta tags (only the ones given)."""
    return "".join(
        f'<meta name="{name}" content="{attr(value)}" />\n' for name, value in tags.items() if value
    )


def header(site: SiteSpec, source: str) -> str:
    """Logo, search box (a robots-disallowed path) and the navigation menu."""
    return _header(site, source[: source.rfind("/") + 1])


@functools.lru_cache(maxsize=4096)
def _header(site: SiteSpec, source: str) -> str:
    items = []
    for top in site.tops:
        subs = "".join(
            f'<li><a href="{relative(source, c.url)}">{esc(c.name)}</a></li>'
            for c in site.children(top.path)
        )
        sub_menu = f'<ul class="sub-nav">{subs}</ul>' if subs else ""
        items.append(
            f'<li><a href="{relative(source, top.url)}">{esc(top.name)}</a>{sub_menu}</li>'
        )
    return (
        '<div class="header"><div class="wrap"><div class="logo"><a href="/">'
        f'<img src="/images/logo.png" alt="{site.site_name}" /></a></div>\n'
        '<div class="search"><form action="/search/" method="get" target="_blank">'
        '<input type="text" name="searchword" placeholder="请输入关键字" />'
        '<input type="submit" value="搜索" /></form>'
        f'<a href="/search/advanced.html?channelid={site.channel_id}">高级搜索</a>'
        "</div></div></div>\n"
        f'<div class="nav"><ul><li><a href="{relative(source, "/")}">首页</a></li>'
        f'{"".join(items)}<li><a href="/hdjl/">互动交流</a></li></ul></div>\n'
    )


@functools.lru_cache(maxsize=16)
def footer_current(site: SiteSpec) -> str:
    links = "".join(f'<a href="{url}" target="_blank">{name}</a>' for url, name in site.offsite)
    return (
        f'<div class="footer"><div class="friend-links">相关链接：{links}</div>\n'
        f"<p>{site.site_name} 版权所有</p>\n<p>{site.address} {site.phone}</p>\n"
        f'<p><a href="https://beian.miit.gov.cn/" target="_blank">{site.icp[0]}</a> '
        f'<img src="/images/gongan.png" alt="" /> {site.psb[0]}</p></div>\n'
    )


@functools.lru_cache(maxsize=16)
def footer_legacy(site: SiteSpec) -> str:
    return (
        f'<div class="bottom">\n<p>{site.site_name} 版权所有</p>\n<p>{site.address}</p>\n'
        f"<p>{site.phone}</p>\n<p>{site.icp[1]} {site.psb[1]}</p>\n"
        '<p><a href="http://www.gov.cn/" target="_blank">中国政府网</a></p>\n</div>\n'
    )


def crumb_links(source: str, column: Column) -> str:
    parts = [f'<a href="{relative(source, "/")}">首页</a>']
    path = ""
    for segment, name in zip(column.path.split("/"), column.names, strict=True):
        path += f"/{segment}"
        parts.append(
            f'<a href="{relative(source, path + "/")}" title="{attr(name)}" '
            f'class="CurrChnlCls">{esc(name)}</a>'
        )
    return " &gt; ".join(parts)


def info_line(view: ArticleView, *, cls: str, tag: str = "div") -> str:
    """``发布日期: 2026-02-25 17:44    来源: 柳州1号`` in one of its many forms."""
    page = view.page
    sep = (": ", "：")[page.source_style]
    label = DATE_LABELS[page.label_style]
    date = date_text(page.when, page.date_style)
    parts = [f'<span class="date">{label + sep if label else ""}{date}</span>']
    if view.story.source:
        gap = GAPS[(page.body_style + page.date_style) % len(GAPS)]
        parts.append(f'{gap}<span class="source">来源{sep}{esc(view.story.source)}</span>')
    trail = "&nbsp;&nbsp;&nbsp;" if page.docid % 2 else ""
    return f'<{tag} class="{cls}">{"".join(parts)}{trail}</{tag}>'


def body_inner(view: ArticleView, *, image_dir: str = "./", legacy: bool = False) -> str:
    """Paragraphs, each photo followed by its caption line, attachment links."""
    page, story = view.page, view.story
    style = page.body_style
    center = ' align="center"' if legacy else ' style="text-align: center;"'
    out, image = [], 0
    for index, text in enumerate(story.paragraphs):
        text = esc(text)
        if style == 0:
            out.append(f'<p style="text-indent: 2em;">{text}</p>')
        elif style == 1:
            out.append(f"<p>　　{text}</p>")
        elif style == 2:
            out.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{text}</p>")
        else:
            out.append(
                f'<p style="text-indent: 2em; text-align: justify;">'
                f'<span style="font-size: 16px;">{text}</span></p>'
            )
        for caption in story.captions.get(index, ()):
            name = image_name(page, image)
            image += 1
            out.append(
                f'<p{center}><img src="{image_dir}{name}" OLDSRC="{name}" border="0" alt="" /></p>'
            )
            caption_html = esc(caption)
            if (page.docid + image) % 3 == 0:
                caption_html = f'<span style="font-family: 楷体;">{caption_html}</span>'
            out.append(f"<p{center}>{caption_html}</p>")
    for n, title in enumerate(story.attachments):
        href = image_dir + attachment_name(page, n, title)
        out.append(f'<p><a href="{href}" target="_blank">{esc(attachment_label(n, title))}</a></p>')
    return "\n".join(out)


def share_widget() -> str:
    return (
        '<div class="share bdsharebuttonbox">分享本文至:<a href="#" class="bds_weixin" '
        'data-cmd="weixin"></a><a href="#" class="bds_tsina" data-cmd="tsina"></a>'
        '<a href="#" class="bds_qzone" data-cmd="qzone"></a></div>'
    )


def print_link(view: ArticleView) -> str:
    if view.print_href:
        return (
            f'<div class="print"><a href="{view.print_href}" target="_blank">【打印正文】</a></div>'
        )
    if view.page.print_link == "script":
        return '<div class="print"><a href="javascript:window.print()">【打印正文】</a></div>'
    return (
        '<div class="print"><a href="javascript:void(0)" onclick="window.print();">'
        "【打印正文】</a></div>"
    )


def editor_line(view: ArticleView) -> str:
    return f'<p class="editor" style="text-align: right;">责任编辑：{esc(view.story.editor)}</p>'


def article_meta(view: ArticleView) -> str:
    page, story = view.page, view.story
    if not page.meta:
        return ""
    return gov_meta(
        SiteName=view.site.site_name,
        SiteDomain=view.site.host,
        SiteIDCode=view.site.site_id_code,
        ColumnName=view.column.name,
        ColumnType=view.column.names[0],
        ArticleTitle=story.title,
        PubDate=page.when.strftime("%Y-%m-%d %H:%M:%S"),
        ContentSource=story.source,
        Keywords=story.title[:8],
        Description=story.paragraphs[0][:80],
        Url=f"http://{PRIMARY}{page.path}",
    )


def page_title(view: ArticleView) -> str:
    site = view.site
    suffix = "-" + site.short_name if view.page.template == "legacy" else "_" + site.site_name
    return view.story.title + suffix


def mobile_link(view: ArticleView) -> str:
    return f'<a class="to-mobile" href="{view.mobile_href}">手机版</a>' if view.mobile_href else ""


# ---------------------------------------------------------------- article templates


def article_current(view: ArticleView) -> str:
    page, story = view.page, view.story
    open_box, close_box = CURRENT_BODY[page.body_style]
    after = "\n".join((print_link(view), editor_line(view), view.prevnext))
    inside = f"{share_widget()}\n{after}" if page.chrome_inside else ""
    title_tag = TITLE_CLASSES[page.body_style]
    body = (
        header(view.site, page.path)
        + f'<div class="wrap main">\n<div class="{CRUMB_CLASSES[page.body_style]}">当前位置:'
        f"{crumb_links(page.path, view.column)}</div>\n{mobile_link(view)}\n"
        f'<div class="article">\n<{title_tag}>{esc(story.title)}</{title_tag.split()[0]}>\n'
        f"{info_line(view, cls=INFO_CLASSES[page.body_style])}\n"
        + ("" if inside else share_widget() + "\n")
        + f"{open_box}\n{body_inner(view)}\n{inside}\n{close_box}\n"
        + ("" if inside else after)
        + f"\n{view.related}\n</div>\n</div>\n{footer_current(view.site)}"
    )
    if page.doubled:
        body += second_rendering(view)
    return document(page_title(view), body, head=article_meta(view))


GOV_BODY = (  # body boxes of the "gov" design, by ``page.body_style``: TRS editor output
    ('<div class="con_text" id="zoom"><div class="TRS_Editor">', "</div></div>"),
    (
        '<div class="con_text" id="zoom">'
        '<div class="view TRS_UEDITOR trs_paper_default trs_web">',
        "</div></div>",
    ),
    (
        '<div class="con_text" id="zoom"><div class="TRS_Editor"><div class="Custom_UnionStyle">',
        "</div></div></div>",
    ),
    ('<div class="con_text" id="zoom"><div class="TRS_PreAppend"></div>', "</div>"),
)
FONT_SIZES = (
    '<div class="con_font">【字号：<a href="javascript:doZoom(18)">大</a> '
    '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>'
)


def article_gov(view: ArticleView) -> str:
    """The municipal government portal's design: ``.con_position`` breadcrumb,
    ``.con_title h1``, ``.con_info`` line with a font-size widget, the body in
    ``#zoom.con_text``, tools (share, print, close) below it or, on a third of the
    pages, inside it."""
    page, story = view.page, view.story
    open_box, close_box = GOV_BODY[page.body_style]
    tools = (
        f'<div class="con_tools">{share_widget()}\n{print_link(view)}'
        '【<a href="javascript:window.close()">关闭窗口</a>】</div>\n'
        f"{editor_line(view)}\n{view.prevnext}"
    )
    inside = tools if page.chrome_inside else ""
    body = (
        header(view.site, page.path)
        + '<div class="main_con">\n'
        f'<div class="con_position">当前位置：{crumb_links(page.path, view.column)}</div>\n'
        f'{mobile_link(view)}\n<div class="con_box">\n'
        f'<div class="con_title"><h1>{esc(story.title)}</h1></div>\n'
        f"{info_line(view, cls='con_info')}\n{FONT_SIZES}\n"
        f"{open_box}\n{body_inner(view)}\n{inside}\n{close_box}\n"
        + ("" if inside else tools)
        + f"\n{view.related}\n</div>\n</div>\n{footer_current(view.site)}"
    )
    return document(page_title(view), body, head=article_meta(view))


def second_rendering(view: ArticleView) -> str:
    """The whole article again, legacy-like, with a column heading and the old footer."""
    return (
        f'<div class="wrap old-article">\n<div class="lm-title">{esc(view.column.name)}</div>\n'
        f'<div class="title">{esc(view.story.title)}</div>\n{info_line(view, cls="time")}\n'
        f'<div class="content_text">\n{body_inner(view)}\n</div>\n</div>\n'
        f"{footer_legacy(view.site)}"
    )


def article_legacy(view: ArticleView) -> str:
    page, story = view.page, view.story
    open_box, close_box = LEGACY_BODY[page.body_style]
    if page.docid % 3 == 0:  # some legacy pages show only the column heading
        where = f'<td class="lmmc">{esc(view.column.name)}</td>'
    else:
        where = f'<td class="dqwz">当前位置：{crumb_links(page.path, view.column)}</td>'
    title_cls = ("biaoti", "title")[page.date_style % 2]
    info_cls = ("shijian", "time")[page.label_style % 2]
    inside = editor_line(view) + view.prevnext if page.chrome_inside else ""
    body = (
        header(view.site, page.path)
        + '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">\n'
        f"<tr>{where}</tr>\n"
        f'<tr><td class="{title_cls}" align="center">{esc(story.title)}</td></tr>\n'
        f"<tr>{info_line(view, cls=info_cls, tag='td')}</tr>\n"
        f"<tr><td>{open_box}\n{body_inner(view, legacy=True)}\n{inside}{close_box}</td></tr>\n"
        f'<tr><td align="center">{mobile_link(view)}'
        '【<a href="javascript:window.print()">打印本页</a>】'
        '【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>\n'
        f"<tr><td>{'' if page.chrome_inside else view.prevnext}{view.related}</td></tr>\n"
        f"</table>\n{footer_legacy(view.site)}"
    )
    return document(
        page_title(view), body, charset=legacy_charset(page), head=article_meta(view), legacy=True
    )


def article_table(view: ArticleView) -> str:
    """An older table layout: ``<title>`` is the site name alone, the leaf column's name
    stands above the title, date and source sit in cells of their own, and half of the
    pages carry no site menu (their column path is known only from the lists)."""
    page, story = view.page, view.story
    sep = (": ", "：")[page.source_style]
    label = DATE_LABELS[page.label_style]
    cells = [f'<td class="fbsj" width="40%">{label + sep if label else ""}'
             f"{date_text(page.when, page.date_style)}</td>"]
    if story.source:
        cells.append(f'<td class="ly">来源{sep}{esc(story.source)}</td>')
    cells.append('<td class="zh">【字体：<a href="#">大</a> <a href="#">中</a> '
                 '<a href="#">小</a>】</td>')
    body = (
        (header(view.site, page.path) if page.docid % 2 else "")
        + '<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">\n'
        f'<tr><td class="lm_bg"><span class="lm_name">{esc(view.column.name)}</span></td></tr>\n'
        f'<tr><td height="50" align="center"><font style="font-size:22px;color:#c00">'
        f"<strong>{esc(story.title)}</strong></font></td></tr>\n"
        '<tr><td><table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>'
        f'{"".join(cells)}</tr></table></td></tr>\n'
        f'<tr><td class="nr" id="fontzoom">\n{body_inner(view, legacy=True)}\n</td></tr>\n'
        '<tr><td align="center">【<a href="javascript:window.print()">打印本页</a>】'
        '【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>\n'
        f"<tr><td>{view.prevnext}{view.related}</td></tr>\n</table>\n{footer_legacy(view.site)}"
    )
    return document(view.site.short_name, body, charset=legacy_charset(page),
                    head=article_meta(view), legacy=True)


def legacy_charset(page: Page) -> str:
    if page.encoding == "gb2312":
        return '<meta charset="gb2312">'
    if page.encoding == "gbk":
        return '<meta http-equiv="Content-Type" content="text/html; charset=gbk" />'
    return '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'


def topic_banner(column: Column) -> str:
    return (
        f'<div class="zt-banner"><img src="/{column.path}/images/banner.jpg" '
        f'alt="{attr(column.name)}" /></div>\n'
    )


def article_topic(view: ArticleView) -> str:
    page, story = view.page, view.story
    body = (
        topic_banner(view.column)
        + f'<div class="zt-nav"><a href="{relative(page.path, view.column.url)}">专题首页</a>'
        f'<a href="{relative(page.path, "/")}">网站首页</a></div>\n'
        f'<div class="zt-position">当前位置：{crumb_links(page.path, view.column)}</div>\n'
        f'<div class="zt-article">\n<h1>{esc(story.title)}</h1>\n'
        f"{info_line(view, cls='zt-info')}\n{share_widget()}\n"
        f'<div class="content"><div class="TRS_Editor">\n{body_inner(view)}\n</div></div>\n'
        f"{print_link(view)}\n{view.prevnext}\n{view.related}\n</div>\n"
        f"{footer_current(view.site)}"
    )
    return document(page_title(view), body, head=article_meta(view))


def article_print(view: ArticleView) -> str:
    """The print rendering: the same article, no navigation, no footer."""
    page = view.page
    body = (
        f'<div class="print-page">\n<div class="print-title">{esc(view.story.title)}</div>\n'
        f'{info_line(view, cls="print-info")}\n<div class="print-content">\n{body_inner(view)}\n'
        '</div>\n<div class="print-close"><a href="javascript:window.print()">【打印】</a>'
        '<a href="javascript:window.close()">【关闭窗口】</a></div>\n</div>'
    )
    charset = legacy_charset(page) if page.template in OLD_TEMPLATES else '<meta charset="utf-8">'
    return document(view.story.title, body, charset=charset)


def article_mobile(view: ArticleView) -> str:
    """The phone rendering under ``/m/``: UTF-8, images by absolute path, minimal chrome."""
    page, story = view.page, view.story
    body = (
        f'<header class="m-header"><a href="/">{view.site.mobile_title}</a></header>\n'
        f'<article class="m-article">\n<h1 class="m-title">{esc(story.title)}</h1>\n'
        f'<div class="m-info">{page.when:%Y-%m-%d %H:%M}'
        + (f"　来源：{esc(story.source)}" if story.source else "")
        + f'</div>\n<div class="m-content">\n{body_inner(view, image_dir=view.dir)}\n</div>\n'
        f'</article>\n<footer class="m-footer">{view.site.site_name}</footer>'
    )
    head = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
    return document(story.title, body, head=head)


def render_article(view: ArticleView) -> str:
    if view.page.template == "legacy":
        return article_legacy(view)
    if view.page.template == "table":
        return article_table(view)
    if view.page.template == "topic":
        return article_topic(view)
    if view.page.template == "gov":
        return article_gov(view)
    return article_current(view)


# ---------------------------------------------------------------- list pages


@dataclass(frozen=True)
class ListItem:
    """One line of a list page: an href, the full title and the date."""

    href: str
    title: str
    when: datetime


def list_lines(items: Sequence[ListItem], *, date_in_brackets: bool) -> str:
    lines = []
    for item in items:
        shown = item.title if len(item.title) <= 28 else item.title[:27] + "…"
        date = f"[{item.when:%Y-%m-%d}]" if date_in_brackets else f"{item.when:%Y-%m-%d}"
        lines.append(
            f'<li><a href="{attr(item.href)}" title="{attr(item.title)}" target="_blank">'
            f'{esc(shown)}</a><span class="date">{date}</span></li>'
        )
    return "\n".join(lines)


def pager_form(column: Column) -> str:
    """Which of the pager scripts real TRS list pages carry a column's pages use:
    ``"call"`` (a literal call), ``"variables"`` (a call with page variables),
    ``"inline"`` (the function defined in the page before its call), ``"written"``
    (no function: ``var countPage`` and ``document.write`` of the links) or
    ``"one_based"`` (an element id first, pages numbered from 1: ``index_2.html`` is
    the second page)."""
    if crc(column.path) % 3 == 0:
        return "variables"
    return column.pager or "call"


def list_page_path(column: Column, number: int) -> str:
    """The path of page ``number`` (0-based) of a column's list."""
    if not number:
        return f"{column.url}index.html"
    shown = number + 1 if pager_form(column) == "one_based" else number
    return f"{column.url}index_{shown}.html"


def _written_pager(count: int, current: int) -> str:
    """The function-less pager: the links written with ``document.write``."""
    return (
        f"var currentPage = {current};//所在页从0开始\n"
        "var prevPage = currentPage-1//上一页\nvar nextPage = currentPage+1//下一页\n"
        f"var countPage = {count}//共多少页\n"
        'document.write("共"+countPage+"页&nbsp;&nbsp;");\n'
        "if(countPage>1&&currentPage!=0){\n"
        '  document.write("<a href=\\"index.html\\">首页</a>&nbsp;");\n'
        "  if(currentPage!=1) document.write(\"<a href=\\\"index\"+\"_\" + prevPage + \".\"+"
        '"html\\">上一页</a>&nbsp;");\n'
        '  else document.write("<a href=\\"index.html\\">上一页</a>&nbsp;");\n}\n'
        "if(countPage>1&&currentPage!=(countPage-1))\n"
        "  document.write(\"<a href=\\\"index\"+\"_\" + nextPage + \".\"+\"html\\\">下一页</a>"
        '&nbsp;<a href=\\"index_" + (countPage-1) + "."+"html\\">尾页</a>");\n'
    )


def pager_script(column: Column, count: int, current: int, records: int) -> str:
    """The TRS pager: a script, never ``<a>`` links, in one of the forms of ``pager_form``
    (``current`` 0-based; ``records``: the column's articles, which one form shows)."""
    form = pager_form(column)
    if form == "one_based":
        return (
            '<div class="page" id="page_div"></div><script type="text/javascript">\n'
            f"createPageHTML('page_div', {count}, {current + 1}, 'index', 'html', {records});"
            "\n</script>"
        )
    if form == "variables":
        script = (
            f"var currentPage = {current};//所在页从0开始\n"
            "var prevPage = currentPage-1//上一页\nvar nextPage = currentPage+1//下一页\n"
            f"var countPage = {count}//共多少页\n"
            'createPageHTML(countPage, currentPage, "index", "html");\n'
        )
    elif form == "written":
        script = _written_pager(count, current)
    else:
        script = f'createPageHTML({count}, {current}, "index", "html");\n'
        if form == "inline":
            script = f"{COMMON_JS.strip()}\n{script}"
    return f'<div class="page"><script type="text/javascript">\n{script}</script></div>'


ON = ' class="on"'


def sidebar(site: SiteSpec, source: str, column: Column, extra: str) -> str:
    siblings = (site.children(column.parent) if column.parent else []) or [column]
    links = "".join(
        f"<li{ON if c.path == column.path else ''}>"
        f'<a href="{relative(source, c.url)}">{esc(c.name)}</a></li>'
        for c in siblings
    )
    children = "".join(
        f'<li><a href="{relative(source, c.url)}">{esc(c.name)}</a></li>'
        for c in site.children(column.path)
    )
    if children:
        links += f'<li class="sub"><ul>{children}</ul></li>'
    return (
        f'<div class="side"><div class="side-title">{esc(column.names[0])}</div>'
        f"<ul>{links}</ul>{extra}</div>"
    )


def list_page(
    site: SiteSpec, column: Column, number: int, count: int, items: Sequence[ListItem],
    extra: str = "", records: int = 0,
) -> str:
    """Page ``number`` (0-based) of a column's article list (``records`` in all)."""
    source = list_page_path(column, number)
    body_cls = "zt-list" if column.kind == "topic" else "list"
    top = topic_banner(column) if column.kind == "topic" else header(site, source)
    body = (
        top + '<div class="wrap main">\n'
        f'<div class="position">当前位置：{crumb_links(source, column)}</div>\n'
        f"{sidebar(site, source, column, extra)}\n"
        f'<div class="{body_cls}"><div class="list-title">{esc(column.name)}</div>\n<ul>\n'
        f"{list_lines(items, date_in_brackets=crc(column.path) % 2 == 1)}\n</ul>\n"
        f"{pager_script(column, count, number, records)}\n</div>\n</div>\n"
        f"{footer_current(site)}"
    )
    head = site_meta(site, column.name, "栏目页") if number == 0 else ""
    return document(f"{column.name}_{site.site_name}", body, head=head)


def site_meta(site: SiteSpec, column_name: str, column_type: str) -> str:
    """The government meta tags of a list or home page."""
    return gov_meta(
        SiteName=site.site_name,
        SiteDomain=site.host,
        SiteIDCode=site.site_id_code,
        ColumnName=column_name,
        ColumnType=column_type,
    )


def parent_page(
    site: SiteSpec, column: Column, sections: Sequence[tuple[Column, Sequence[ListItem]]]
) -> str:
    """A parent column: one block per sub-column with its latest articles and "更多"."""
    source = column.url
    blocks = []
    for child, items in sections:
        more = relative(source, child.url)
        blocks.append(
            f'<div class="block"><div class="block-title"><span>{esc(child.name)}</span>'
            f'<a class="more" href="{more}">更多&gt;&gt;</a></div>\n<ul>\n'
            f"{list_lines(items, date_in_brackets=False)}\n</ul></div>"
        )
    body = (
        header(site, source)
        + f'<div class="wrap main">\n<div class="position">当前位置：{crumb_links(source, column)}'
        f"</div>\n{chr(10).join(blocks)}\n</div>\n{footer_current(site)}"
    )
    return document(f"{column.name}_{site.site_name}", body)


def home_page(
    site: SiteSpec,
    news: Sequence[ListItem],
    sections: Sequence[tuple[Column, Sequence[ListItem]]],
    extra: str,
) -> str:
    """The home page: the menu, the newest articles, a block per top column."""
    blocks = []
    for column, items in sections:
        link = relative("/", column.url)
        blocks.append(
            f'<div class="index-block"><div class="index-title"><a href="{link}">'
            f'{esc(column.name)}</a><a class="more" href="{link}">更多</a></div>'
            f"\n<ul>\n{list_lines(items, date_in_brackets=False)}\n</ul></div>"
        )
    moved = f'<a href="/{site.moved_column[0]}/">{site.moved_column[2]}</a>' if (
        site.moved_column) else ""
    body = (
        header(site, "/") + '<div class="wrap main">\n'
        '<div class="focus"><div class="focus-title">要闻动态</div>\n<ul>\n'
        f"{list_lines(news, date_in_brackets=False)}\n</ul></div>\n"
        f'<div class="quick">{moved}'
        f'<a href="/was5/web/search.jsp?channelid={site.channel_id}">'
        f'站内检索</a><a href="/hdjl/">领导信箱</a>{extra}</div>\n{chr(10).join(blocks)}\n</div>\n'
        f"{footer_current(site)}"
    )
    return document(f"首页-{site.site_name}", body, head=site_meta(site, "首页", "首页"))


def dynamic_page(title: str) -> str:
    """What /search/, /hdjl/ … answer: dynamic pages robots.txt keeps crawlers out of."""
    return document(
        title, f'<div class="dynamic"><h1>{esc(title)}</h1><p>请输入查询条件。</p></div>'
    )
