"""The storage commands as a user types them: db upgrade, export, stats."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from liuzhou_spider.cli import main
from liuzhou_spider.runner import check_database
from storage.db import make_engine
from storage.migrate import SchemaError, current_revision, head_revision


def test_db_upgrade_creates_then_upgrades(db_url):
    runner = CliRunner()
    for _ in range(2):  # creating, then "already current"
        result = runner.invoke(main, ["db", "upgrade", "--db", db_url])
        assert result.exit_code == 0, result.output
    engine = make_engine(db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_export_to_a_file_refuses_to_overwrite_unless_forced(populated, tmp_path):
    url = populated.url.render_as_string(hide_password=False)
    target = tmp_path / "articles.csv"
    target.write_text("keep me")
    runner = CliRunner()
    refused = runner.invoke(main, ["export", "--db", url, "--format", "csv", "-o", str(target)])
    assert refused.exit_code != 0 and target.read_text() == "keep me"
    forced = runner.invoke(main, ["export", "--db", url, "--format", "csv", "--bom", "--force",
                                  "-o", str(target)])
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,canonical_url,urls,")


def test_export_to_stdout_and_stats_as_json(populated):
    url = populated.url.render_as_string(hide_password=False)
    runner = CliRunner()
    exported = runner.invoke(main, ["export", "--db", url, "--column", "工作时讯"])
    assert exported.exit_code == 0
    assert [json.loads(line)["id"] for line in exported.stdout.splitlines()] == [
        "bbbbbbbbbbbbbbbb"]
    stats = runner.invoke(main, ["stats", "--db", url, "--json"])
    assert stats.exit_code == 0 and json.loads(stats.stdout)["articles"] == 3


def test_reading_commands_do_not_create_a_misspelt_database(tmp_path):
    missing = tmp_path / "crawll.db"
    for command in (["stats"], ["export"]):
        result = CliRunner().invoke(main, [*command, "--db", f"sqlite:///{missing}"])
        assert result.exit_code == 1
        assert f"no database at {missing}" in one_line(result.output)
    assert not missing.exists()


def one_line(output: str) -> str:
    """The error message, unwrapped: the console folds lines at its width."""
    assert output.startswith("error: ") and "Traceback" not in output
    return output.replace("\n", "")


def foreign_sqlite(path):  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customers (name) VALUES ('x')")
    return path.read_bytes()


def test_db_upgrade_refuses_a_foreign_database_and_leaves_it_as_it_was(tmp_path, pg_url):
    path = tmp_path / "shop.db"
    before = foreign_sqlite(path)
    result = CliRunner().invoke(main, ["db", "upgrade", "--db", f"sqlite:///{path}"])
    assert result.exit_code == 1
    assert "no schema version of this program" in one_line(result.output)
    assert path.read_bytes() == before  # no table added, not switched to WAL
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    stats = CliRunner().invoke(main, ["stats", "--db", f"sqlite:///{path}"])
    assert stats.exit_code == 1 and path.read_bytes() == before
    with pytest.raises(SchemaError):  # a crawl checks the database the same way
        check_database(f"sqlite:///{path}")
    assert path.read_bytes() == before
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE customers (id integer)"))
    engine.dispose()
    result = CliRunner().invoke(main, ["db", "upgrade", "--db", pg_url])
    assert result.exit_code == 1
    assert "no schema version of this program" in one_line(result.output)
    engine = make_engine(pg_url)
    assert inspect(engine).get_table_names() == ["customers"]
    engine.dispose()


def test_db_upgrade_creates_a_new_database_and_says_so(tmp_path):
    path = tmp_path / "new.db"
    result = CliRunner().invoke(main, ["db", "upgrade", "--db", f"sqlite:///{path}"])
    assert result.exit_code == 0 and "new database created" in result.output
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
