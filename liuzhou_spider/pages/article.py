"""One article page → ``RawArticle``: a pure function of (HTML, URL, profile).

The profile's template selectors are tried first, but every field also has a rule that
needs no class name (the breadcrumb starts with 当前位置, the info line holds 发布日期 or
来源, the title sits above the info line, the body holds most of the Chinese prose),
because the site has been redesigned before and a copy of it with other markup must
parse the same.  Nothing here cleans: the body region is kept as found, so cleaning can
be re-run on stored raw articles.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from liuzhou_spider.items import Attachment, Image, RawArticle
from liuzhou_spider.pages.crumbs import plain_breadcrumb, trim_crumb
from liuzhou_spider.pages.dates import FoundDate, find_date
from liuzhou_spider.pages.evidence import (
    date_under,
    hidden_metas,
    labelled_source,
    meta_date,
    meta_source,
    outlet_beside,
    short_text,
)
from liuzhou_spider.pages.registrations import registrations_in
from liuzhou_spider.pages.selectors import PageSelectors
from liuzhou_spider.pages.text import (
    BLOCK_TAGS,
    HIDDEN_STYLE,
    absolute,
    decode_html,
    find_images,
    join_url,
    lines,
    normalize_space,
    parse_document,
    spaced_text,
    text_of,
)
from liuzhou_spider.pages.titles import (
    TitleChoice,
    appended_names,
    choose_title,
    clean_meta_title,
    heading_candidates,
    site_names,
    strip_suffix,
)
from liuzhou_spider.profile import SiteProfile, Template
from liuzhou_spider.urls import article_ids, canonicalize, rendering_of

__all__ = [
    "GOV_META", "article_in", "column_names", "crumb_names", "decode_html", "parse_article",
    "split_breadcrumb", "strip_site_name",
]

# 政府网站发展指引 metadata tags, by their canonical spelling.
GOV_META = (
    "SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription",
    "ColumnKeywords", "ColumnType", "ArticleTitle", "PubDate", "ContentSource",
    "Keywords", "Author", "Description", "Image", "Url",
)
_GOV_META_BY_LOWER = {name.lower(): name for name in GOV_META}

# 当前位置, 您的位置, 您现在的位置, 所在位置, 您所在的位置, 您的当前位置 ...
_CRUMB_LABEL = (
    r"(?:(?:您|你)的?(?:现在|当前|目前)?(?:所在)?的?|当前(?:所在)?的?|所在的?)位置"
)
_BREADCRUMB_ANCHOR = re.compile(rf"^\s*{_CRUMB_LABEL}\s*[:：]?")
_CRUMB_LABEL_IN = re.compile(_CRUMB_LABEL)
_CRUMB_SEPARATORS = re.compile(r"\s*(?:>|＞|»|›|→|&gt;)\s*")
_HOME = frozenset({"首页", "网站首页", "主页", "home", "Home"})
_INFO_ANCHOR = re.compile(r"发布日期|发布时间|来源\s*[:：]|来源于|日期\s*[:：]|时间\s*[:：]")
_DATE_ANCHOR = re.compile(r"发布日期|发布时间|日期\s*[:：]|时间\s*[:：]")
_SOURCE = re.compile(
    r"来源(?:\s*[:：]|于)\s*([^\s|｜丨]+?)(?=$|\s|[|｜丨【]|浏览|点击|阅读|作者|编辑|发布|字号|字体)"
)
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|—+|－|-)\s*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_INLINE_LIMIT = 200  # an info line or breadcrumb is short; a longer block is the body
_LINE_ABOVE_MAX = 100  # a title in a plain element above the info line is a line
_HEADING_MAX = 16  # a lone column heading (second rendering) is a few characters
_CRUMB_NAME_MAX = 20  # each name of a breadcrumb is a few words
_LABELLED_LINES_MAX = 50  # labelled date lines looked at under the body (a page has few)
_CRUMB_PUNCTUATION = " /|｜·>»"  # separators left at a name's ends when CSS draws none
_NOT_A_NAME = re.compile(r"[\d:：>＞»。，,]")  # dates, labels, crumbs, sentences

# Text nodes holding any crumb word: one scan of the page for all the words.
_ANCHOR_TEXTS = etree.XPath(
    "//body//text()[contains(., '位置')][not(ancestor::script|ancestor::style)]"
)
# Containers whose class or id names a breadcrumb (面包屑: mbx, mianbao; 位置: weizhi, dqwz).
# Matched in Python over the attributes: an XPath of that many contains() costs ten times
# as much.
_CRUMB_CLASS = re.compile(r"bread|crumb|mbx|mianbao|weizhi|dqwz|curpos|location")
_CLASSED = etree.XPath("//body//*[@class or @id]")
_INFO_TEXTS = etree.XPath(
    "//body//text()[contains(., '发布') or contains(., '来源') or contains(., '日期')"
    " or contains(., '时间')][not(ancestor::script|ancestor::style)]"
)
_BODY_TEXTS = etree.XPath(
    "//body//text()[not(ancestor::script|ancestor::style|ancestor::a|ancestor::title)]"
)
_TEXT_EQUALS = etree.XPath(
    "//body//text()[normalize-space(.) = $text][not(ancestor::script|ancestor::a)]"
)
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "span", "font"})


def _first(page: PageSelectors, selectors: tuple[str, ...]) -> etree._Element | None:
    """The first element matched by the first selector that matches, with text or images."""
    found = _first_ranked(page, selectors)
    return found[1] if found else None


def _first_ranked(
    page: PageSelectors, selectors: tuple[str, ...]
) -> tuple[int, etree._Element] | None:
    """Like ``_first``, with the rank of the selector that matched (0 = most specific)."""
    for rank, selector in enumerate(selectors):
        for el in page.select(selector):
            if _has_content(el):
                return rank, el
    return None


def _has_content(el: etree._Element) -> bool:
    """Some visible text or an image: stops at the first, unlike joining all the text."""
    return any(t.strip() for t in el.itertext()) or el.find(".//img") is not None


def gov_meta(metas: Mapping[str, str]) -> dict[str, str]:
    """The government-site meta tags among ``page_metas``, by canonical name."""
    return {name: metas[lower] for lower, name in _GOV_META_BY_LOWER.items() if lower in metas}


def page_metas(root: etree._Element) -> dict[str, str]:
    """Every named meta of the page (first value of each), by lower-cased name, property
    or microdata ``itemprop``; then what ``hidden_metas`` finds (JSON-LD, the Founder CMS
    comment) where no meta tag says it."""
    found: dict[str, str] = {}
    hidden: list[tuple[str, str]] = []
    # One walk, filtered by tag in C: cheaper than an XPath.
    for el in root.iter("meta", "script", etree.Comment):
        if el.tag != "meta":
            hidden += hidden_metas(el)
            continue
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = normalize_space(el.get("content"))
        if name and value and name not in found:
            found[name] = value
    for name, value in hidden:
        value = normalize_space(value)
        if value:
            found.setdefault(name, value)
    return found


def _is_site_name(text: str, profile: SiteProfile) -> bool:
    """One of the site's names, or a short tail holding one (``…统战部门户网站``)."""
    names = profile.site_names
    return text in names or (len(text) <= 20 and any(name in text for name in names))


