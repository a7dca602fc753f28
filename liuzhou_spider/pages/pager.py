"""A list page's pager, read from the script that writes it: a pure function of HTML.

TRS list pages write their pager in a script, never as ``<a>`` links, so a crawler that
only follows links sees page 1.  The forms met on real sites:

- ``createPageHTML(pageCount, currentPage, "index", "html")``: pages ``index.html``,
  ``index_1.html`` … ``index_{count-1}.html`` (0-based: page 1 says ``currentPage`` 0);
- the same with an element id first and the record count last,
  ``createPageHTML('page_div', N, cur, 'xlist', 'shtml', total)``, which some sites
  number from 1: ``xlist.shtml``, ``xlist_2.shtml`` … ``xlist_N.shtml``;
- arguments that are variables set in the page (``var countPage = 5``);
- the function defined inline before its call (its parameters are no page count);
- no function at all: ``var countPage = N`` and ``document.write`` of the links.

Every call is read (a definition is skipped, not taken for the pager).  Which
numbering a pager uses shows on a column's first page, whose own number is 0 or 1, and
on its last page (``_N`` of N pages); elsewhere an element-id call is taken as 1-based
and a plain call as 0-based.  A page whose pager script is there but cannot be read is
reported (``Pager.unreadable``), since its column would otherwise be crawled to that
page only, in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urljoin, urlsplit

MAX_PAGES = 2000  # a pager claiming more is a typo or a trap
PAGE_SUFFIXES = ("html", "htm", "shtml", "jsp", "php", "aspx")
_CALL = re.compile(r"\bcreatePageHTML\s*\(((?:[^()]|\([^()]*\))*)\)\s*(\{)?")
_STRING_ARG = re.compile(r"^[\"'](.*)[\"']$")
_NUMBER_ARG = re.compile(r"^(?:[A-Za-z_$][\w$]*|\d+)$")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z]+$")  # resolves beside the page
_PAGE_NAME = re.compile(r"([^/]*?)(?:_(\d+))?\.([A-Za-z]+)$")
# The function-less form: a count variable and document.write in one script.
_COUNT_VAR = re.compile(
    r"\bvar\s+(?i:countPage|pageCount|totalPages?|nPageCount)\s*=\s*[\"']?(\d+)")
_CURRENT_VAR = re.compile(
    r"\bvar\s+(?i:currentPage|curPage|nCurrIndex|pageIndex)\s*=\s*[\"']?(\d+)")
_JOINED = re.compile(r"[\"']\s*\+\s*[\"']")  # "index"+"_" → index_
_WRITTEN_NAME = re.compile(r"([A-Za-z0-9-]+)_[\"']\s*\+")  # "index_" + n: the later pages
_WRITTEN_SUFFIX = re.compile(r"\.(" + "|".join(PAGE_SUFFIXES) + r")\b")
_LINE_COMMENT = re.compile(r"(?:^|[\s;{}])//")  # not the // of http://
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)


@dataclass
class Pager:
    """The pages of a column a list page's pager names; ``unreadable`` when the page has
    a pager script that names none."""

    urls: list[str] = field(default_factory=list)
    count: int | None = None
    unreadable: bool = False


def _number(token: str, script: str) -> int | None:
    """An argument: a literal, or a variable the page sets (``var name = N``)."""
    if token.isdigit():
        return int(token)
    match = re.search(rf"\b{re.escape(token)}\s*=\s*[\"']?(\d+)", script)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class _Call:
    count: int
    current: int | None
    prefix: str | None
    suffix: str | None
    element_id: bool  # the form with an element id first (often numbered from 1)


def _read_call(args: str, script: str) -> _Call | None:
    """One ``createPageHTML`` call's arguments, or None when they name no page count."""
    parts = [part.strip() for part in args.split(",") if part.strip()]
    if not parts or not all(_STRING_ARG.match(p) or _NUMBER_ARG.match(p) for p in parts):
        return None
    strings = [m.group(1) for p in parts if (m := _STRING_ARG.match(p))]
    numbers = [p for p in parts if not _STRING_ARG.match(p)]
    if not numbers:
        return None
    count = _number(numbers[0], script)
    if not count or count < 1:
        return None
    current = _number(numbers[1], script) if len(numbers) > 1 else None
    prefix = suffix = None
    for before, after in pairwise(strings):  # "name", "ext"
        if after.lower() in PAGE_SUFFIXES:
            prefix, suffix = before or None, after
    return _Call(count, current, prefix, suffix, bool(_STRING_ARG.match(parts[0])))


