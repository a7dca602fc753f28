"""The generic main-content extractor, for article pages of templates we do not know.

The crawler calls it when the site profile's selectors find no body (a redesign, a topic
page, a page of another site). It works on any news-like page, Chinese or English:

1. ``dom``: parse defensively and strip scripts, forms, hidden and navigation
   elements;
2. ``text`` + ``score``: cut the page into text blocks and pick the
   container holding the most prose (punctuation- and link-density-weighted), plus the
   siblings that score nearly as well (articles split over several ``<div>``);
3. ``lines``: keep the lines of that region that read as article, dropping
   link lists, share widgets, editor/print/ICP lines and similar chrome;
4. ``merge``: reconcile that text with trafilatura's (precision mode), which
   finds more bodies but keeps more chrome on Chinese pages; together they beat either
   alone (scores in bench/extraction/README.md).

``extract_body`` gives the merged text; ``extract_body_element`` and
``extract_body_html`` our region itself, so that cleaning can keep the body's images
and links (trafilatura's output is text-only as used here).
"""

from __future__ import annotations

import trafilatura
from lxml import etree, html

from pipelines.fallback.dom import parse, prune
from pipelines.fallback.lines import article_lines
from pipelines.fallback.merge import merge
from pipelines.fallback.score import Scores
from pipelines.fallback.text import iter_blocks, normalise

_SIBLING_SHARE = 0.2  # readability's rule: siblings scoring 20% of the winner belong too
_SIBLING_MIN = 10.0


def _region(root: html.HtmlElement) -> list[etree._Element]:
    """The top candidate and the siblings that belong to the same article."""
    scores = Scores(iter_blocks(root))
    top = scores.best()
    if top is None:
        return []
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(_SIBLING_MIN, _SIBLING_SHARE * scores.final(top))
    return [
        el for el in parent
        if el is top or (isinstance(el.tag, str) and scores.final(el) >= threshold)
    ]


def _main_elements(markup: str) -> list[etree._Element]:
    root = parse(markup)
    if root is None:
        return []
    prune(root)
    return _region(root)


def extract_body_element(markup: str, url: str = "") -> html.HtmlElement | None:
    """The element holding the article body (a ``<div>`` wrapping several siblings when
    the article is split), taken from a freshly parsed and pruned tree of the page (so
    scripts and chrome-named descendants are already gone); ``None`` when no prose.

    ``url`` is accepted for the same signature as ``extract_body``; relative links in
    the element are left as written (cleaning resolves them against the page URL).
    """
    elements = _main_elements(markup)
    if not elements:
        return None
    if len(elements) == 1:
        return elements[0]
    wrapper = html.Element("div")
    wrapper.extend(elements)
    return wrapper


def extract_body_html(markup: str, url: str = "") -> str:
    """The body region as an HTML fragment (``""`` when none), for the cleaning step."""
    element = extract_body_element(markup, url)
    if element is None:
        return ""
    return html.tostring(element, encoding="unicode", with_tail=False)


def extract_own(markup: str, url: str = "") -> str:
    """Our DOM scorer's text alone (no trafilatura): lines of the region, chrome dropped."""
    lines: list[str] = []
    for element in _main_elements(markup):
        lines.extend(article_lines(iter_blocks(element)))
    return "\n".join(lines)


def _trafilatura_text(markup: str) -> str:
    """trafilatura 2.3 in precision mode, as the benchmark measured it, line-normalised."""
    if not markup or not markup.strip():
        return ""
    try:
        text = trafilatura.extract(markup, include_comments=False, favor_precision=True)
    except Exception:  # a third-party parser failing on hostile input means "no body"
        return ""
    return "\n".join(line for line in (normalise(t) for t in (text or "").split("\n")) if line)


def extract_body(markup: str, url: str = "") -> str:
    """The main article text of ``markup``: paragraphs joined by ``\\n``, whitespace
    normalised; ``""`` when the page holds no article. Never raises on bad HTML."""
    return merge(extract_own(markup, url), _trafilatura_text(markup))
