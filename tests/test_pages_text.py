"""The fast text helpers (pages and fallback) equal their plain definitions on every character."""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from urllib.parse import urljoin

from liuzhou_spider.pages.text import (
    compact_key,
    is_blank,
    join_url,
    normalize_space,
    parse_document,
)
from pipelines.fallback.text import normalise, visible_chars

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\ufeff\u2002\u2003\u2009]+")
_KEY_DROP = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_FALLBACK_SPACE = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
CHARS = [chr(c) for c in [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 97)]
         if not 0xD800 <= c <= 0xDFFF]
MARKS = "，：；！？（）％  \t\n\u3000\u3000\u00a0\u200b\u200c\u200d\ufeff\u0301\u0308中a"


def reference_normalize_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def reference_compact_key(text: str) -> str:
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text))


def samples() -> list[str]:
    rng = random.Random(7)
    texts = [f"a{c}，{c} " for c in CHARS] + [f"（{c}\u0308）\u200b" for c in CHARS[::5]]
    for _ in range(20000):
        texts.append("".join(
            rng.choice(CHARS) if rng.random() < 0.3 else rng.choice(MARKS)
            for _ in range(rng.randint(0, 12))
        ))
    return texts


def test_normalize_space_and_compact_key_equal_their_definitions() -> None:
    for text in samples():
        assert normalize_space(text) == reference_normalize_space(text), repr(text)
        assert compact_key(text) == reference_compact_key(text), repr(text)
        assert is_blank(text) == (not reference_normalize_space(text)), repr(text)
        assert normalise(text) == _FALLBACK_SPACE.sub(" ", text).strip(), repr(text)
        assert visible_chars(text) == len(_FALLBACK_SPACE.sub("", text)), repr(text)


def test_join_url_is_urljoin() -> None:
    """The plain-path shortcut of ``join_url`` against ``urljoin`` itself, on 30,000
    generated pairs (seeded): dot segments, empty segments, roots, queries, odd bases."""
    rng = random.Random(7)
    pieces = ["a", "b", "index.html", ".", "..", "", "t2026_1.html", "~x", "a-b_c"]
    bases = [
        "http://h", "http://h/", "https://h:8000/a/b/c.html", "http://h/a/b/", "http://H/a//b/",
        "http://h/a/b?x=1#f", "http://h/a;p/b", "http://u@h/a/", "http://h/a b/c", "HTTP://h/a/",
        "http://[::1]/a/", "ftp://h/a/", "http://h/a\\b/c", "http://h/./a/../b/",
    ]
    for _ in range(30_000):
        base = rng.choice(bases)
        link = "/".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.2:
            link = "/" + link
        if rng.random() < 0.05:
            link += rng.choice(["?q=1", "#f", ";p", "%20", "//x"])
        assert join_url.__wrapped__(base, link) == urljoin(base, link), (base, link)


def test_a_stray_document_end_from_an_include_does_not_end_the_document() -> None:
    """libxml2 drops what follows ``</html>`` and moves what follows ``</body>``."""
    markup = (
        "<html><head><title>文章</title></head><body><div class='article-content'>"
        "<p>第一段。</p><!--#include virtual='/inc/count.html'-->"
        "<html><head><title>计数</title></head><body><span>1</span></body></html>"
        "<p>第二段。</p></div><div class='footer'>版权所有</div></body></html>"
    )
    root = parse_document(markup)
    content = root.xpath("//div[@class='article-content']")[0]
    assert [p.text for p in content.iter("p")] == ["第一段。", "第二段。"]
    assert root.xpath("//div[@class='footer']")[0].getparent().tag == "body"
    assert root.findtext(".//title") == "文章"


def test_a_stray_document_end_does_not_cut_the_clean_body() -> None:
    from liuzhou_spider.pages.article import parse_article
    from pipelines.cleaning import clean_article
    from tests.sites import LZTZ

    url = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html"
    markup = (
        "<html><head><meta charset='utf-8'><title>测试标题_柳州统战网</title></head><body>"
        "<h1 class='article-title'>测试标题</h1>"
        "<div class='article-content'><p>第一段，内容充实的正文。</p></body></html>"
        "<p>第二段，同样是正文。</p></div></body></html>"
    )
    clean = clean_article(parse_article(markup, url, LZTZ), LZTZ)
    assert clean.body_text == "第一段，内容充实的正文。\n第二段，同样是正文。"
