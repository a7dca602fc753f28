"""Raw article → clean article: the body once, without chrome, with normalised metadata.

Cleaning works on lines (``pages.text.lines``), not on class names, because the same
portal served in other markup must clean the same: a line is chrome when its text says
so (当前位置…, 分享本文至, 【打印正文】, 上一篇, 责任编辑, 版权所有, ICP备…), when it
repeats the title, the info line or a column name, and a body printed twice on one page
(the seed page carries two renderings) is cut as a repeated run of lines, while a single
paragraph the article itself says twice stays.  The same line decisions drive
``body_text`` and the tree that becomes ``body_html``, so the two never disagree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from posixpath import basename
from urllib.parse import urlsplit

from lxml import etree, html
from lxml.html.defs import link_attrs as LINK_ATTRS

from liuzhou_spider.items import CleanArticle, Image, RawArticle
from liuzhou_spider.pages.article import article_in, split_breadcrumb, strip_site_name
from liuzhou_spider.pages.chrome import CHROME_PHRASES
from liuzhou_spider.pages.columns import resolve_column
from liuzhou_spider.pages.dates import Precision, find_date, parse_date
from liuzhou_spider.pages.learned import LearnedSite
from liuzhou_spider.pages.text import (
    FoundImage,
    Line,
    compact_key,
    drop_keep_tail,
    find_images,
    is_blank,
    join_url,
    lines,
    normalize_space,
    parse_document,
    parse_fragment,
    prune,
    wrap_loose_inline,
)
from liuzhou_spider.profile import SiteProfile
from pipelines.fallback import extract_body_element
from pipelines.sanitize import sanitize_html

logger = logging.getLogger(__name__)

# The seam to the generic extractor: (region HTML, URL) → element or None.  A module
# attribute so tests can put a stub in its place.
fallback_extractor: Callable[[str, str], html.HtmlElement | None] = extract_body_element

CHROME_LINE_MAX = 150  # chrome lines are short; a long line holding a marker is a leak
HEADING_MAX = 16
NAV_RUN = 3  # this many link-only lines in a row are a menu
_HOME_WORDS = ("首页", "网站首页", "返回首页", "主页")
REPEAT_MIN_LINES = 3  # a repeated run this long (and REPEAT_MIN_CHARS) is a second printing
REPEAT_MIN_CHARS = 30  # a repeated run of less text is a refrain, wherever it stands
# Caps on what one article may store (docs/refusals.md).  Constants, not settings: a
# reprocess must rebuild the articles a crawl stored.  Far above any real article (a
# title of 100 characters, a body of 20,000 are long); a page past them is hostile or
# broken, and is stored cut and counted (``CleanArticle.capped``) rather than whole.
MAX_TITLE_CHARS = 500
MAX_SOURCE_CHARS = 200
MAX_BODY_CHARS = 1_000_000
MAX_BODY_HTML_CHARS = 4 * MAX_BODY_CHARS

# Chrome wherever it stands, recognised by how the line starts.
_CHROME_START = re.compile(
    r"^[【\[(（〔]?\s*(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|分享(?:本文|到|至)"
    r"|上一篇|下一篇|上一条|下一条|责任编辑|编辑\s*[:：]|审核\s*[:：]|校对\s*[:：]|打印|关闭"
    r"|收藏|返回(?:顶部|首页|列表)|地址\s*[:：]|联系我们|联系电话|主办单位|主办\s*[:：]|承办"
    r"|技术支持|网站标识码|扫一扫|字号|字体|【\s*[大中小]\s*】|发布于\s*[:：]|(?:免责|平台|版权)声明"
    r"|(?:推荐|相关|延伸)阅读\s*[:：])"
)
# The editor's credit set in brackets as a line of its own: ``（松花江网编辑 孙桂芳）``,
# ``(责任编辑 王洋)``; an outlet's name may stand before the role.
_EDITOR_LINE = re.compile(
    r"^[(（【\[〔]\s*[^\s()（）【】\[\]]{0,12}?(?:责任编辑|编辑|责编|审核|审校|校对|编审|终审|监制)"
    r"\s*[:：]?\s*[\u4e00-\u9fff·]{2,5}(?:\s*[、，,/\s]\s*[\u4e00-\u9fff·]{2,5}){0,3}\s*[)）】\]〕]$"
)
# A line of nothing but links to the document's own renderings: ``pdf下载 word下载``.
_DOWNLOAD_LINE = re.compile(
    r"^(?:(?:pdf|word|docx?|wps|ofd|excel|xlsx?)\s*(?:版|格式|文件)?\s*下载[\s|｜/]*)+$", re.I
)
# The label cells of a government document's metadata box (索引号, 发文机关, 成文日期 ...).
_META_LABEL = re.compile(
    r"^(?:索\s*引\s*号|分\s*类|主题分类|体裁分类|组配分类|发文机关|发布机构|发文单位|成文日期|发文日期"
    r"|发布日期|生成日期|发文字号|文\s*号|标\s*题|名\s*称|主\s*题\s*词|关\s*键\s*词|有\s*效\s*性"
    r"|公开方式|公开范围|公开时限|信息来源|内容概述|废止日期|实施日期)\s*[:：]?$"
)
_META_LABELS_MIN = 3  # label cells that make a table the metadata box
# Chrome anywhere inside a short line.
_CHROME_IN = re.compile(
    "|".join(map(re.escape, CHROME_PHRASES))
    + r"|Copyright|©|ICP\s*备|加入收藏|网站地图"
    r"|【\s*[大中小]\s*】|[大中小]\s+[大中小]\s+[大中小]】?$",
    re.I,
)
_INFO = re.compile(r"发布日期|发布时间|来源\s*[:：]|作者\s*[:：]|日期\s*[:：]|时间\s*[:：]")


@dataclass(frozen=True)
class _Context:
    """What the page says about itself, to recognise it when the body repeats it."""

    title_keys: frozenset[str]
    column_keys: frozenset[str]  # column names: never a body line on their own
    site_keys: frozenset[str]  # site names, 首页: chrome above the body (a logo), not in it,
    # where the site's name alone is the signature of a notice
    markers: tuple[str, ...]
    document_exts: tuple[str, ...]
    key_max_chars: int  # longer lines cannot equal a title or a column name


def _is_chrome(line: Line, ctx: _Context, after_title: bool, body_started: bool) -> bool:
    text = line.text
    if not text:
        return False
    if len(text) <= ctx.key_max_chars:  # only a short line can be a title or a name
        key = compact_key(text)
        if key in ctx.title_keys or (len(text) <= 2 * HEADING_MAX and key in ctx.column_keys):
            return True
        if key in ctx.site_keys and not body_started:
            return True
    if len(text) > CHROME_LINE_MAX:
        return False
    if _CHROME_START.match(text) or _EDITOR_LINE.match(text) or _DOWNLOAD_LINE.match(text):
        return True
    if _CHROME_IN.search(text) or any(marker in text for marker in ctx.markers):
        return True
    if _INFO.search(text) and (find_date(text) or "来源" in text):
        return True
    found = find_date(text)
    lone_date = found is not None and len(text) - len(found.raw) <= 6
    return lone_date and (after_title or not body_started)


def _is_link_only(line: Line, ctx: _Context) -> bool:
    """A line that is all link text, not a link to a document (an attachment line)."""
    if not line.text or line.link_chars * 10 < 9 * len(line.text.replace(" ", "")):
        return False
    return not any(
        urlsplit(href).path.lower().endswith(ctx.document_exts) for href in line.hrefs
    )


def _navigation(region_lines: list[Line], ctx: _Context) -> set[int]:
    """Lines in runs of NAV_RUN or more link-only lines: menus, related-article lists."""
    found: set[int] = set()
    run: list[int] = []
    for i, line in enumerate([*region_lines, None]):
        if line is not None and _is_link_only(line, ctx):
            run.append(i)
            continue
        if line is not None and not line.text:
            continue  # an image between links does not end a menu
        if len(run) >= NAV_RUN:
            found.update(run)
        run = []
    return found


def _chrome_mask(region_lines: list[Line], ctx: _Context) -> list[bool]:
    """``keep[i]``: line ``i`` is not chrome."""
    navigation = _navigation(region_lines, ctx)
    keep: list[bool] = []
    after_title = False
    body_started = False
    for i, line in enumerate(region_lines):
        chrome = i in navigation or _is_chrome(line, ctx, after_title, body_started)
        keep.append(not chrome)
        if line.text:
            after_title = (
                chrome and len(line.text) <= ctx.key_max_chars
                and compact_key(line.text) in ctx.title_keys
            )
            body_started = body_started or not chrome
    return keep


@dataclass
class _Event:
    key: str
    indexes: tuple[int, ...]  # the lines it stands for (an image line and its caption)
    chars: int


def _events(region_lines: list[Line], keep: list[bool], images: list[FoundImage]) -> list[_Event]:
    """The kept lines as comparable events; an image and its caption are one event."""
    caption_of = {f.line_index: f.caption_index for f in images if f.caption_index is not None}
    captions = set(caption_of.values())
    events: list[_Event] = []
    for i, line in enumerate(region_lines):
        if not keep[i] or (i in captions and not line.images):
            continue
        indexes: tuple[int, ...] = (i,)
        key = compact_key(line.text)
        if line.images:
            cap = caption_of.get(i)
            names = ",".join(basename(urlsplit(img.get("src") or "").path) for img in line.images)
            if cap is not None and cap != i:
                indexes = (i, cap)
            label = compact_key(region_lines[cap].text) if cap is not None else names
            key = f"\x00img:{label}\x00{key}"
        chars = sum(len(region_lines[k].text) for k in indexes)
        events.append(_Event(key, indexes, chars))
    return events


def _is_printed_twice(events: list[_Event], j: int, i: int, length: int) -> bool:
    """Whether ``events[i:i+length]``, equal to ``events[j:j+length]``, is a second
    printing rather than the article repeating itself.

    A page prints a body twice as a run of lines: the whole body again (however short),
    a run of several lines straight after the same run, or a long run anywhere.  A
    single paragraph the article says twice (a slogan, a refrain, a closing line that
    echoes the lead) is content.
    """
    chars = sum(event.chars for event in events[i : i + length])
    if length >= REPEAT_MIN_LINES and chars >= REPEAT_MIN_CHARS:
        return True
    back_to_back = j + length == i
    if back_to_back and length >= 2 and chars >= REPEAT_MIN_CHARS:
        return True
    return back_to_back and j == 0 and i + length == len(events)  # the whole body, twice


def _repeated_runs(events: list[_Event]) -> set[int]:
    """Lines of every run of events that prints an earlier run again (a body printed
    twice: see ``_is_printed_twice``).

    One pass with a first-seen index per key; each repeat is extended as far as it
    keeps matching, so the cost is linear in the lines dropped plus the lines read.
    """
    first: dict[str, int] = {}
    dropped: set[int] = set()
    i = 0
    while i < len(events):
        j = first.get(events[i].key)
        if j is None:
            first[events[i].key] = i
            i += 1
            continue
        length = 0
        while (
            i + length < len(events)
            and j + length < i
            and events[j + length].key == events[i + length].key
        ):
            length += 1
        if _is_printed_twice(events, j, i, length):
            for event in events[i : i + length]:
                dropped.update(event.indexes)
            i += length
        else:
            i += 1
    return dropped


def _rebuild_tree(
    root: etree._Element, region_lines: list[Line], keep: list[bool]
) -> None:
    """Apply the line decisions to the tree: drop blocks whose lines all went, rewrite
    blocks that lost only some, leave blocks that still hold kept blocks inside."""
    by_unit: dict[etree._Element, list[int]] = {}
    for i, line in enumerate(region_lines):
        by_unit.setdefault(line.unit, []).append(i)
    holds_kept: set[etree._Element] = set()
    for i, line in enumerate(region_lines):
        if keep[i]:
            parent = line.unit.getparent()
            while parent is not None and parent not in holds_kept:
                holds_kept.add(parent)
                parent = parent.getparent()
    for unit, indexes in by_unit.items():
        kept = [i for i in indexes if keep[i]]
        if len(kept) == len(indexes) or unit in holds_kept:
            continue
        if not kept and unit is not root:
            drop_keep_tail(unit)
        else:
            _rewrite_unit(unit, [region_lines[i] for i in kept])


def _rewrite_unit(unit: etree._Element, kept: list[Line]) -> None:
    """A block reduced to the given lines (their images and text), ``<br>`` between."""
    for child in list(unit):
        unit.remove(child)
    unit.text = None
    last: etree._Element | None = None
    for n, line in enumerate(kept):
        if n:
            last = etree.SubElement(unit, "br")
        for img in line.images:
            last = etree.SubElement(unit, "img", {"src": img.get("src") or ""})
        if line.text:
            if last is None:
                unit.text = line.text
            else:
                last.tail = line.text


# Elements that may go when empty; those holding an image or a table never do.
_EMPTY_CANDIDATE_TAGS = (
    "p", "div", "span", "font", "strong", "b", "em", "i", "u", "li", "h1", "h2", "h3", "h4",
    "h5", "h6", "section", "article", "figure", "blockquote", "center", "a",
)
_STRING = etree.XPath("string()", smart_strings=False)  # all the text (pruned: no comments)


def _drop_metadata_tables(root: etree._Element) -> None:
    """Remove the document metadata box a government page sets above its text (索引号,
    分类, 发文机关, 成文日期 ... as label and value cells): facts about the document, not
    its words; the publication date among them is read as the page's info line."""
    for table in list(root.iter("table")):
        cells = [normalize_space(_STRING(cell)) for cell in table.iter("td", "th")]
        labels = sum(1 for text in cells if _META_LABEL.match(text))
        if labels >= _META_LABELS_MIN and 3 * labels >= len(cells) and table is not root:
            drop_keep_tail(table)


