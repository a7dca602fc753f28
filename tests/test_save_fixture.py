"""``liuzhou extract --save-fixture``: a new real-page fixture, for a human to review."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGE = Path(__file__).parent / "pages" / "seed_both_renderings.html"
URL = "https://www.lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html"
LIUZHOU = [sys.executable, "-m", "liuzhou_spider"]


def test_save_fixture_writes_an_unreviewed_folder_and_never_overwrites(tmp_path: Path) -> None:
    command = [*LIUZHOU, "extract", str(PAGE), "--url", URL, "--save-fixture", str(tmp_path),
               "--licence", "public government page"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    printed = json.loads(done.stdout)
    folder = tmp_path / "www.lztz.gov.cn-t20260225_3712345"
    assert folder.is_dir() and "fixture written" in done.stderr
    assert (folder / "page.html").read_bytes() == PAGE.read_bytes()
    source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    assert source["url"] == URL and source["licence"] == "public government page"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert expected["reviewed"] is False  # the fixture test skips it until a human checks
    assert expected["title"] == printed["title"] and expected["column"] == printed["column"]
    assert expected["published_at"] == "2026-02-25T17:44:00+08:00"
    assert all(snippet in printed["body_text"] for snippet in expected["body_contains"])
    again = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 1 and "already holds a fixture" in again.stderr