def strip_site_name(title: str, profile: SiteProfile) -> str:
    """A title without the site-name suffix(es) that ``<title>`` tags append."""
    title = normalize_space(title)
    while True:
        separators = list(_TITLE_SEPARATORS.finditer(title))
        if not separators:
            return title
        last = separators[-1]
        head, tail = title[: last.start()].strip(), title[last.end():].strip()
        if not head or not _is_site_name(tail, profile):
            return title
        title = head


def split_breadcrumb(text: str) -> list[str]:
    """``当前位置:首页 > 统战动态 > 本市`` → ``["统战动态", "本市"]``."""
    text = _BREADCRUMB_ANCHOR.sub("", normalize_space(text))
    names = [normalize_space(part) for part in _CRUMB_SEPARATORS.split(text)]
    return [name for name in names if name and name not in _HOME]


def crumb_names(el: etree._Element) -> list[str]:
    """The names of a breadcrumb element, its home word included: split at its arrows,
    or, when the arrows are drawn by CSS or the names only set apart by blanks or ``/``,
    its list items or links in order (``您所在的位置 首页 专题频道 国内专题``,
    ``<li>太原晚报</li><li>太原</li>``)."""
    text = text_of(el)
    if _CRUMB_SEPARATORS.search(text):
        parts = _CRUMB_SEPARATORS.split(_BREADCRUMB_ANCHOR.sub("", normalize_space(text)))
    else:
        parts = [text_of(item) for item in _crumb_items(el)]
    names = [normalize_space(part).strip(_CRUMB_PUNCTUATION) for part in parts]
    return [name for name in names if name]