def _drop_empty(root: etree._Element) -> None:
    """Remove elements left with no text and no image (empty paragraphs, spacers)."""
    # One walk filtered by tag in C (an XPath union walked the tree once per tag),
    # innermost first; an image or a table inside keeps an element.
    for el in reversed(list(root.iter(_EMPTY_CANDIDATE_TAGS))):
        text = el.text
        if el is root or (text and not is_blank(text)):
            continue  # its own first words show: no need for the whole string value
        if is_blank(_STRING(el)) and next(el.iter("img", "table"), None) is None:
            drop_keep_tail(el)


def _region(raw: RawArticle) -> tuple[etree._Element, bool]:
    """The body region's tree, and whether the generic extractor chose it."""
    if raw.template != "unknown":
        return parse_fragment(raw.body_html), False
    try:
        found = fallback_extractor(raw.body_html or "", raw.url)
    except Exception:  # the generic extractor is a heuristic: never lose the article to it
        logger.exception("Fallback extractor failed on %s", raw.url)
        found = None
    if found is None:
        return parse_fragment(raw.body_html), True
    holder = html.Element("div")
    holder.append(found)
    return holder, True


# What lxml's iterlinks reads besides plain link attributes (<base> is applied first).
_SPECIAL_LINK_TAGS = frozenset({"base", "object", "meta", "param", "style"})
_CSS_URL = re.compile(r"url\(", re.I)


