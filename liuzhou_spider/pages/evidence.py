"""Publication date and source from the places a page states them, ranked.

Dates: the info line (labelled 发布日期/时间), a short unlabelled line or sibling element
right under the title, the date metas (``PubDate``, ``publishdate``,
``article:published_time``, ...), then (in cleaning) the URL's ``tYYYYMMDD``.  What the
page shows beats a meta, and its precision is kept: a page that shows only a date gives
a date, and a meta time of exactly midnight is a placeholder, not a time.

Sources: a labelled one (来源：, 稿件来源：, 本文来源于, 出处：, 原创：) in the info line or
under the title, the ``ContentSource``/``source`` metas, else an outlet's name written
beside the date with no label (``2024年05月10日 00:26 每日经济新闻``).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping

from lxml import etree

from liuzhou_spider.pages.dates import FoundDate, find_date
from liuzhou_spider.pages.text import normalize_space, spaced_text

__all__ = [
    "date_under",
    "hidden_metas",
    "labelled_source",
    "meta_date",
    "meta_source",
    "outlet_beside",
    "short_text",
    "without_placeholder_time",
]

_DATE_METAS = (
    "pubdate", "publishdate", "article:published_time", "og:release_date", "og:time",
    "published_time", "publish_time", "datepublished", "dc.date", "dcterms.created",
    "firstpublishedtime", "apub:time", "enp:date",
)
# JSON-LD publication dates: schema.org's, and the ``pubDate`` of the structured data
# Chinese sites write for Baidu.  Read by pattern: such blocks are often not valid JSON.
_LINKED_DATA_DATE = re.compile(r'"(datePublished|pubDate)"\s*:\s*"([^"]{8,40})"')
# ``<!--enpproperty <date>…</date><title>…</title>-->`` and its newspaper form
# ``<!--mpproperty <founder-date>…</founder-date><founder-title>…-->``.
_ENP_PROPERTY = re.compile(r"<(?:founder-)?(date|title)>\s*([^<]{1,300}?)\s*</(?:founder-)?\1>")
_SOURCE_METAS = ("contentsource", "source", "article:author")
# 原创： ("original to") names the outlet that wrote it; without a colon 原创 is a badge.
_SOURCE_LABEL = re.compile(
    r"(?:(?:来源|稿源|出处|出所)(?:于\s*[:：]?|\s*[:：])|原创\s*[:：])\s*"
)
# The value, past an opening bracket (``来源：[ 人民网 ]``), up to a blank, a bracket or the
# next label.
_SOURCE_VALUE = re.compile(
    r"[\[【(（「]?\s*([^\s|｜丨]+?)(?=$|\s|[|｜丨【\[（(\]】)）」]|\d{4}\s*[-/.年]|浏览|点击|阅读|作者"
    r"|编辑|责编|发布|字号|字体|时间|日期)"
)
_PUNCTUATION = " :：,，;；.。、|｜"  # left at a value's ends by a label or a list
# What a template printed where its source field was empty: markup, not a name.
_MARKUP = re.compile(r"[=<>\"]")
_LINE_LIMIT = 200  # an info line is short; a longer block is the body
# Labels with their values (a label's value is never the next label), page controls.
_NOISE = re.compile(
    r"(?:(?:作者|编辑|责编|记者|通讯员|摄影|来源|出处|时间|日期|发布时间|发布日期|发稿时间|浏览次数"
    r"|点击数|阅读数|字号|字体|所属分类|分类|所属栏目|栏目|标签|关键词|关键字|访问量|阅读量)"
    r"\s*[:：]\s*(?!\S*[:：])\S*|作者|编辑|责编|记者|字号|字体|分享|打印|收藏|举报|评论|\S*说两句"
    r"|(?:发布于|来自|IP属地)\s*[:：]?\s*\S*|参与\S*|"
    r"浏览\S*|点击\S*|阅读\S*|[|｜丨/:：()（）\[\]【】+·•])"
)
_ADDRESS = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)  # the site's own address
_OUTLET = re.compile(r"^[\u4e00-\u9fffA-Za-z·－-]{2,16}$")
_NOT_OUTLET = re.compile(r"[大中小]$|^(?:正文|首页|原创|来源|时间|日期|关注|更多)")


def without_placeholder_time(found: FoundDate | None) -> FoundDate | None:
    """A meta date whose time is exactly midnight: the CMS's placeholder, a date only."""
    if found is None or found.precision != "datetime" or found.iso[11:19] != "00:00:00":
        return found
    return FoundDate(found.iso[:10], found.iso[:11] + "00:00:00+08:00", "date")


