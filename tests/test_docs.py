"""The documents speak of the software as it is, from inside the repository.

README, docs/ and the benchmark notes give the current figures, the method and the limits:
not the story of earlier runs or of the code before a change (git log keeps that).  No
document, comment or docstring names a path outside the repository (a colleague's
checkout, a shared folder, a scratch directory): what a benchmark needs from outside is
fetched by a documented command.  Deployment paths a reader creates (``/etc/systemd``,
``/var/lib/liuzhou``, ``/opt/...``) and the user's cache folder are not of that kind.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Paths that point at one machine's folders, never at something in a clone.
OUTSIDE_PATH = re.compile(
    r"(?<![\w.])(?:"
    r"/work/|/tmp/|/root/|/home/|/Users/|/mnt/|[A-Za-z]:\\Users\\"
    r"|(?:\.\./)+shared\b|(?<![\w-])shared/(?:benchmarks|interfaces|design|seed|hooks)"
    r")"
)

#: History told as history: a document says what is, git log says what was.
HISTORY = re.compile(
    r"\bsession\s+\d+"
    r"|\b(?:this|last|previous|earlier|next|an earlier|a previous) session\b"
    r"|\bpreviously\b|\bformerly\b|\bno longer\b"
    r"|\b(?:it|we|this|that|they|which) used to\b"
    r"|\b(?:have|has|were|was) not (?:yet )?(?:been )?(?:re-?run|re-?measured|measured again)"
    r"|\bnot yet measured\b"
    r"|\bbefore (?:these|those|this|that|the latest|the recent) changes?\b"
    r"|\bthe code before\b"
    r"|\b(?:last|latest|previous|earlier) (?:full )?runs? before\b"
    r"|\bagainst [\d.,]+(?: \w+)? before\b"
    r"|\bthan (?:it did )?before\b"
    r"|\bwhat it did before\b"
    r"|\b(?:figures?|measurements?) (?:that )?predate\b"
    r"|\b(?:\w+ing|storing|reading|crawling) now (?:does|takes|costs|keeps|holds|uses)\b",
    re.IGNORECASE,
)


def tracked(*patterns: str) -> list[Path]:
    """Tracked files matching the git pathspecs (a clone's view, untracked files aside)."""
    out = subprocess.run(["git", "ls-files", "-z", "--", *patterns], cwd=ROOT,
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [ROOT / name for name in out.split("\0") if name and (ROOT / name).is_file()]


def documents() -> list[Path]:
    """Every Markdown document of the repository (the saved test pages are data)."""
    pages = ROOT / "tests" / "real_pages"
    return [p for p in tracked("*.md") if p.parent.parent != pages]


def comments_and_docstrings(path: Path) -> str:
    """The prose of a Python file: its comments and docstrings, one per line."""
    source = path.read_text("utf-8")
    parts = [tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
             if tok.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            parts.append(ast.get_docstring(node, clean=False) or "")
    return "\n".join(parts)


def hits(pattern: re.Pattern[str], text: str) -> list[str]:
    """Each match with some context, found in paragraphs (a phrase may wrap a line)."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        found += [flat[max(m.start() - 40, 0):m.end() + 20] for m in pattern.finditer(flat)]
    return found


def test_documents_exist_to_be_checked() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in documents()}
    assert {"README.md", "bench/README.md", "docs/architecture.md",
            "tests/real_pages/README.md"} <= names


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_documents_tell_no_history(path: Path) -> None:
    assert hits(HISTORY, path.read_text("utf-8")) == []


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_documents_name_no_path_outside_the_repository(path: Path) -> None:
    assert hits(OUTSIDE_PATH, path.read_text("utf-8")) == []


def test_comments_and_docstrings_name_no_path_outside_the_repository() -> None:
    found = {p.relative_to(ROOT).as_posix(): hits(OUTSIDE_PATH, comments_and_docstrings(p))
             for p in tracked("*.py")}
    config = {p.relative_to(ROOT).as_posix(): hits(OUTSIDE_PATH, p.read_text("utf-8"))
              for p in tracked("Makefile", ".ci/*", "pyproject.toml", "scrapy.cfg", "deploy/*")}
    assert {name: lines for name, lines in {**found, **config}.items() if lines} == {}


def test_no_tracked_link_leaves_the_repository() -> None:
    links = [p for p in tracked() if p.is_symlink()
             and not p.resolve().is_relative_to(ROOT)]
    assert links == []


@pytest.mark.parametrize("text", [
    "Measured in session 12 of the rewrite.",
    "The crawl figures were measured before the crawl gained its trust checks; they have "
    "not been measured again since.",
    "figures from the last run before the column tree",
    "the 1.45 of the code before these changes",
    "storing now does more per article",
    "about 0.7 ms an article page against 0.3 before",
    "Reading a page costs what it did before evidence-based reading",
    "This benchmark previously read its pages from ../shared/benchmarks.",
    "the key tables, not yet measured at 100,000",
    "These figures predate the trust checks.",
])
def test_history_and_outside_paths_are_recognised(text: str) -> None:
    assert HISTORY.search(text) or OUTSIDE_PATH.search(text)


@pytest.mark.parametrize("text", [
    "the next run reads every page again, as before",
    "robots.txt is read before the run starts",
    "what earlier runs saw: conditional requests, pager stop, re-checks",
    "a page that now answers 404/410 is marked gone",
    "sudo cp deploy/liuzhou-crawl.service /etc/systemd/system/",
    "cd /var/lib/liuzhou && /opt/liuzhou-spider/.venv/bin/liuzhou crawl",
    "cached in `~/.cache/liuzhou/portal-size<N>-seed0-rev1`",
    "`timestamptz` in the session's time zone; the server's session advisory lock",
    "1 when the SQLite file predates schema 0006",
    "every change was recorded; no duplicate was added",
    "look-alike reports that share boilerplate (shared/loaded machine)",
])
def test_legitimate_sentences_pass(text: str) -> None:
    assert not HISTORY.search(text) and not OUTSIDE_PATH.search(text)