def _make_links_absolute(root: html.HtmlElement, base: str) -> None:
    """``root.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")``.

    lxml tests every element for fifteen link attributes, CSS and meta refreshes, in
    Python; a body region nearly always holds plain ``href``/``src`` attributes only, so
    those are rewritten directly, the same way.  Anything else hands the tree to lxml.
    """
    links: list[tuple[etree._Element, str, str]] = []
    for el in root.iter(etree.Element):
        if el.tag in _SPECIAL_LINK_TAGS or _CSS_URL.search(el.get("style") or ""):
            root.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
            return
        links.extend((el, name, value) for name, value in el.items() if name in LINK_ATTRS)
    for el, name, value in links:
        try:
            new = join_url(base, value.strip())
        except ValueError:  # "discard": the attribute goes
            del el.attrib[name]
            continue
        if new != value:
            el.set(name, new)


def _published(raw: RawArticle) -> tuple[str | None, Precision | None, str | None]:
    """What parsing weighed (the page's lines, then its metas), else the URL's date;
    with the evidence that decided."""
    parsed = parse_date(raw.published_raw) or parse_date(raw.published_at)
    if parsed:
        return (*parsed, raw.published_from)
    if raw.url_date:
        parsed = parse_date(raw.url_date)
        if parsed:
            return (*parsed, "url")
    return None, None, None


