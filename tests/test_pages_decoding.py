"""Page bytes → text as a browser reads them: BOM, a declaration only where it holds,
UTF-8, then detection; replacement characters counted."""

from __future__ import annotations

import itertools
from pathlib import Path

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes

from liuzhou_spider.pages.article import parse_article
from liuzhou_spider.pages.decoding import (
    content_type_of,
    decode_html,
    decode_page,
    is_text_response,
)
from tests.sites import LZTZ

PAGES = Path(__file__).parent / "pages"
TEXT = "7月30日，市委统战部召开党外知识分子座谈会，朱镕基同志当年的讲话精神被多次提及。"
PAGE = f"<html><head><title>座谈会</title></head><body><p>{TEXT}</p></body></html>"
GB_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'


def test_a_page_declaring_gb2312_but_written_in_utf8_reads_as_utf8() -> None:
    decoded = decode_page((GB_META + PAGE).encode("utf-8"))
    assert TEXT in decoded.text
    assert (decoded.encoding, decoded.declared, decoded.replacements) == (
        "utf-8", "gb18030", 0)
    # These UTF-8 bytes also decode without error as GB18030, into 缁熶竴鎴樼嚎.
    short = (GB_META + "<p>统一战线</p>").encode("utf-8")
    assert "统一战线" in decode_page(short, "text/html; charset=gb2312").text


def test_gb2312_declared_pages_are_read_as_gb18030_for_gbk_only_characters() -> None:
    decoded = decode_page((GB_META + PAGE).encode("gbk"))  # 镕 is in GBK, not in GB2312
    assert TEXT in decoded.text and decoded.encoding == "gb18030"


def test_the_bom_comes_before_any_declaration() -> None:
    decoded = decode_page(b"\xef\xbb\xbf" + (GB_META + PAGE).encode("utf-8"),
                          "text/html; charset=gbk")
    assert decoded.text.startswith("<meta") and TEXT in decoded.text


def test_the_header_comes_before_the_meta_when_both_hold() -> None:
    body = ('<meta charset="utf-8">' + PAGE).encode("ascii", "ignore")
    assert decode_page(body, "text/html; charset=GBK").encoding == "gb18030"
    assert decode_page(body).encoding == "utf-8"


def test_a_wrong_header_is_not_believed_when_the_bytes_do_not_decode_in_it() -> None:
    decoded = decode_page(PAGE.encode("gbk"), "text/html; charset=utf-8")
    assert TEXT in decoded.text and decoded.replacements == 0


def test_broken_bytes_are_counted_and_the_best_reading_kept() -> None:
    data = PAGE.encode("gbk")
    cut = data.index(b"<p>")
    decoded = decode_page(data[:cut] + b"\xff\xff" + data[cut:])
    assert TEXT in decoded.text
    assert decoded.replacements == 2
    assert 0 < decoded.replacement_share < 0.05
    assert decode_page(PAGE.encode("utf-8")).replacement_share == 0.0


def test_saved_legacy_page_and_content_type_of_stored_headers() -> None:
    text = decode_html((PAGES / "legacy_gb2312.html").read_bytes())
    assert "朱镕基" in text
    assert content_type_of({"content-type": "text/html"}) == "text/html"
    assert content_type_of(None) is None


def test_extract_of_a_mislabelled_page_has_no_mojibake() -> None:
    html = decode_html((GB_META + PAGE.replace("<p>", '<div class="article-content"><p>')
                        .replace("</p>", "</p></div>")).encode("utf-8"))
    raw = parse_article(html, "https://www.lztz.gov.cn/a/202001/t20200101_1.html", LZTZ)
    assert TEXT in (raw.body_html or "")


def test_a_stored_response_is_text_exactly_when_scrapy_made_it_a_text_response() -> None:
    """Reprocessing reads the pages the crawl read, without Scrapy: the rule agrees with
    ``scrapy.responsetypes`` on every mix of headers, URL and body."""
    header_sets = [
        {}, {"Content-Type": "text/html; charset=utf-8"}, {"content-type": "TEXT/HTML"},
        {"Content-Type": "application/pdf"}, {"Content-Type": "application/xhtml+xml"},
        {"Content-Type": "application/json"}, {"Content-Type": "image/png"},
        {"Content-Type": ""}, {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
        {"Content-Type": "application/octet-stream",
         "Content-Disposition": 'attachment; filename="a.html"'},
        {"Content-Disposition": "attachment; filename=a.pdf"},
        {"Content-Disposition": "inline"},
    ]
    urls = ["https://h/a/t20200101_1.html", "https://h/a/f.pdf", "https://h/a/",
            "https://h/a/f.json", "https://h/a/f.tar.gz", "https://h/a/f.xyz"]
    bodies = [PAGE.encode("utf-8"), b"%PDF-1.4\x01\x02\x03", b"", b"plain\x00text\n",
              b"<?xml version='1.0'?><a/>", b"x" * 5000 + b"\x01"]
    for headers, url, body in itertools.product(header_sets, urls, bodies):
        cls = responsetypes.from_args(headers=Headers(headers), url=url, body=body)
        assert is_text_response(headers, url, body) == issubclass(cls, TextResponse), (
            headers, url, body[:20])
