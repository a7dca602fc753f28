"""Allow-list sanitising of body HTML (nh3, the Rust ammonia library).

``body_html`` is stored and later shown by other tools, so it must be safe whatever the
page held: only text structure (paragraphs, emphasis, headings, lists, tables, images,
links) survives; scripts and styles go with their content; event handlers, inline styles
and ``javascript:``/``data:`` URLs never pass.  Links are made absolute here, so stored
HTML still works away from the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import nh3

from liuzhou_spider.pages.text import join_url

ALLOWED_TAGS = frozenset({
    "p", "br", "div", "strong", "b", "em", "i", "u", "s", "sub", "sup", "span",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "hr",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "img", "a", "figure", "figcaption",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_ATTRIBUTES = frozenset({"href", "src"})
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "textarea"})
# nh3 takes mutable sets; built once here (nh3 does not change them), not on every page.
_NH3_TAGS = set(ALLOWED_TAGS)
_NH3_CLEAN_CONTENT = set(_DROPPED_WITH_CONTENT)
_NH3_ATTRIBUTES = {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}
_NH3_SCHEMES = set(URL_SCHEMES)


def _absolute_url(base: str) -> Callable[[str, str, str], str | None]:
    """An nh3 attribute filter: relative href/src → absolute; other schemes dropped."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRIBUTES:
            return value
        try:
            url = join_url(base, value.strip())
        except ValueError:
            return None
        return url if urlsplit(url).scheme in URL_SCHEMES else None

    return keep


def sanitize_html(fragment: str | None, base_url: str = "") -> str:
    """``fragment`` reduced to the allow-list, with every link and image URL absolute."""
    if not fragment:
        return ""
    return nh3.clean(
        fragment,
        tags=_NH3_TAGS,
        clean_content_tags=_NH3_CLEAN_CONTENT,
        attributes=_NH3_ATTRIBUTES,
        attribute_filter=_absolute_url(base_url),
        url_schemes=_NH3_SCHEMES,
        strip_comments=True,
        link_rel="noopener noreferrer",
    ).strip()