def column_names(el: etree._Element) -> list[str]:
    """``crumb_names`` without the home words: the column path a breadcrumb states."""
    return [name for name in crumb_names(el) if name not in _HOME]


def _crumb_items(el: etree._Element) -> list[etree._Element]:
    return list(el.iter("li")) or list(el.iter("a"))


def _crumb_shaped(el: etree._Element) -> bool:
    """A breadcrumb without arrows: two names or more, each a few words, in a short line."""
    if len(text_of(el)) > _INLINE_LIMIT:
        return False
    names = [n for n in (normalize_space(text_of(i)) for i in _crumb_items(el)) if n]
    return len(names) >= 2 and all(len(n) <= _CRUMB_NAME_MAX for n in names)


def _block_ancestor(el: etree._Element) -> etree._Element:
    """The element itself if it is a block, else its nearest block ancestor."""
    node = el
    while node is not None and not (isinstance(node.tag, str) and node.tag in BLOCK_TAGS):
        parent = node.getparent()
        if parent is None:
            return node
        node = parent
    return node if node is not None else el


_ARTICLE_TAIL_PATH = re.compile(r"(?:\d{6}/)?t\d{8}_\d+(?:_print)?\.s?html?$")
_INDEX_PAGE = re.compile(r"index(?:_\d+)?\.s?html?$")


def _column_dir(url: str) -> str | None:
    """``/dptt/gsl/`` for ``/dptt/gsl/201606/t20160604_1054491.html``."""
    path = urlsplit(url).path
    if not _ARTICLE_TAIL_PATH.search(path):
        return None
    return _ARTICLE_TAIL_PATH.sub("", path)


def _link_dir(base: str, href: str | None) -> str | None:
    if not href or href.startswith(("javascript:", "#", "mailto:")):
        return None
    path = urlsplit(join_url(base, href)).path
    return _INDEX_PAGE.sub("", path) if path.endswith("/") or _INDEX_PAGE.search(path) else None


def _menu_path(root: etree._Element, base: str, column: str) -> list[str]:
    """Names of the menu entries leading to the link of ``column`` (longest found)."""
    best: list[str] = []
    for anchor in root.iter("a"):
        if _link_dir(base, anchor.get("href")) != column:
            continue
        names = [text_of(anchor)]
        for ancestor in anchor.iterancestors("li"):
            parent_link = next(ancestor.iterchildren("a"), None)
            if parent_link is None or parent_link is anchor:
                continue
            if _link_dir(base, parent_link.get("href")) is None:
                break
            names.insert(0, text_of(parent_link))
        names = [n for n in names if n and n not in _HOME]
        if len(names) > len(best):
            best = names
    return best


def nav_column_path(root: etree._Element, url: str) -> tuple[list[str], int]:
    """The article's column path read off the site menu that every page carries.

    Older pages show only the column's own name; the menu's nesting (a column link
    inside the list item of its parent column) still gives the path, from the page
    alone, whatever order the crawl met the pages in.  Menus often stop a level short:
    then the deepest ancestor column found is returned with the number of levels
    missing below it (the page's own column name may fill the last one).
    """
    column = _column_dir(url)
    gap = 0
    while column and column != "/":
        names = _menu_path(root, url, column)
        if names:
            return names, gap
        column = column.rstrip("/").rsplit("/", 1)[0] + "/"
        gap += 1
    return [], 0


