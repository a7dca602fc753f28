"""Parse any HTML into an lxml tree and strip what can never be article text.

Pages reaching the fallback extractor are, by definition, of unknown templates: they may
be empty, fragments without ``<body>``, legacy GBK pages already decoded to ``str`` but
still declaring an encoding (which lxml refuses for ``str`` input), or broken nesting.
This module turns all of them into a tree (or ``None``) and removes scripts, forms,
hidden elements and elements whose tag or class/id names say "navigation", so that the
scorer only weighs candidate text.
"""

from __future__ import annotations

import re

from lxml import etree, html

from liuzhou_spider.pages.text import (
    HIDDEN_STYLE,
    drop_keep_tail,
    empty_void_elements,
    without_document_end,
)

# Never text of the article, whatever the page.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "select", "option", "button", "input", "textarea", "head", "title", "meta", "link",
    "map", "dialog", "menu",
)
# Semantic chrome; removed only when it does not hold most of the page's text (some
# sites wrap the whole page in <header> or <footer>).
_CHROME_TAGS = frozenset({"nav", "aside", "footer", "header"})
_KEEP_TAGS = frozenset({"html", "body", "article", "main", "a", "img"})

# class/id tokens of boilerplate; Chinese portals use pinyin abbreviations too
# (dh = 导航, fx = 分享, bq = 版权, xgwz/xgxw = 相关文章/新闻, ...).  STRONG names remove an
# element even when it also looks like content ("detail-content--recommend" is a teaser
# list, "post-comments" the comments); WEAK ones only when nothing says "content".
_STRONG_NAMES = (
    r"comments?|reply|replies|disqus|related|recommend|recommended|relevant|share|sharing|"
    r"social|bdshare|jiathis|breadcrumbs?|crumbs?|copyright|advert|advertisement|"
    r"sponsor|footer|navbar|navigation|xgwz|xgxw|xgyd|dqwz|wzdh|bdsharebuttonbox"
)
_WEAK_NAMES = (
    r"nav|menu|foot|header|masthead|sidebar|side|aside|location|position|hot|popular|rank|ranking|"
    r"banner|ads?|promo|subscribe|newsletter|login|signup|search|tags?|pager|pagination|"
    r"paging|print|toolbar|modal|popup|cookie|gdpr|dh|fx|bq"
)
STRONG_UNLIKELY = re.compile(rf"(?:^|[\s_-])(?:{_STRONG_NAMES})(?:$|[\s_-])", re.I)
UNLIKELY = re.compile(rf"(?:^|[\s_-])(?:{_STRONG_NAMES}|{_WEAK_NAMES})(?:$|[\s_-])", re.I)
# A class/id that looks like the article keeps the element even if UNLIKELY matches.
LIKELY = re.compile(
    r"article|body|content|entry|main|post|text|story|blog|zoom|trs_editor|detail|"
    r"(?:^|[\s_-])(?:zw|nr|wz|con|cont|news)(?:$|[\s_-])",
    re.I,
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def parse(markup: str) -> html.HtmlElement | None:
    """The document tree of ``markup``, or ``None`` when there is nothing to parse.

    Never raises on malformed input: the crawler must degrade to "no body", not crash.
    """
    if not markup or not markup.strip():
        return None
    markup = without_document_end(_XML_DECL.sub("", markup, count=1).replace("\x00", ""))
    try:
        root = html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None
    return empty_void_elements(root)


def class_id(el: etree._Element) -> str:
    """The element's class and id joined, the names boilerplate is recognised by."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


def _text_len(el: etree._Element) -> int:
    return sum(map(len, "".join(el.itertext()).split()))  # str.split: the blanks of \s


def prune(root: html.HtmlElement) -> None:
    """Remove from ``root``, in place, every element that cannot be article text."""
    etree.strip_elements(root, *_DROP_TAGS, etree.Comment, with_tail=False)
    body = root.find("body")
    scope = body if body is not None else root
    total = max(_text_len(scope), 1)
    doomed = []
    for el in scope.iter():
        if not isinstance(el.tag, str) or el is scope:
            continue
        names = class_id(el)
        weak_chrome = names and UNLIKELY.search(names) and not LIKELY.search(names)
        if weak_chrome and el.tag not in _KEEP_TAGS:
            doomed.append(el)
        elif (
            el.tag in _CHROME_TAGS or _is_hidden(el) or (names and STRONG_UNLIKELY.search(names))
        ) and _text_len(el) < 0.5 * total:
            # Guarded: WeChat hides its article until a script shows it, some sites
            # wrap the whole page in <header>, "post-content-share" may hold the post.
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            drop_keep_tail(el)