_ARTICLE_TAIL = re.compile(r"(?:/\d{6})?/[^/]*$")


def profile_column(url: str, profile: SiteProfile) -> list[str]:
    """The column names the profile knows for the column directory of ``url``
    (``SiteProfile.column_names``: ``tzdt/szjj`` → ``("统战动态", "时政聚焦")``)."""
    path = urlsplit(url).path
    for prefix in profile.mobile_prefixes:
        if path.startswith(prefix):
            path = "/" + path[len(prefix):]
            break
    return list(profile.column_names.get(_ARTICLE_TAIL.sub("", path).strip("/"), ()))


def _column(raw: RawArticle, profile: SiteProfile) -> list[str]:
    """Breadcrumb, else the profile's names for the URL's column, else the site menu's
    path to the column (when it agrees with the page's own column name), else the
    ColumnName tag, else a lone column heading (the last two give only the column's
    own name)."""
    if raw.column_path:
        return list(raw.column_path)
    known = profile_column(raw.url, profile)
    if known:
        return known
    own_name = raw.meta.get("ColumnName") or raw.column_heading
    menu = list(raw.nav_column_path)
    if menu and raw.nav_column_gap == 0 and own_name in (None, menu[-1]):
        return menu
    if menu and raw.nav_column_gap == 1 and own_name and own_name not in menu:
        return [*menu, own_name]
    if raw.meta.get("ColumnName"):
        return split_breadcrumb(raw.meta["ColumnName"]) or [raw.meta["ColumnName"]]
    return [raw.column_heading] if raw.column_heading else []


