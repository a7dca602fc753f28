"""A breadcrumb without the 当前位置 label: the column path other CMSs show.

News and government sites write ``网易首页 > 新闻中心 > 新闻 > 正文``, ``人民网>>经济·科技``
or ``首页 → 理论新闻`` with no label before it.  A careful reader knows one by its shape:
a short line of a few short names joined by arrows, made of links, whose first name is
the site's home (a link to the site's root, or a word ending in 首页) and whose last may
be 正文 (the article itself).  The column path is the names between.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from liuzhou_spider.pages.evidence import short_text
from liuzhou_spider.pages.text import BLOCK_TAGS, compact_key, join_url, normalize_space

__all__ = ["plain_breadcrumb", "trim_crumb"]

_ARROWS = re.compile(r"\s*(?:>+|＞+|»|›|→|&gt;)\s*")
_ARROW_TEXTS = etree.XPath(
    "//body//text()[contains(., '>') or contains(., '＞') or contains(., '»')"
    " or contains(., '›') or contains(., '→')][not(ancestor::script|ancestor::style)]"
)
_HOME_WORDS = frozenset({"首页", "主页", "网站首页", "home", "Home", "HOME", "ホーム"})
_THIS_PAGE = frozenset({"正文", "详情", "正文内容", "内容", "文章"})
_ROOT_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.php"})
_SECOND_LEVEL = frozenset({"gov", "com", "org", "net", "edu", "ac"})  # gov.cn, com.cn, ...
_LINE_MAX = 120  # a breadcrumb is one short line
_NAME_MAX = 20  # each of its names a few words
_TRIES = 12  # arrows met before the breadcrumb are "更多>>" links: a few only


def _block(el: etree._Element) -> etree._Element:
    while el.tag not in BLOCK_TAGS and el.getparent() is not None:
        el = el.getparent()
    return el


def _is_home(
    name: str, anchor: etree._Element | None, base: str, site: frozenset[str]
) -> bool:
    """The site's home: a home word; or a link to a host's root that names the site
    (``site``: comparison keys of the names the page gives itself; 吉林省政府信息公开专栏
    holds its SiteName 信息公开专栏) or that leads from the page's own host to the main
    host of its domain (人民网 → www.people.com.cn on js.people.com.cn).  A channel that
    links to its own host's root (资讯 on news.ifeng.com) is a column."""
    if name in _HOME_WORDS or name.endswith("首页"):
        return True
    href = (anchor.get("href") or "").strip() if anchor is not None else ""
    if not href:
        return False
    target, page = urlsplit(join_url(base, href)), urlsplit(base)
    if target.path not in _ROOT_PATHS:
        return False
    key = compact_key(name)
    if any(key == k or (len(k) >= 4 and k in key) for k in site):
        return True
    host, own = (target.hostname or ""), (page.hostname or "")
    main = host.removeprefix("www.")
    if main.split(".", 1)[0] in _SECOND_LEVEL and main.count(".") == 1:
        return False  # www.gov.cn is not the home of every *.gov.cn site
    return host != own and own.endswith("." + main)


def _anchors(block: etree._Element) -> dict[str, etree._Element]:
    return {normalize_space("".join(a.itertext())): a for a in block.iter("a")}


def trim_crumb(
    names: list[str], block: etree._Element, base: str, site: frozenset[str],
    anchors: dict[str, etree._Element] | None = None,
) -> list[str]:
    """A breadcrumb's names without the site's home first and 正文 (the article itself)
    last; links that follow 正文 on the same line are not part of it."""
    anchors = _anchors(block) if anchors is None else anchors
    if names and _is_home(names[0], anchors.get(names[0]), base, site):
        names = names[1:]
    for index, name in enumerate(names):
        if name.split(" ", 1)[0] in _THIS_PAGE:
            return names[:index]
    return names


def plain_breadcrumb(
    root: etree._Element, base: str, site: frozenset[str]
) -> list[str] | None:
    """The column path of an unlabelled breadcrumb, or None when the page shows none."""
    for count, node in enumerate(_ARROW_TEXTS(root)):
        if count >= _TRIES:
            return None
        parent = node.getparent()
        if parent is None:
            continue
        block = _block(parent)
        text = short_text(block, _LINE_MAX)
        if not text:
            continue
        names = [normalize_space(part) for part in _ARROWS.split(text)]
        names = [n for n in names if n]
        if len(names) < 2 or any(len(n) > _NAME_MAX for n in names):
            continue
        anchors = _anchors(block)
        if not anchors or not any(n in anchors for n in names):
            continue  # a breadcrumb is made of links
        names = trim_crumb(names, block, base, site, anchors)
        if names:
            return names
    return None
