"""The analyst views: exactly the columns interfaces.md promises, the same rows everywhere.

Times are ISO text on SQLite and ``timestamptz`` on PostgreSQL (schema 0004): rows are
compared as moments, and on PostgreSQL every time must arrive as a time.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

import storage.repository
from storage.repository import Repository
from tests.conftest_db import A_ALIAS, A_CROSS, A_URL, B_NEW, B_URL, C_URL, INJECTION, populate

COLUMNS = {
    "v_articles": ["article_id", "canonical_url", "title", "published_at", "source",
                   "column_path", "body_text", "char_count", "url_count", "first_seen_at",
                   "last_seen_at",
                   # extensions of schema 0005: the evidence behind title, date and source
                   "title_from", "published_from", "source_from", "title_conflict",
                   "list_title",
                   # schema 0008: every view ends with the site
                   "site"],
    "v_article_urls": ["url", "article_id", "is_canonical", "similarity", "first_seen_at",
                       "last_seen_at", "site"],
    "v_registrations": ["kind", "value", "page_count", "first_seen_at", "last_seen_at",
                        "is_canonical", "site"],
    # interfaces.md's columns first, then the extensions of schema 0003
    "v_crawl_runs": ["run_id", "started_at", "finished_at", "status", "pages_fetched",
                     "articles_new", "articles_updated", "duplicates_merged", "errors",
                     "pages_not_modified", "pages_gone", "site"],
}
# Records built without page reading's evidence, of the one site ``populate`` crawls.
NO_EVIDENCE = (None, None, None, 0, None, "lztz")
T1, T2 = "2026-03-01T02:00:00+00:00", "2026-03-08T02:00:00+00:00"
NOW = "2026-03-09T00:00:00+00:00"
ANALYSTS = Path(__file__).resolve().parent.parent / "docs" / "analysts.md"
EXAMPLES = re.findall(r"```sql\n(.*?)```", ANALYSTS.read_text(encoding="utf-8"), re.S)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Runs stamp the current time; fix it so rows compare across databases."""
    monkeypatch.setattr(storage.repository, "now_utc", lambda: NOW)


ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
TIME_COLUMNS = {"published_at", "first_seen_at", "last_seen_at", "started_at", "finished_at",
                "replaced_at", "gone_at"}


def moment(value):  # type: ignore[no-untyped-def]
    """A time, whichever way the database gave it (text on SQLite, datetime on PostgreSQL)."""
    if isinstance(value, str) and ISO_TIME.fullmatch(value):
        return datetime.fromisoformat(value)
    return value


def moments(rows_: list[tuple]) -> list[tuple]:
    return [tuple(moment(v) for v in row) for row in rows_]


def rows(engine, view: str) -> tuple[list[str], list[tuple]]:
    with engine.connect() as connection:
        result = connection.execute(text(f"SELECT * FROM {view} ORDER BY 1, 2"))
        return list(result.keys()), [tuple(row) for row in result]


