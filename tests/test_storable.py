"""``storage.storable``: a clean record passes untouched, and junk in any one field of a
record is found and repaired, wherever the cheap check over the joined values has to see
it (every text field, header names and values, a URL just over or under the key limit)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from liuzhou_spider.items import Attachment, Image, Registration
from storage.storable import MAX_KEY_BYTES, storable_decision, storable_fetch, url_key
from tests.conftest_db import article_url, make_decision, make_fetch

T1 = "2026-03-01T02:00:00+00:00"
URL = article_url("3700600")
# Under the limit only in characters, over it in bytes; and a multi-byte URL that fits.
LONG_URL = URL + "?q=" + "中" * (MAX_KEY_BYTES // 3)
FITTING_URL = URL + "?q=" + "中" * (MAX_KEY_BYTES // 4)


def fetch():
    return make_fetch(URL, fetched_at=T1, body=b"<p>x</p>", etag='"e"',
                      last_modified="Wed, 25 Feb 2026 09:44:00 GMT",
                      registrations=(("icp", "桂ICP备19011773号"),))


def decision():
    return make_decision(URL, "aaaaaaaaaaaaaaaa", fetched_at=T1, title="标题",
                         body="正文第一段。\n第二段\t有制表符。")


def test_clean_records_come_back_as_they_are():
    clean_fetch, clean_decision = fetch(), decision()
    assert storable_fetch(clean_fetch) == (clean_fetch, False)
    assert storable_fetch(clean_fetch)[0] is clean_fetch
    assert storable_decision(clean_decision)[0] is clean_decision
    fitting = replace(clean_fetch, url=FITTING_URL)
    assert len(FITTING_URL) > MAX_KEY_BYTES // 4 and storable_fetch(fitting) == (fitting, False)


@pytest.mark.parametrize("change", [
    {"url": URL + "\x00"}, {"canonical_url": URL + "\x1b"}, {"url": LONG_URL},
    {"etag": '"e\x00"'}, {"last_modified": "Wed\r\n"}, {"headers": {"X\x00": "v"}},
    {"headers": {"Content-Type": "text/html\n"}},
    {"registrations": [Registration("icp", "桂ICP备\x0019011773号")]},
])
def test_junk_in_any_field_of_a_fetch_is_repaired(change):
    broken = replace(fetch(), **change)
    repaired, was_repaired = storable_fetch(broken)
    assert was_repaired and repaired != broken
    assert storable_fetch(repaired) == (repaired, False)
    assert repaired.url == url_key(broken.url)


@pytest.mark.parametrize(("field", "value"), [
    ("title", "标题\x00"), ("source", "来源\x7f"), ("column", ["统战\x85动态"]),
    ("body_text", "正文\udc80"), ("body_html", "<p>正文\x08</p>"),
    ("images", [Image("http://x/a.jpg\x00", None)]),
    ("images", [Image("http://x/a.jpg", "图\x01")]),
    ("attachments", [Attachment("http://x/a.pdf\x00")]),
    ("attachments", [Attachment("http://x/a.pdf", "附件\x02")]),
])
def test_junk_in_any_field_of_an_article_is_repaired(field, value):
    original = decision()
    broken = replace(original, article=replace(original.article, **{field: value}))
    repaired, was_repaired = storable_decision(broken)
    assert was_repaired and repaired != broken
    assert storable_decision(repaired) == (repaired, False)


@pytest.mark.parametrize("change", [
    {"url": URL + "\x00"}, {"canonical_url": LONG_URL}, {"docid": "37\x00"}])
def test_junk_in_the_raw_article_is_repaired(change):
    original = decision()
    raw = replace(original.article.raw, **change)
    broken = replace(original, article=replace(original.article, raw=raw))
    repaired, was_repaired = storable_decision(broken)
    assert was_repaired and repaired.article.raw != raw
    assert storable_decision(repaired) == (repaired, False)
