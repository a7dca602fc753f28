"""Export: the record of interfaces.md in JSON, JSON Lines and CSV, filtered, streamed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import inspect

import storage.streaming
from storage.export import FIELDS, export_articles
from tests.conftest_db import A_ALIAS, A_CROSS, A_URL, B_NEW, B_URL, INJECTION

A_RECORD = {
    "id": "aaaaaaaaaaaaaaaa",
    "canonical_url": A_URL,
    "urls": [A_URL, A_CROSS, A_ALIAS],
    "title": "张壮在柳州市2026年新春第一会上强调",
    "published_at": "2026-02-25T17:44:00+08:00",
    "source": "柳州1号",
    "column": ["统战动态", "时政聚焦", "本市"],
    "body_text": "南国春来早，人勤地生宝。\n大会现场。",
    "images": [{"url": "https://www.lztz.gov.cn/img/aaaaaaaaaaaaaaaa.jpg",
                "caption": "大会现场。"}],
    "attachments": [{"url": "https://www.lztz.gov.cn/files/aaaaaaaaaaaaaaaa.pdf",
                     "title": "附件"}],
    "first_seen_at": "2026-03-01T02:00:00+00:00",
    "last_seen_at": "2026-03-08T02:00:00+00:00",
    "site": "lztz",  # extension: after the promised fields
}


def export(engine, fmt="jsonl", **filters) -> tuple[int, bytes]:
    out = io.BytesIO()
    count = export_articles(engine, fmt, out, **filters)
    assert not out.closed  # the caller's stream stays open
    return count, out.getvalue()


def jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


@pytest.fixture
def stored(populated):
    """The shared history; export only reads it."""
    return populated


def test_jsonl_records_are_exactly_the_documented_record(stored):
    count, data = export(stored)
    records = jsonl(data)
    assert count == len(records) == 3
    assert records[0] == A_RECORD and list(records[0]) == list(FIELDS)
    assert records[1]["urls"] == [B_URL, B_NEW]  # the canonical first
    assert records[2]["source"] is None and records[2]["title"] == INJECTION


def test_json_is_one_array_of_the_same_records(stored):
    count, data = export(stored, "json")
    assert count == 3 and json.loads(data) == jsonl(export(stored)[1])


def test_empty_database_exports_valid_empty_documents(engine):
    assert export(engine, "json") == (0, b"[]\n")
    assert export(engine, "jsonl") == (0, b"")
    assert export(engine, "csv")[1].decode().splitlines() == [",".join(FIELDS)]


@pytest.mark.parametrize("bom", [False, True])
def test_csv_has_one_row_per_article_with_lists_as_json(stored, bom):
    count, data = export(stored, "csv", bom=bom)
    assert data.startswith(b"\xef\xbb\xbf") is bom
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert count == len(rows) == 3
    first = rows[0]
    assert list(first) == list(FIELDS)
    assert json.loads(first["urls"]) == A_RECORD["urls"]
    assert json.loads(first["column"]) == A_RECORD["column"]
    assert json.loads(first["images"]) == A_RECORD["images"]
    assert first["body_text"] == A_RECORD["body_text"]  # the newline survives quoting
    assert rows[2]["source"] == ""


@pytest.mark.parametrize(("since", "ids"), [
    ("2026-01-11", ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"]),
    ("2026-02-25", ["aaaaaaaaaaaaaaaa"]),  # that whole day, in Shanghai time
    ("2026-02-25T18:00:00+08:00", []),
    ("2020-07-31", ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"]),
])
def test_since_keeps_articles_published_on_or_after(stored, since, ids):
    assert [r["id"] for r in jsonl(export(stored, since=since)[1])] == ids


@pytest.mark.parametrize(("column", "ids"), [
    ("统战动态", ["aaaaaaaaaaaaaaaa"]),
    ("本市", ["aaaaaaaaaaaaaaaa"]),
    ("工作动态", ["cccccccccccccccc"]),
    ("统战", []),  # exact names only
    ("%", []),
])
def test_column_matches_any_level_exactly(stored, column, ids):
    assert [r["id"] for r in jsonl(export(stored, column=column)[1])] == ids


def test_filters_combine_and_urls_follow_them(stored):
    records = jsonl(export(stored, since="2026-01-01", column="工作时讯")[1])
    assert [(r["id"], r["urls"]) for r in records] == [("bbbbbbbbbbbbbbbb", [B_URL, B_NEW])]


def test_filter_values_are_data_not_sql(stored):
    assert export(stored, column=INJECTION) == (0, b"")
    with pytest.raises(ValueError, match="not a date"):
        export(stored, since=INJECTION)
    assert {"articles", "urls"} <= set(inspect(stored).get_table_names())
    assert export(stored)[0] == 3


@pytest.mark.parametrize("batch", [1, 2])
def test_streaming_in_small_batches_gives_the_same_export(stored, monkeypatch, batch):
    whole = export(stored)
    monkeypatch.setattr(storage.streaming, "BATCH", batch)
    assert export(stored) == whole


def test_bad_arguments_are_refused(stored):
    with pytest.raises(ValueError, match="only for CSV"):
        export(stored, "json", bom=True)
    with pytest.raises(ValueError, match="unknown export format"):
        export(stored, "xml")

