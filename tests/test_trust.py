"""The trust judgements on saved bytes: what is an HTML page of the site, and what is not."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from liuzhou_spider.pages import trust
from liuzhou_spider.pages.article import parse_article
from liuzhou_spider.pages.listing import parse_listing
from pipelines.cleaning import clean_article
from tests.hostile_server import MAINTENANCE_HTML, PNG_BYTES, article_html
from tests.sites import LZTZ

PAGES = Path(__file__).parent / "pages"
URL = "https://www.lztz.gov.cn/tzdt/t20240102_1000.html"


def judged(body: bytes, encoding: str = "utf-8") -> str | None:
    """What the spider decides for ``body`` decoded as ``encoding`` (as Scrapy would)."""
    return trust.judge_response(body, body.decode(encoding, errors="replace"))


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")))
def test_every_saved_page_of_the_site_is_trusted(name: str) -> None:
    body = (PAGES / name).read_bytes()
    encoding = "gb18030" if "gb2312" in name else "utf-8"
    assert judged(body, encoding) is None


@pytest.mark.parametrize(("body", "reason"), [
    (b"", trust.EMPTY),
    (b"  \r\n\t ", trust.EMPTY),
    (b"\x00" * 4096, trust.EMPTY),
    (PNG_BYTES, trust.BINARY),
    (b"%PDF-1.7\n<html>", trust.BINARY),
    (b"PK\x03\x04" + b"<html></html>" * 10, trust.BINARY),
    (random.Random(7).randbytes(20000), trust.BINARY),
    (b"<html><body>" + b"\x01\x02\x03\x04" * 200 + b"</body></html>", trust.BINARY),
    ("系统繁忙，请稍后再试".encode(), trust.NOT_HTML),
    (b'{"error": "maintenance"}', trust.NOT_HTML),
])
def test_answers_that_are_not_html_pages(body: bytes, reason: str) -> None:
    assert judged(body) == reason


def test_a_stray_control_character_does_not_refuse_a_page() -> None:
    body = article_html(1).encode().replace(b"<p>", b"<p>\x0b", 1)
    assert judged(body) is None


def test_utf16_page_is_left_to_its_decoder() -> None:
    body = b"\xff\xfe" + article_html(1).encode("utf-16-le")
    assert trust.sniff(body) is None
    assert judged(body, "utf-16") is None


def test_bytes_decoded_with_a_wrong_declared_charset_are_mojibake() -> None:
    gbk = (PAGES / "legacy_gb2312.html").read_bytes()
    assert judged(gbk, "utf-8") == trust.MOJIBAKE
    assert judged(gbk, "gb18030") is None
    utf8 = article_html(3).encode()
    for declared in ("gb18030", "big5", "cp1252", "shift_jis"):  # what a wrong header says
        assert judged(utf8, declared) == trust.MOJIBAKE, declared
    # A few stray replacement characters of the site's own are not a wrong charset.
    text = article_html(1).replace("柳州", "柳\ufffd", 3)
    assert trust.judge_text(text) is None


def test_replacement_share_counts_non_space_characters() -> None:
    assert trust.replacement_share("\ufffd\ufffd  ab") == 0.5
    assert trust.replacement_share("   ") == 0.0


def read(html: str) -> tuple[str, str, int]:
    """(template, body text, in-site links) of a page, as the reading step sees them."""
    clean = clean_article(parse_article(html, URL, LZTZ), LZTZ)
    return clean.raw.template, clean.body_text, trust.site_links(parse_listing(html, URL, LZTZ))


def test_a_maintenance_page_is_not_an_article() -> None:
    assert trust.judge_article(*read(MAINTENANCE_HTML)) == trust.NOT_SITE_PAGE


def test_a_list_page_without_a_link_into_the_site_is_not_a_page_of_the_site() -> None:
    assert trust.judge_listing(parse_listing(MAINTENANCE_HTML, URL, LZTZ)) == trust.NOT_SITE_PAGE
    topic = (PAGES / "topic.html").read_text(encoding="utf-8")
    assert trust.judge_listing(parse_listing(topic, URL, LZTZ)) is None


def test_a_page_with_no_template_and_no_body_is_not_an_article() -> None:
    assert trust.judge_article("unknown", "  ", 12) == trust.NO_CONTENT


def test_a_short_article_of_a_known_template_is_an_article() -> None:
    template, body, links = read(article_html(5, paragraphs=["详见附件。"]))
    assert template != "unknown" and body == "详见附件。"
    assert trust.judge_article(template, body, links) is None
    assert trust.judge_article(template, "", links) is None  # attachment-only


def test_a_page_of_an_unknown_template_with_the_site_menu_is_an_article() -> None:
    html = (PAGES / "unknown_template.html").read_text(encoding="utf-8")
    template, body, links = read(html)
    assert template == "unknown" and body and links
    assert trust.judge_article(template, body, links) is None


@pytest.mark.parametrize(("new", "stored", "refused"), [
    (900, 1000, False),  # an editor shortened the article
    (510, 1000, False),
    (490, 1000, True),  # most of the body lost
    (40, 1000, True),
    (5, None, False),  # nothing stored to compare with
    (5, 0, False),
])
def test_shrunk_bodies(new: int, stored: int | None, refused: bool) -> None:
    assert trust.shrunk(new, stored) is refused


def test_repeated_bodies_past_the_limit() -> None:
    repeated = trust.RepeatedBodies(limit=3)
    assert [repeated.repeated("维护", "h1") for _ in range(5)] == [False] * 3 + [True] * 2
    assert not repeated.repeated("另一篇", "h1")  # the same body with another title