def _inner_html(root: etree._Element) -> str:
    parts = [root.text or ""]
    parts += [html.tostring(child, encoding="unicode") for child in root]
    return "".join(parts)


def clean_article(raw: RawArticle, profile: SiteProfile) -> CleanArticle:
    """The article of one page as a reader would copy it: see the module docstring."""
    title = strip_site_name(raw.title or raw.meta.get("ArticleTitle") or "", profile)
    column = _column(raw, profile)
    ctx = _Context(
        title_keys=frozenset(compact_key(t) for t in (title, raw.title or "") if t),
        column_keys=frozenset(compact_key(c) for c in (*column, raw.column_heading or "") if c),
        site_keys=frozenset(
            compact_key(c)
            for c in (*profile.site_names, raw.meta.get("SiteName", ""), *_HOME_WORDS)
            if c
        ),
        markers=tuple(profile.chrome_markers),
        document_exts=tuple(ext.lower() for ext in profile.attachment_exts),
        key_max_chars=2 * max(len(title), len(raw.title or ""), 2 * HEADING_MAX),
    )
    root, from_fallback = _region(raw)
    prune(root)
    _drop_metadata_tables(root)
    for el in root.iter("center"):
        el.tag = "div"
    if isinstance(root, html.HtmlElement):
        _make_links_absolute(root, raw.url)
    wrap_loose_inline(root)
    region_lines = lines(root)

    keep = _chrome_mask(region_lines, ctx)
    found = find_images(region_lines, raw.url, keep)
    for i in _repeated_runs(_events(region_lines, keep, found)):
        keep[i] = False
    found = [f for f in found if keep[f.line_index]]
    captions = {f.caption_index for f in found if f.caption_index is not None}

    body_lines = []
    for i, line in enumerate(region_lines):
        if keep[i] and line.text and i not in captions:
            body_lines.append(line.text)
    body_text = "\n".join(body_lines)
    _rebuild_tree(root, region_lines, keep)
    _drop_empty(root)
    published_at, precision, published_from = _published(raw)
    source = normalize_space(raw.source) or None
    capped = tuple(name for name, value, cap in (
        ("title", title, MAX_TITLE_CHARS), ("source", source, MAX_SOURCE_CHARS),
        ("body", body_text, MAX_BODY_CHARS)) if value and len(value) > cap)
    inner = _inner_html(root)
    if capped:
        title, body_text = title[:MAX_TITLE_CHARS], body_text[:MAX_BODY_CHARS]
        source = source[:MAX_SOURCE_CHARS] if source else None
        inner = inner[:MAX_BODY_HTML_CHARS]  # the sanitiser closes what the cut left open

    return CleanArticle(
        raw=raw,
        title=title,
        published_at=published_at,
        published_precision=precision,
        source=source,
        column=column,
        body_text=body_text,
        body_html=sanitize_html(inner, raw.url),
        images=[Image(f.url, f.caption) for f in found],
        attachments=list(raw.attachments),
        extractor="fallback" if from_fallback else "template",
        title_from=raw.title_from,
        published_from=published_from,
        source_from=raw.source_from if raw.source else None,
        title_conflict=raw.title_conflict,
        chrome_leaks=[m for m in profile.chrome_markers if m in body_text],
        capped=capped,
    )