def _breadcrumb(page: PageSelectors, template: Template | None) -> etree._Element | None:
    root = page.root
    if template is not None:
        el = _first(page, template.breadcrumb)
        if el is not None and _CRUMB_SEPARATORS.search(text_of(el)):
            return el
    for node in _ANCHOR_TEXTS(root):
        if not _CRUMB_LABEL_IN.search(node):
            continue
        el = node.getparent()
        for _ in range(4):
            if el is None:
                break
            text = text_of(el)
            if len(text) > _INLINE_LIMIT:
                break
            if _BREADCRUMB_ANCHOR.match(text) and (
                _CRUMB_SEPARATORS.search(text) or _crumb_shaped(el)
            ):
                return el
            el = el.getparent()
    for el in _CLASSED(root):  # named a breadcrumb, with no label before it
        if not _CRUMB_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            continue
        text = text_of(el)
        if len(text) <= _INLINE_LIMIT and (_CRUMB_SEPARATORS.search(text) or _crumb_shaped(el)):
            return el
    return None


def _info_line(page: PageSelectors, template: Template | None) -> etree._Element | None:
    root = page.root
    if template is not None:
        el = _first(page, template.info)
        if el is not None and (find_date(spaced_text(el)) or _SOURCE.search(spaced_text(el))):
            return _widen_info(el)
    for node in _INFO_TEXTS(root):
        if not _INFO_ANCHOR.search(node):
            continue
        el = _block_ancestor(node.getparent())
        text = spaced_text(el)
        if len(text) <= _INLINE_LIMIT and (find_date(text) or _SOURCE.search(text)):
            return el
    return None


def _labelled_date_elsewhere(
    root: etree._Element, region: etree._Element | None
) -> FoundDate | None:
    """The first short line labelled 发布时间/日期/时间 with a date, outside the body and the
    page's footer: some templates print it under the body, apart from the source line."""
    labelled = (node for node in _INFO_TEXTS(root) if _DATE_ANCHOR.search(node))
    for node in itertools.islice(labelled, _LABELLED_LINES_MAX):
        el = node.getparent()
        if (region is not None and (el is region or _within(el, region))) or any(
            _is_page_chrome(a) for a in (el, *el.iterancestors())
        ):
            continue
        for line in (el, _block_ancestor(el)):  # the label's element, else its block
            text = short_text(line, _INLINE_LIMIT)
            found = find_date(text) if text else None
            if found is not None:
                return found
    return None


def _widen_info(el: etree._Element) -> etree._Element:
    """The info line when a selector matched only its date span or its source span."""
    parent = el.getparent()
    if parent is None or parent.xpath(".//p|.//h1|.//h2|.//h3|.//img"):
        return el
    own, wider = spaced_text(el), spaced_text(parent)
    if len(wider) > len(own) + 60:
        return el
    missing_date = not find_date(own) and find_date(wider)
    missing_source = not _SOURCE.search(own) and _SOURCE.search(wider)
    return parent if missing_date or missing_source else el


def _heading_near(info: etree._Element, tag_title: str) -> etree._Element | None:
    """The title element just above the info line (a sibling of it or of its parents).

    An h1–h3 is taken; so is any short element whose class says title or whose text is
    the ``<title>`` without its suffix, since some templates put the title in a div;
    else the first line above with a few words that is no breadcrumb and no date (a
    title in a plain cell).  The search stays in the body.
    """
    node: etree._Element | None = info
    for _ in range(3):
        if node is None or node.tag in ("body", "html"):
            return None
        for sib in node.itersiblings(preceding=True):
            if not isinstance(sib.tag, str):
                continue
            heads = [sib] if sib.tag in ("h1", "h2", "h3") else sib.xpath(".//h1|.//h2|.//h3")
            if heads:
                return heads[-1]
            text = text_of(sib)
            if not text:
                continue
            titled = "title" in (sib.get("class") or "").lower() or "biaoti" in (
                sib.get("class") or ""
            )
            if len(text) <= _INLINE_LIMIT and (titled or (tag_title and text == tag_title)):
                return sib
            if len(text) > 8:
                plain = len(text) <= _LINE_ABOVE_MAX and not _CRUMB_SEPARATORS.search(text)
                return sib if plain and not find_date(text) else None
        node = node.getparent()
    return None