def _written_pager(script: str) -> _Call | None:
    """The function-less form: ``var countPage = N`` and ``document.write`` of links."""
    count = _COUNT_VAR.search(script)
    if count is None or "document.write" not in script:
        return None
    current = _CURRENT_VAR.search(script)
    joined = _JOINED.sub("", script)
    name = _WRITTEN_NAME.search(joined)
    suffix = _WRITTEN_SUFFIX.search(joined, name.end() if name else 0)
    return _Call(
        int(count.group(1)), int(current.group(1)) if current else None,
        name.group(1) if name else None, suffix.group(1) if suffix else None, False,
    )


def _own_name(url: str) -> tuple[str, int | None, str] | None:
    """``(prefix, N, suffix)`` of the page's own file name (``index_3.html``); None for
    a directory URL (a column's first page)."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    match = _PAGE_NAME.fullmatch(name)
    if not match:
        return None
    return match.group(1), int(match.group(2)) if match.group(2) else None, match.group(3)


def _one_based(call: _Call, url: str) -> bool:
    """Whether the pager numbers its pages from 1 (see the module docstring)."""
    own = _own_name(url)
    first_page = own is None or own[1] is None
    if call.current is not None and first_page:
        return call.current == 1
    if call.current == 0:
        return False
    if own is not None and own[1] is not None and own[1] >= call.count:
        return True  # 0-based, the last page of N would be ``_{N-1}``
    return call.element_id


def _names(call: _Call, url: str) -> list[str]:
    own = _own_name(url)
    prefix = call.prefix or (own[0] if own else "index")
    suffix = call.suffix or (own[2] if own else "html")
    count = min(call.count, MAX_PAGES)
    numbers = range(2, count + 1) if _one_based(call, url) else range(1, count)
    return [f"{prefix}.{suffix}"] + [f"{prefix}_{n}.{suffix}" for n in numbers]


def _absolute(names: list[str], url: str) -> list[str]:
    if not _PLAIN_NAME.match(names[0]):  # every name shares the first one's prefix
        return [urljoin(url, name) for name in names]
    # Every list page of a column names all of its pages: one join, not one per page.
    directory = urljoin(url, "_")[:-1]
    return [directory + name for name in names]


def read_pager(html: str, url: str) -> Pager:
    """Every page a list page's pager names, its count, and whether it could be read."""
    if "createPageHTML" not in html and "document.write" not in html:
        return Pager()
    calls: list[_Call] = []
    present = False
    for match in _CALL.finditer(html):
        before = html[max(0, match.start() - 12) : match.start()].rstrip()
        if match.group(2) or before.endswith("function"):  # ``function createPageHTML(…) {``
            continue
        if _LINE_COMMENT.search(html, html.rfind("\n", 0, match.start()) + 1, match.start()):
            continue  # ``// 用法: createPageHTML(总页数, 当前页, …)``
        present = True
        call = _read_call(match.group(1), html)
        if call is not None:
            calls.append(call)
    if not calls and _COUNT_VAR.search(html):
        calls = [call for script in _SCRIPT.findall(html) if (call := _written_pager(script))]
    if not calls:
        return Pager(unreadable=present)
    urls: list[str] = []
    for call in calls:
        for page in _absolute(_names(call, url), url):
            if page not in urls:
                urls.append(page)
    return Pager(urls, max(call.count for call in calls))
