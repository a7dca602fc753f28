"""Footer filing numbers: ICP (工信部备案) and public-security (公网安备) registrations.

Every page's footer is an observation; which number is the site's current one is
decided elsewhere (``pipelines.reconcile``) from how many pages show it.  So the same
number must give the same value however it was typed: full-width digits and spaces are
folded, the space after 公网安备 is dropped, and one page yields each number once.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from liuzhou_spider.items import Registration
from liuzhou_spider.pages.text import parse_document

_ICP = re.compile(r"([\u4e00-\u9fff])\s*ICP\s*备\s*(\d{6,12})\s*号(?:\s*[-—–]\s*(\d{1,3})(?!\d))?")
_PSB = re.compile(r"([\u4e00-\u9fff])\s*公网安备\s*(\d{10,16})\s*号?")
# Where a number may start, in either width; only these windows are NFKC-normalised.
_CANDIDATE = re.compile(r"[IＩ]\s*[CＣ]\s*[PＰ]|公网安备")
_WINDOW = 40
_TEXT = etree.XPath("//body//text()[not(parent::script|parent::style)]", smart_strings=False)
_BODIES = etree.XPath("//body")
_HAS_SCRIPT = etree.XPath("boolean(.//script|.//style)")
_STRING = etree.XPath("string()", smart_strings=False)
_ALL_TEXT = etree.XPath("//text()", smart_strings=False)


def registrations_in(root: etree._Element) -> list[Registration]:
    """The filing numbers of an already parsed page (its visible text)."""
    return _from_text(_visible_text(root))


def _visible_text(root: etree._Element) -> str:
    """``"".join(_TEXT(root))``: with one ``<body>`` and no script or style in it, that is
    the body's string value, which lxml gives as one string instead of one per text node."""
    bodies = _BODIES(root)
    if len(bodies) == 1 and not _HAS_SCRIPT(bodies[0]):
        return _STRING(bodies[0])
    return "".join(_TEXT(root))


def find_registrations(
    text_or_html: str, root: etree._Element | None = None
) -> list[Registration]:
    """Every ICP and 公网安备 number in a page (text or HTML), in order, each once.

    Values: ``桂ICP备19011773号`` (with ``-N`` when the site number is given) and
    ``桂公网安备45020502000153号``.  HTML is read by its visible text, so a number split
    by tags (``桂ICP备<span>1901…</span>号``) joins up; ``root`` is that HTML already
    parsed by ``parse_document``, for a caller that reads the page's links too.
    """
    if not text_or_html:
        return []
    if "<" not in text_or_html or ">" not in text_or_html:
        return _from_text(text_or_html)
    if root is None:
        root = parse_document(text_or_html)
    # Markup with no visible text (a fragment that parsed into <head>) is read whole.
    return _from_text(_visible_text(root) or "".join(_ALL_TEXT(root)))


def _from_text(text: str) -> list[Registration]:
    windows = [
        text[max(0, m.start() - 2): m.end() + _WINDOW] for m in _CANDIDATE.finditer(text)
    ]
    text = unicodedata.normalize("NFKC", "\n".join(windows))
    found: list[tuple[int, Registration]] = []
    for match in _ICP.finditer(text):
        province, number, site = match.groups()
        value = f"{province}ICP备{number}号" + (f"-{site}" if site else "")
        found.append((match.start(), Registration("icp", value)))
    for match in _PSB.finditer(text):
        province, number = match.groups()
        found.append((match.start(), Registration("psb", f"{province}公网安备{number}号")))
    found.sort(key=lambda pair: pair[0])
    return list(dict.fromkeys(reg for _, reg in found))