def _title(
    page: PageSelectors, info: etree._Element | None, tag: str, names: frozenset[str],
    profile: SiteProfile, metas: Mapping[str, str], link_title: str | None,
) -> TitleChoice:
    """The title from the list link, title metas, headings and ``<title>``, cross-checked
    (``liuzhou_spider.pages.titles``); ``names``: the site's names the page states."""
    near = _heading_near(info, strip_site_name(tag, profile)) if info is not None else None
    headings = heading_candidates(page.root, names)
    if near is not None and all(el is not near for _, el in headings):
        # A title set in a div just above the info line: a heading too, unless it is
        # a breadcrumb (whose container's class may say title as well).
        text = text_of(near)
        if text and not _CRUMB_SEPARATORS.search(text) and not _BREADCRUMB_ANCHOR.match(text):
            headings.append((text, near))
    evidence = {
        "link": normalize_space(link_title) or None,
        "metas": [clean_meta_title(metas.get(n))
                  for n in ("articletitle", "og:title", "enp:title")],
        "near": near, "tag": tag, "names": names,
    }
    choice = choose_title(headings=headings, **evidence)
    if not choice.confirmed:  # title-classed elements too (a title set in a div)
        titled = heading_candidates(page.root, names, titled=True)
        known = {id(el) for _, el in headings}
        more = headings + [(t, el) for t, el in titled if id(el) not in known]
        if len(more) > len(headings):
            choice = choose_title(headings=more, **evidence)
    if not choice.confirmed and choice.source != "list_link":
        return _headline_shown(page.root, tag, names) or choice
    return choice


def _headline_shown(root: etree._Element, tag: str, names: frozenset[str]) -> TitleChoice | None:
    """``<title>`` with names appended (``标题__栏目_某某网``) whose headline the page shows as
    a block of its own (a title set in a table cell or a ``<font>``): two pieces of
    evidence that agree, above an unconfirmed line or meta.  A ``<title>`` that is one
    name only confirms nothing, whatever shows it (a logo)."""
    headline = strip_suffix(tag, names)
    if not headline or headline == normalize_space(tag) or len(headline) < 4:
        return None
    shown = _element_showing(root, headline)
    if shown is None or _is_page_chrome(shown):
        return None
    return TitleChoice(headline, "title_tag", element=shown, confirmed=True)


def _column_heading(title_el: etree._Element | None) -> str | None:
    """A lone column name shown above the title instead of a breadcrumb."""
    node = title_el
    for _ in range(3):
        if node is None:
            return None
        prev = node.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None:
            text = text_of(prev)
            if 0 < len(text) <= _HEADING_MAX and _CJK.search(text) and not _NOT_A_NAME.search(
                text
            ) and not _is_advert(prev):
                return text
            if text:
                return None
        node = node.getparent()
    return None


_ADVERT = re.compile(r"(?:^|[-_\s])(?:ad|ads|advert\w*|banner|guanggao|gg)(?:$|[-_\s\d])", re.I)


def _is_advert(el: etree._Element) -> bool:
    """An advertisement's label (``<div class="ad-title">广告</div>``): no column name."""
    return any(_ADVERT.search(f"{e.get('class') or ''} {e.get('id') or ''}")
               for e in (el, *el.iterdescendants(), *itertools.islice(el.iterancestors(), 3))
               if isinstance(e.tag, str))


def _refines(meta: FoundDate, shown: FoundDate) -> bool:
    """A meta time adds to the date shown: same day, and the page shows no time or the
    same minute (the meta has the seconds).  A date the page does not show is not taken."""
    if meta.precision != "datetime" or meta.iso[:10] != shown.iso[:10]:
        return False
    return shown.precision == "date" or meta.iso[:16] == shown.iso[:16]


def _within(el: etree._Element, region: etree._Element | None) -> bool:
    return region is not None and any(a is region for a in el.iterancestors())