def read_article(
    html: str,
    url: str,
    profile: SiteProfile,
    *,
    canonical_url: str,
    status: int = 200,
    fetched_at: str | None = None,
    headers: Mapping[str, str] | None = None,
    root: etree._Element | None = None,
    link_title: str | None = None,
    link_date: str | None = None,
) -> CleanArticle:
    """One fetched article page, parsed and cleaned: what the crawl and reprocessing read.

    A module-level function of plain data, so it can run in a worker process.  ``root``
    is ``html`` already parsed by ``parse_document``, for a caller in the same process
    that reads the page's links too (the reading worker): one parse a page.  The
    returned ``raw`` has no ``images``: ``images`` of the clean article are the ones.
    """
    raw = article_in(
        parse_document(html) if root is None else root, html, url, profile,
        canonical_url=canonical_url, status=status, fetched_at=fetched_at, headers=headers,
        images=False, link_title=link_title, link_date=link_date,
    )
    return clean_article(raw, profile)


def with_learned_site(clean: CleanArticle, site: LearnedSite) -> CleanArticle:
    """``clean`` with what the site's list pages teach: the column path its folder's list
    pages state, where its own page gives no breadcrumb (``pages.columns.resolve_column``
    says when they are trusted), and its title without the site's ``<title>`` suffix.
    An article whose folder no list page has named yet is noted, to be settled at the
    run's end (``LearnedSite.settled_columns``)."""
    raw = clean.raw
    url = raw.canonical_url or raw.url
    own_names = (raw.column_heading, raw.meta.get("ColumnName"))
    clean.column = resolve_column(clean.column, url, site.columns,
                                  from_breadcrumb=bool(raw.column_path), own_names=own_names)
    if not raw.column_path and not site.columns.column_of(url):
        site.note_unsettled(url, clean.column, own_names)
    clean.title = site.headline(clean.title)
    return clean
