"""The report's figures are the views' figures, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

import storage.repository
from storage.report_data import FIELD_QUALITY_KEY, collect_report
from storage.repository import Repository
from tests.conftest_db import populate
from tests.test_views import EXAMPLES

NOW = "2026-03-09T00:00:00+00:00"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(storage.repository, "now_utc", lambda: NOW)


def sql_rows(engine, sql: str) -> list[dict]:
    with engine.connect() as connection:
        return [{key: value.astimezone(UTC).isoformat(timespec="seconds")
                 if isinstance(value, datetime) else value for key, value in row._mapping.items()}
                for row in connection.execute(text(sql))]  # machine times: UTC text


def test_every_figure_equals_the_views(repo):
    populate(repo)
    engine = repo.engine
    data = collect_report(engine)
    assert data.months == sql_rows(engine, EXAMPLES[0])  # query 1 of docs/analysts.md
    assert data.articles == 3
    view_runs = sql_rows(engine, "SELECT * FROM v_crawl_runs ORDER BY run_id")
    assert [{k: run[k] for k in view_runs[0]} for run in data.runs] == view_runs
    merged = sql_rows(engine, "SELECT count(*) AS n FROM v_article_urls WHERE is_canonical = 0")
    assert sum(row["pages"] for row in data.merges) == merged[0]["n"] == 3
    assert {row["cause"]: row["pages"] for row in data.merges} == {
        "cross-post in another column": 1,  # same docid under 时政聚焦
        "another host or tracking query": 1,  # lztz.gov.cn?from=timeline
        "near-duplicate text": 1,  # the corrected republication, another docid
    }
    assert data.registrations == sql_rows(
        engine, "SELECT kind, value, page_count, first_seen_at, last_seen_at, is_canonical, "
                "site FROM v_registrations ORDER BY kind, page_count DESC, value")
    assert data.conflicts == ["icp", "psb"]
    assert [row["article_id"] for row in data.latest] == [
        "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"]
    assert [run["field_quality"] for run in data.runs] == [None, None]  # not measured
    assert [run["duration_seconds"] for run in data.runs] == [0.0, 0.0]


def test_dates_bound_articles_and_runs(repo):
    populate(repo)
    data = collect_report(repo.engine, since="2026-01-01", until="2026-01-31")
    assert data.articles == 1 and [r["article_id"] for r in data.latest] == ["bbbbbbbbbbbbbbbb"]
    assert data.months == [{"column_path": "工作时讯", "month": "2026-01", "articles": 1}]
    assert data.runs == []  # both runs started in March
    assert collect_report(repo.engine, since="2026-03-09").runs[0]["run_id"] == 1
    assert collect_report(repo.engine, until="2026-03-08").runs == []


def test_field_quality_is_read_from_the_runs_checks(repo):
    run = repo.start_run({}, site="lztz")
    repo.finish_run(run, "success", {"pages_fetched": 1},
                    {"blocked": 0, FIELD_QUALITY_KEY: {"title": 1.0, "source": 0.5}})
    other = repo.start_run({}, site="lztz")
    repo.finish_run(other, "success", {"pages_fetched": 1}, {"blocked": 2})
    runs = collect_report(repo.engine).runs
    assert runs[0]["field_quality"] == {"title": 1.0, "source": 0.5}
    assert (runs[1]["field_quality"], runs[1]["blocked"]) == (None, 2)


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_the_same_report(sqlite_and_pg):
    reports = []
    for engine in sqlite_and_pg:
        populate(Repository(engine))
        reports.append(asdict(collect_report(engine)))
    assert reports[0] == reports[1]