def test_views_have_the_promised_columns_and_rows(repo):
    populate(repo)
    verdicts = [type("V", (), {"kind": k, "value": v, "is_canonical": c})() for k, v, c in (
        ("icp", "桂ICP备19011773号", True), ("icp", "桂ICP备05009280号", False))]
    repo.set_registration_verdicts(verdicts, site="lztz")
    found = {view: rows(repo.engine, view) for view in COLUMNS}
    assert {view: names for view, (names, _) in found.items()} == COLUMNS
    assert moments(found["v_articles"][1]) == moments([
        ("aaaaaaaaaaaaaaaa", A_URL, "张壮在柳州市2026年新春第一会上强调",
         "2026-02-25T17:44:00+08:00", "柳州1号", "统战动态 > 时政聚焦 > 本市",
         "南国春来早，人勤地生宝。\n大会现场。", 18, 3, T1, T2, *NO_EVIDENCE),
        ("bbbbbbbbbbbbbbbb", B_URL, "工作会议（更正）", "2026-01-12T10:30:00+08:00", "柳州1号",
         "工作时讯", "要统一思想抓落实。新增一行。", 14, 2, T1, T2, *NO_EVIDENCE),
        ("cccccccccccccccc", C_URL, INJECTION, "2020-07-31T00:00:00+08:00", None,
         "新时代 > 工作动态", f"正文 {INJECTION}", 3 + len(INJECTION), 1, T1, T1, *NO_EVIDENCE),
    ])
    assert moments(found["v_article_urls"][1]) == moments([
        (A_ALIAS, "aaaaaaaaaaaaaaaa", 0, 1.0, T2, T2, "lztz"),
        (B_URL, "bbbbbbbbbbbbbbbb", 1, 1.0, T1, T2, "lztz"),
        (B_NEW, "bbbbbbbbbbbbbbbb", 0, 0.8125, T2, T2, "lztz"),
        (A_CROSS, "aaaaaaaaaaaaaaaa", 0, 0.96875, T1, T1, "lztz"),
        (A_URL, "aaaaaaaaaaaaaaaa", 1, 1.0, T1, T1, "lztz"),
        (C_URL, "cccccccccccccccc", 1, 1.0, T1, T1, "lztz"),
    ])
    assert moments(found["v_registrations"][1]) == moments([
        ("icp", "桂ICP备05009280号", 1, T1, T1, 0, "lztz"),
        ("icp", "桂ICP备19011773号", 3, T1, T1, 1, "lztz"),
        ("psb", "桂公网安备45020502000013号", 1, T1, T1, 0, "lztz"),
        ("psb", "桂公网安备45020502000153号", 3, T1, T1, 0, "lztz"),
    ])
    assert moments(found["v_crawl_runs"][1]) == moments([
        (1, NOW, NOW, "success", 6, 3, 0, 1, 0, 0, 0, "lztz"),
        (2, NOW, NOW, "partial", 3, 0, 1, 2, 1, 0, 0, "lztz"),
    ])


def test_sqlite_and_postgresql_return_identical_rows(sqlite_and_pg):
    answers = []
    for engine in sqlite_and_pg:
        populate(Repository(engine))
        answers.append({view: rows(engine, view) for view in COLUMNS})
    sqlite, pg = answers
    for view in COLUMNS:
        names = sqlite[view][0]
        assert names == pg[view][0]
        assert moments(sqlite[view][1]) == moments(pg[view][1])
        times = [i for i, name in enumerate(names) if name in TIME_COLUMNS]
        for row in pg[view][1]:
            assert all(row[i] is None or isinstance(row[i], datetime) for i in times), row
        untimed = [[type(v) for i, v in enumerate(r) if i not in times] for r in sqlite[view][1]]
        assert untimed == [[type(v) for i, v in enumerate(r) if i not in times]
                           for r in pg[view][1]]


def plain(value):
    """Numbers as floats (PostgreSQL's round() gives Decimal where SQLite gives float),
    times as moments (text on SQLite, timestamptz on PostgreSQL)."""
    return float(value) if isinstance(value, Decimal) else moment(value)


def run_examples(engine) -> list[list[tuple]]:
    with engine.connect() as connection:
        return [[tuple(map(plain, row)) for row in connection.execute(text(query))]
                for query in EXAMPLES]


def test_the_eleven_analyst_queries_run_and_answer(repo):
    assert len(EXAMPLES) == 11
    populate(repo)
    answers = run_examples(repo.engine)
    assert all(answers), [q.splitlines()[0] for q, a in zip(EXAMPLES, answers, strict=True)
                          if not a]
    changed, search, doubtful = answers[2], answers[6], answers[10]
    assert changed == [("bbbbbbbbbbbbbbbb", "工作会议（更正）", "updated")]
    assert [row[0] for row in search] == ["bbbbbbbbbbbbbbbb"]
    assert [(row[0], row[-1]) for row in doubtful] == [
        ("aaaaaaaaaaaaaaaa", "short body"), ("bbbbbbbbbbbbbbbb", "short body"),
        ("cccccccccccccccc", "short body")]


def test_the_analyst_queries_answer_the_same_on_both_databases(sqlite_and_pg):
    sqlite, pg = sqlite_and_pg
    for engine in sqlite_and_pg:
        populate(Repository(engine))
    assert run_examples(sqlite) == run_examples(pg)
