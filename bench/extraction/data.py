"""``python -m bench.extraction fetch``: the public data sets the extraction benchmark scores.

The pages and their ground truth are not part of this repository (about 25 MB): they are
four public GitHub repositories at pinned commits, downloaded as GitHub's tarball of that
commit, of which only the data files are kept, in the layout ``evaluate.py`` reads.  Each
data set is checked against the digest of its content pinned here, so a changed upstream
archive is an error, never a different benchmark.

    python -m bench.extraction fetch [--dir DIR]

The default folder is ``$EXTRACTION_BENCH``, else ``$XDG_CACHE_HOME/liuzhou/extraction-bench``
(``~/.cache/liuzhou/extraction-bench``).
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip
import hashlib
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from liuzhou_spider.portal.demo import cache_dir

#: The four pages of trafilatura's evaluation set whose snippets are Chinese.
TRAFILATURA_ZH_PAGES = (
    "archive.org.he.xinhuanet.com.25340717.html",
    "baike.baidu.com.tanya.html",
    "banyuetan.org.1000200033136171577956287380194268_1.html",
    "xinhuanet.com.c_1125597921.html",
)


def keep(data: bytes) -> bytes:
    return data


def compress(data: bytes) -> bytes:
    """gzip with no timestamp, so the same page gives the same bytes."""
    return gzip.compress(data, mtime=0)


def chinese_entries(data: bytes) -> bytes:
    """The entries of trafilatura's ``evaldata.json`` for the Chinese pages."""
    entries = json.loads(data)
    chosen = {url: item for url, item in entries.items() if item["file"] in TRAFILATURA_ZH_PAGES}
    return json.dumps(chosen, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class Rule:
    """Repository files matching ``pattern`` go to ``target`` (``{name}``: the file name)."""

    pattern: str
    target: str
    transform: Callable[[bytes], bytes] = keep


@dataclass(frozen=True)
class Source:
    folder: str
    repo: str
    commit: str
    licence: str
    rules: tuple[Rule, ...]
    digest: str

    @property
    def url(self) -> str:
        return f"https://codeload.github.com/{self.repo}/tar.gz/{self.commit}"

    def destination(self, path: str) -> Rule | None:
        return next((r for r in self.rules if fnmatch.fnmatchcase(path, r.pattern)), None)


SOURCES = (
    Source("scrapinghub", "scrapinghub/article-extraction-benchmark",
           "4a3bc979f76c0df73cb95fe272e2fc1b96f9f010", "MIT",
           (Rule("ground-truth.json", "ground-truth.json"), Rule("LICENSE", "LICENSE"),
            Rule("html/*.html.gz", "html/{name}")),
           "85ed668076fc184ec5bab0d4d92eeac339dbba1b0b4017e3744de727c7322d58"),
    Source("magic-html-article", "opendatalab/magic-html",
           "47d4a7fed12030e906a093b074637f178cb46ef2", "Apache-2.0",
           (Rule("benchmark/data/article/base.json", "base.json"), Rule("LICENSE", "LICENSE"),
            Rule("benchmark/data/article/htmls/*.html", "htmls/{name}.gz", compress)),
           "4a4527144d975b748be03768a139fd88dd9bcb1fd92fbd0f623589c6c32ba0dd"),
    Source("chinese-web-content-extraction",
           "immortal-autumn/Chinese-Web-Content-Extraction-Dataset",
           "99d0ef08419109b5489b12e38f771f25b952d774", "MIT",
           (Rule("LICENSE", "LICENSE"), Rule("original/*.html", "original/{name}"),
            *(Rule(f"{part}/*.txt", f"{part}/{{name}}") for part in ("cleaned", "author", "date"))),
           "473a87dbc823109be38bf05c89527adf3de72aee1a8b77a4d1ba00ffc2eae895"),
    Source("trafilatura-evaldata-zh", "adbar/trafilatura",
           "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5", "Apache-2.0",
           (Rule("LICENSE", "LICENSE"),
            Rule("tests/evaldata.json", "evaldata-zh.json", chinese_entries),
            *(Rule(f"tests/eval/{page}", f"html/{page}") for page in TRAFILATURA_ZH_PAGES)),
           "550a86a0425969e69179b18aecdc649a900881da31c2f1a9268b7a9898fab06e"),
)


def data_dir() -> Path:
    """Where the benchmark reads its data: ``$EXTRACTION_BENCH``, else the cache folder."""
    return Path(os.environ.get("EXTRACTION_BENCH") or cache_dir() / "extraction-bench")


def missing(root: Path) -> list[str]:
    """The data sets not (completely) in ``root``."""
    return [s.folder for s in SOURCES if not (root / s.folder / "LICENSE").is_file()]


def folder_digest(folder: Path) -> str:
    """SHA-256 over every file's path and content (a ``.gz`` file's decompressed content)."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        lines.append(f"{path.relative_to(folder).as_posix()}\t{hashlib.sha256(data).hexdigest()}\n")
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def unpack(source: Source, archive: BinaryIO, folder: Path) -> int:
    """Write the source's data files from its tarball stream into ``folder``; their count.

    GitHub's tarball holds the tree under one top folder (``NAME-COMMIT/``), stripped here.
    """
    written = 0
    with tarfile.open(fileobj=archive, mode="r|gz") as tar:
        for member in tar:
            _, _, path = member.name.partition("/")
            rule = source.destination(path) if member.isfile() and path else None
            if rule is None:
                continue
            stream = tar.extractfile(member)
            assert stream is not None  # a regular file always has content
            target = folder / rule.target.format(name=Path(path).name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(rule.transform(stream.read()))
            written += 1
    return written


def install(source: Source, archive: BinaryIO, root: Path) -> None:
    """Unpack into a scratch folder, check the digest, then move it into place."""
    scratch = root / f".{source.folder}.part"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        count = unpack(source, archive, scratch)
        digest = folder_digest(scratch)
        if digest != source.digest:
            raise ValueError(f"{source.repo}@{source.commit[:7]}: {count} files whose digest "
                             f"{digest[:12]} is not the pinned {source.digest[:12]}")
        final = root / source.folder
        shutil.rmtree(final, ignore_errors=True)
        scratch.rename(final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction fetch",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=None, help="where to put the data sets")
    args = parser.parse_args(argv)
    root: Path = args.dir or data_dir()
    for source in SOURCES:
        if source.folder not in missing(root):
            print(f"{source.folder}: already in {root}")
            continue
        print(f"{source.folder}: {source.url} ({source.licence})", flush=True)
        try:
            with urllib.request.urlopen(source.url, timeout=60) as response:
                install(source, response, root)
        except (OSError, ValueError, tarfile.TarError) as exc:
            print(f"error: {source.folder}: {exc}", file=sys.stderr)
            return 1
    print(f"data sets in {root}")
    return 0