def _date_and_source(
    info: etree._Element | None, title_el: etree._Element | None, metas: Mapping[str, str],
    region: etree._Element | None,
) -> tuple[FoundDate | None, str | None, str | None, str | None]:
    """``(date, date_from, source, source_from)``: what the page shows first (the info
    line, then a date line under the title), then the metas.  An info line holding only
    the source (date and source in sibling elements) is read with its parent; one inside
    the body while the title is outside it is a line of the article (a table's 来源：),
    trusted after the line under the title."""
    # (origin, text, the date in it): each line's date is looked for once.
    lines_found: list[tuple[str, str, FoundDate | None]] = []
    if info is not None and title_el is not None and _within(info, region) and not _within(
        title_el, region
    ):
        info = None
    if info is not None:
        text = spaced_text(info)
        found = find_date(text)
        if not found:
            parent = info.getparent()
            wider = spaced_text(parent) if parent is not None else ""
            wider_found = find_date(wider) if len(wider) <= _INLINE_LIMIT else None
            if wider_found:
                text, found = wider, wider_found
        lines_found.append(("info_line", text, found))
    # The line under the title is looked for only when the info line lacks something.
    under = None
    if not lines_found or not lines_found[0][2] or not labelled_source(lines_found[0][1]):
        under = date_under(title_el)
    if under is not None and under is not info:
        text = spaced_text(under)
        lines_found.append(("under_title", text, find_date(text)))
    published, published_from = next(
        ((found, origin) for origin, _, found in lines_found if found), (None, None))
    meta = meta_date(metas)
    if meta is not None and (published is None or _refines(meta, published)):
        published, published_from = meta, "meta"
    # The government standard's ContentSource is the editor's own entry; other source
    # metas come after what the page shows.
    source = normalize_space(metas.get("contentsource")) or None
    source_from = "meta" if source else None
    for origin, text, _ in lines_found if source is None else ():
        source = labelled_source(text)
        if source:
            source_from = origin
            break
    if source is None:
        source = meta_source(metas)
        source_from = "meta" if source else None
    if source is None:
        for origin, el in (("info_line", info), ("under_title", under)):
            source = _outlet_near(el)
            if source:
                source_from = f"{origin}_unlabelled"
                break
    return published, published_from, source, source_from


def _outlet_near(el: etree._Element | None) -> str | None:
    """An outlet named with no label beside the date, in the date's line or its parent."""
    for _ in range(2):
        if el is None:
            return None
        text = short_text(el, 80)
        if text is None:
            return None
        found = find_date(text)
        if found is not None:
            name = outlet_beside(text, found)
            if name:
                return name
        el = el.getparent()
    return None


def _density_region(root: etree._Element) -> etree._Element | None:
    """The element holding most of the page's Chinese paragraph text (no selectors): the
    container of its paragraphs, whether they are ``<p>`` or ``<div>`` of text alone."""
    scores: dict[etree._Element, int] = {}
    leaves: dict[etree._Element, bool] = {}
    for node in _BODY_TEXTS(root):
        count = _CJK.subn("", node)[1]  # a count, without a list of characters
        if count < 2:
            continue
        block = _block_ancestor(node.getparent())
        if block not in leaves:  # a <div> holding text only is a paragraph too
            leaves[block] = block.tag == "div" and not any(
                isinstance(el.tag, str) and el.tag in BLOCK_TAGS for el in block.iterdescendants()
            )
        paragraph = block.tag in _PARAGRAPH_TAGS or leaves[block]
        target = block.getparent() if paragraph else block
        if target is None:
            target = block
        scores[target] = scores.get(target, 0) + count
    if not scores:
        return None
    return max(_nested_prose(scores).items(), key=lambda pair: pair[1])[0]


def _nested_prose(scores: dict[etree._Element, int]) -> dict[etree._Element, int]:
    """Each container's prose with that of containers inside it (a quoted poem in a
    ``<blockquote>``, a second ``<div>`` of paragraphs) added, where the outer one holds
    prose of its own too: a third of the inner one's at least.  A wrapper holding only
    a heading above the body does not swallow it."""
    totals = dict(scores)
    nested = []
    for el in scores:
        outer = next((a for a in el.iterancestors() if a in scores), None)
        if outer is not None:
            nested.append((sum(1 for _ in el.iterancestors()), el, outer))
    for _, el, outer in sorted(nested, key=lambda n: -n[0]):  # innermost first
        if 3 * scores[outer] >= totals[el]:
            totals[outer] += totals[el]
    return totals


def _body_region(
    page: PageSelectors, profile: SiteProfile
) -> tuple[Template | None, etree._Element | None]:
    """The template whose selectors found the body, and the body; else ``(None, densest)``.

    Templates share generic selectors (``.TRS_Editor``), so among the templates present
    the one whose *more specific* body selector matched wins, then profile order.
    """
    found_by: list[tuple[int, int, Template, etree._Element]] = []
    for order, template in enumerate(profile.templates):
        if not page.matches_any(template.detect):
            continue
        found = _first_ranked(page, template.body)
        if found is not None:
            found_by.append((found[0], order, template, found[1]))
    if not found_by:
        return None, _density_region(page.root)
    best = min(found_by, key=lambda f: f[:2])
    # A page holding the article twice in two renderings (the seed): the first rendering
    # is the page's own; the copy after it, in another template's markup, is not.
    separate = [f for f in found_by if _disjoint(f[3], best[3])]
    if separate:
        order = _document_order(page.root, [f[3] for f in (best, *separate)])
        best = min((best, *separate), key=lambda f: order[f[3]])
    return best[2], best[3]


