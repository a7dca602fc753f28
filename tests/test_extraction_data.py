"""bench/extraction/data.py: the benchmark's public data sets come from pinned GitHub
tarballs; here a tarball built in memory stands in for GitHub (no network)."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from bench.extraction import data


def tarball(files: dict[str, bytes], top: str = "repo-0123abc") -> io.BytesIO:
    """A .tar.gz laid out as GitHub serves a commit: every path under one top folder."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, content in files.items():
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    buffer.seek(0)
    return buffer


def source(name: str) -> data.Source:
    return next(s for s in data.SOURCES if s.folder == name)


TRAFILATURA_FILES = {
    "LICENSE": b"Apache License",
    "README.md": b"not data",
    "tests/evaldata.json": json.dumps({
        "https://zh.example/1": {"file": data.TRAFILATURA_ZH_PAGES[0], "with": ["中文"]},
        "https://en.example/2": {"file": "en.example.html", "with": ["English"]},
    }).encode(),
    f"tests/eval/{data.TRAFILATURA_ZH_PAGES[0]}": "<p>中文</p>".encode(),
    "tests/eval/en.example.html": b"<p>English</p>",
}


def test_only_the_data_files_are_kept_in_the_harness_layout(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    count = data.unpack(source("trafilatura-evaldata-zh"), tarball(TRAFILATURA_FILES), folder)
    assert count == 3
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "LICENSE", "evaldata-zh.json", f"html/{data.TRAFILATURA_ZH_PAGES[0]}"]
    kept = json.loads((folder / "evaldata-zh.json").read_text("utf-8"))
    assert list(kept) == ["https://zh.example/1"]


def test_pages_are_gzipped_where_the_harness_reads_gz(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    page = b"<html>page</html>"
    files = {"benchmark/data/article/htmls/abc.html": page, "LICENSE": b"x"}
    data.unpack(source("magic-html-article"), tarball(files), folder)
    assert gzip.decompress((folder / "htmls/abc.html.gz").read_bytes()) == page


def test_a_tarball_of_the_pinned_content_is_installed(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    data.unpack(source("trafilatura-evaldata-zh"), tarball(TRAFILATURA_FILES), scratch)
    pinned = replace(source("trafilatura-evaldata-zh"), digest=data.folder_digest(scratch))
    root = tmp_path / "bench"
    assert data.missing(root) == [s.folder for s in data.SOURCES]
    data.install(pinned, tarball(TRAFILATURA_FILES), root)
    assert "trafilatura-evaldata-zh" not in data.missing(root)
    assert [p.name for p in root.iterdir()] == ["trafilatura-evaldata-zh"]


def test_content_that_is_not_the_pinned_one_is_refused_and_leaves_nothing(
        tmp_path: Path) -> None:
    changed = {**TRAFILATURA_FILES, "LICENSE": b"another licence"}
    root = tmp_path / "bench"
    with pytest.raises(ValueError, match="is not the pinned"):
        data.install(source("trafilatura-evaldata-zh"), tarball(changed), root)
    assert list(root.iterdir()) == []


def test_the_benchmark_names_the_fetch_command_when_its_data_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.extraction import run

    assert run.main(["--bench-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"run `python -m bench.extraction fetch --dir {tmp_path}`" in err