def meta_date(metas: Mapping[str, str]) -> FoundDate | None:
    """The first date meta present (``metas``: lower-cased name or property → content)."""
    for name in _DATE_METAS:
        found = find_date(metas.get(name))
        if found is not None:
            return without_placeholder_time(found)
    return None


def hidden_metas(el: etree._Element) -> list[tuple[str, str]]:
    """Metadata a page states outside its meta tags, as ``(meta name, value)``: the
    publication date of a JSON-LD ``<script>`` under the meta names that say the same
    (``datepublished``, ``pubdate``), and the ``<!--enpproperty ...-->`` (or
    ``mpproperty``) comment of the Founder CMS (``enp:date``, ``enp:title``), which many
    Chinese newspaper and government sites print around the body."""
    text = el.text
    if not text:
        return []
    if el.tag is etree.Comment:
        if not text.startswith(("enpproperty", "mpproperty")):
            return []
        return [(f"enp:{name}", html_lib.unescape(value))
                for name, value in _ENP_PROPERTY.findall(text)]
    if "ld+json" not in (el.get("type") or "").lower():
        return []
    return [(name.lower(), value) for name, value in _LINKED_DATA_DATE.findall(text)]


def meta_source(metas: Mapping[str, str]) -> str | None:
    """The source metas, without a 来源： label some CMSs copy into them; an address is
    no source."""
    for name in _SOURCE_METAS:
        value = normalize_space(metas.get(name))
        if value:
            value = _SOURCE_LABEL.sub("", value, count=1).strip()
            # ``article:author`` is a profile's address by the Open Graph spec: no name.
            if value and not value.isdigit() and not value.startswith(("http://", "https://")):
                return value
    return None


def labelled_source(text: str) -> str | None:
    """The value after a 来源 label in a short line."""
    for label in _SOURCE_LABEL.finditer(text):
        value = _SOURCE_VALUE.match(text, label.end())
        found = value.group(1).strip(_PUNCTUATION) if value else ""
        if found and not _MARKUP.search(found):
            return found
    return None


def outlet_beside(text: str, found: FoundDate) -> str | None:
    """An outlet's name written next to the date with no label: what is left of a short
    date line once the date, labels and page controls are gone, if it is one name."""
    if len(text) > 80:
        return None
    rest = _ADDRESS.sub(" ", text.replace(found.raw, " "))
    rest = _NOISE.sub(" ", rest)
    # A periodical's name in book-title marks: ``《理财周刊》`` names 理财周刊.
    words = [w.strip("《》") for w in rest.split() if not any(ch.isdigit() for ch in w)]
    words = [w for w in words if not _NOT_OUTLET.search(w)]
    # An account shown twice (``经济日报`` … ``经济日报官方账号``) is one name.
    shortest = min(words, key=len) if words else ""
    if words and all(shortest in w for w in words) and _OUTLET.match(shortest):
        return shortest
    return None


def short_text(el: etree._Element, limit: int) -> str | None:
    """``spaced_text(el)`` when it is at most ``limit`` characters, else None.  The size
    is counted first and the count stops past the limit, so asking it of a long block
    (the body) costs little."""
    size = 0
    for node in el.iter():
        if node is not el and node.tail:
            size += len(node.tail)
        if node.text and isinstance(node.tag, str) and node.tag not in ("script", "style"):
            size += len(node.text)
        if size > 2 * limit:  # blanks collapse in spaced_text: allow for them
            return None
    text = spaced_text(el)
    return text if len(text) <= limit else None


def date_under(title_el: etree._Element | None) -> etree._Element | None:
    """The short element holding a date right after the title (its siblings, or those of
    its parents): an info line without labels, or date and source in sibling elements."""
    node = title_el
    for _ in range(3):
        if node is None:
            return None
        for count, sib in enumerate(node.itersiblings()):
            if count >= 4:
                break
            if not isinstance(sib.tag, str):
                continue
            text = short_text(sib, _LINE_LIMIT)
            if text is None:
                return None  # the body starts: no date line between
            if find_date(text):
                return sib
        node = node.getparent()
    return None