def _region_html(region: etree._Element) -> str:
    """The body region's markup.  A region hidden by its own style, which the page's
    script reveals (WeChat's ``#js_content``), is shown: it was chosen for its prose."""
    style = region.get("style")
    if style and HIDDEN_STYLE.search(style):
        region = copy.deepcopy(region)  # the page's tree is only read
        del region.attrib["style"]
    return lxml_html.tostring(region, encoding="unicode", with_tail=False)


def _disjoint(a: etree._Element, b: etree._Element) -> bool:
    """Neither element contains the other."""
    return a is not b and not any(x is b for x in a.iterancestors()) and not any(
        x is a for x in b.iterancestors()
    )


def _document_order(root: etree._Element, elements: list[etree._Element]) -> dict:
    """Position of each element in the document (one walk, stopped once all are seen)."""
    wanted = {id(el): el for el in elements}
    order: dict = {}
    for index, el in enumerate(root.iter()):
        if id(el) in wanted:
            order[wanted[id(el)]] = index
            if len(order) == len(wanted):
                break
    return order


def _element_showing(root: etree._Element, title: str) -> etree._Element | None:
    """The block that shows the title in the page (a text node equal to it)."""
    for node in _TEXT_EQUALS(root, text=title):
        return _block_ancestor(node.getparent())
    return None


_PAGE_CHROME = re.compile(r"foot|bottom|copyright|banquan|nav|menu|share|header", re.I)


def _is_page_chrome(el: etree._Element) -> bool:
    """A footer, menu or header block, by its tag or by how its class or id names it."""
    return el.tag in ("footer", "nav", "header") or bool(
        _PAGE_CHROME.search(f"{el.get('class') or ''} {el.get('id') or ''}")
    )


def _attachment_links(root: etree._Element, region: etree._Element | None) -> list:
    """The links that may name the article's documents: the body region's, and those of
    the blocks after it in its container (an attachment list under the text); without a
    region, the page's outside its chrome.  A footer's PDF (a guide, a privacy notice)
    is the site's, not the article's."""
    if region is None:
        return list(root.iter("a"))  # _attachments drops the chrome's, documents only
    links = list(region.iter("a"))
    parent = region.getparent()
    if parent is not None and parent.tag not in ("body", "html"):
        for sibling in region.itersiblings():
            if isinstance(sibling.tag, str) and not _is_page_chrome(sibling):
                links.extend(sibling.iter("a"))
    return links


def _attachments(
    root: etree._Element, region: etree._Element | None, base: str, profile: SiteProfile
) -> list[Attachment]:
    """Documents linked from the body (see ``_attachment_links``), in page order."""
    exts = tuple(ext.lower() for ext in profile.attachment_exts)
    # Most links are not documents: the extension is tested before any tree or URL work.
    links = [
        a for a in _attachment_links(root, region)
        if (a.get("href") or "").split("#", 1)[0].split("?", 1)[0].strip().lower()
        .endswith(exts)
    ]
    if region is None:
        links = [a for a in links if not any(map(_is_page_chrome, a.iterancestors()))]
    found: dict[str, Attachment] = {}
    for a in links:
        url = absolute(base, a.get("href"))
        if not url or url in found or not urlsplit(url).path.lower().endswith(exts):
            continue
        title = text_of(a) or normalize_space(a.get("title")) or None
        found[url] = Attachment(url, title)
    return list(found.values())


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def parse_article(
    html: str,
    url: str,
    profile: SiteProfile,
    *,
    canonical_url: str | None = None,
    status: int = 200,
    fetched_at: str | None = None,
    headers: Mapping[str, str] | None = None,
    link_title: str | None = None,
    link_date: str | None = None,
) -> RawArticle:
    """Read everything an article page says about its article, without cleaning it."""
    return article_in(
        parse_document(html), html, url, profile, canonical_url=canonical_url,
        status=status, fetched_at=fetched_at, headers=headers, link_title=link_title,
        link_date=link_date,
    )


