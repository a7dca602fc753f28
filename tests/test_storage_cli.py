"""The storage commands as a user types them: db upgrade, export, stats."""

from __future__ import annotations

import json

from click.testing import CliRunner

from liuzhou_spider.cli import main
from storage.db import make_engine
from storage.migrate import current_revision, head_revision


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
