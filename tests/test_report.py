"""``liuzhou report``: the page it writes, and the command's options and failures."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from liuzhou_spider.cli import main
from liuzhou_spider.report import write_report
from liuzhou_spider.report.charts import Series, bar_chart, point_chart
from storage.db import make_engine
from storage.migrate import upgrade
from storage.repository import Repository
from tests.conftest_db import populate


def test_charts_draw_one_mark_per_value():
    categories = ["2026-01", "2026-02", "2026-03"]
    stacked = bar_chart("m", "months", categories,
                        [Series("甲", [1, None, 3]), Series("乙", [2, 5, None])], stacked=True)
    assert stacked.count('class="bar"') == 4 and stacked.count('class="stack"') == 3
    grouped = bar_chart("r", "runs", categories[:2], [Series("new", [0, 4]),
                                                      Series("gone", [1, 0])])
    assert grouped.count('class="bar"') == 4  # zeros are drawn (height 0), not dropped
    points = point_chart("p", "errors", categories, [Series("errors", [0, None, 2])])
    assert points.count('class="point"') == 2 and 'data-value="2"' in points


def test_the_page_escapes_what_it_shows_and_says_what_was_not_measured(tmp_path):
    db_url = f"sqlite:///{tmp_path}/r.db"
    engine = make_engine(db_url)
    upgrade(engine)
    populate(Repository(engine))
    with engine.begin() as connection:
        connection.execute(text("UPDATE articles SET title = '<img src=x onerror=alert(1)>' "
                                "WHERE id = 'bbbbbbbbbbbbbbbb'"))
    engine.dispose()
    page = write_report(db_url, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("not measured") == 2  # neither run stored field quality
    assert "<script" not in page and "http-equiv" not in page  # nothing runs, nothing loads
    assert re.search(r'<link[^>]+href="http', page) is None
    assert "桂ICP备19011773号" in page and "conflicting" in page


def test_report_command_writes_the_page_and_refuses_bad_input(tmp_path):
    db_url = f"sqlite:///{tmp_path}/r.db"
    engine = make_engine(db_url)
    upgrade(engine)
    populate(Repository(engine))
    engine.dispose()
    runner = CliRunner()
    done = runner.invoke(main, ["report", "--db", db_url, "-o", str(tmp_path / "out.html"),
                                "--since", "2026-01-01"])
    assert done.exit_code == 0, done.output
    assert "2 articles" in (tmp_path / "out.html").read_text(encoding="utf-8")
    assert runner.invoke(main, ["report", "--db", db_url, "--until", "2026-13"]).exit_code == 2
    missing = runner.invoke(main, ["report", "--db", f"sqlite:///{tmp_path}/such.db",
                                   "-o", str(tmp_path / "x.html")])
    assert missing.exit_code == 1 and "report not written: no database at" in missing.output
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "such.db").exists()
    assert "--report FILE" in runner.invoke(main, ["crawl", "--help"]).output


@pytest.mark.postgres
def test_report_command_on_postgresql(pg_url, tmp_path):
    engine = make_engine(pg_url)
    upgrade(engine)
    populate(Repository(engine))
    engine.dispose()
    done = CliRunner().invoke(main, ["report", "--db", pg_url, "-o", str(tmp_path / "pg.html")])
    assert done.exit_code == 0, done.output
    page = (tmp_path / "pg.html").read_text(encoding="utf-8")
    assert "3 articles" in page and 'data-chart="months"' in page