def article_in(
    root: etree._Element,
    html: str,
    url: str,
    profile: SiteProfile,
    *,
    canonical_url: str | None = None,
    status: int = 200,
    fetched_at: str | None = None,
    headers: Mapping[str, str] | None = None,
    images: bool = True,
    link_title: str | None = None,
    link_date: str | None = None,
) -> RawArticle:
    """``parse_article`` of a page already parsed (``root = parse_document(html)``), which
    it only reads: the reading worker sorts the page's links off the same tree.
    ``html`` is still needed for the content hash.  ``images=False`` leaves
    ``RawArticle.images`` empty, for a caller that cleans at once: cleaning finds the
    images of the cleaned body itself, and the raw list costs a walk of the body's
    lines (a tenth of the time spent here).  ``link_title`` and ``link_date`` are what
    the list page that linked the article showed for it (``Listing.link_titles``,
    ``link_dates``): evidence weighed with the page's own, never taken blindly."""
    page = PageSelectors(root)
    metas = page_metas(root)
    meta = gov_meta(metas)
    template, region = _body_region(page, profile)
    detected = template or next(
        (t for t in profile.templates if page.matches_any(t.detect)), None
    )
    info = _info_line(page, detected)
    title_tag = root.find(".//title")
    tag = text_of(title_tag) if title_tag is not None else ""
    names = site_names(
        (metas.get("sitename", ""), metas.get("og:site_name", "")), profile.site_names
    )
    choice = _title(page, info, tag, names, profile, metas, link_title)
    title, title_el = choice.title, choice.element
    title_from = choice.source
    if title_el is None and title:
        title_el = _element_showing(root, title)
        if title_el is not None and title_from == "list_link":
            # The page shows the list's words as a block of their own (a title set in a
            # table cell, no heading tag, a <title> that names only the site).
            title_from = "page_text"
    crumb = _breadcrumb(page, detected)
    column_path = (
        [n for n in trim_crumb(crumb_names(crumb), crumb, url, names | appended_names(tag))
         if n not in _HOME]
        if crumb is not None else plain_breadcrumb(root, url, names | appended_names(tag)) or []
    )
    ids = article_ids(url, profile)
    # The menu is read only when the page shows no breadcrumb (older templates).
    menu_path, menu_gap = (
        ([], 0) if column_path else nav_column_path(root, canonical_url or url)
    )
    published, published_from, source, source_from = _date_and_source(
        info, title_el, metas, region
    )
    if published is None:  # a labelled date line elsewhere (under the body), after metas
        published = _labelled_date_elsewhere(root, region)
        published_from = "labelled_line" if published else None
    if published is None and link_date:  # the list page's date, before the URL's
        published = find_date(link_date)
        published_from = "list" if published else None
    region_lines = lines(region) if region is not None and images else []

    return RawArticle(
        url=url,
        canonical_url=canonical_url or canonicalize(url, profile),
        fetched_at=fetched_at or datetime.now(UTC).isoformat(timespec="seconds"),
        status=status,
        template=template.name if template else "unknown",
        rendering=rendering_of(url, profile),
        docid=ids[1] if ids else None,
        url_date=ids[0] if ids else None,
        title=title,
        title_from=title_from,
        title_conflict=choice.conflict,
        link_title=normalize_space(link_title) or None,
        link_date=normalize_space(link_date) or None,
        published_raw=published.raw if published else None,
        published_at=published.iso if published else None,
        published_from=published_from,
        source=source,
        source_from=source_from,
        column_path=column_path,
        column_heading=_column_heading(title_el),
        nav_column_path=menu_path,
        nav_column_gap=menu_gap,
        body_html=_region_html(region) if region is not None else None,
        images=[Image(f.url, f.caption) for f in find_images(region_lines, url)],
        attachments=_attachments(root, region, url, profile),
        meta=meta,
        registrations=registrations_in(root),
        etag=_header(headers, "etag"),
        last_modified=_header(headers, "last-modified"),
        content_hash=hashlib.sha256(html.encode("utf-8", "surrogatepass")).hexdigest(),
    )
