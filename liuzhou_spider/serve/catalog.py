"""The analysts' catalogue (docs/analysts.md) as data: view descriptions, column meanings
and the example queries, which ``liuzhou serve`` shows as Datasette metadata.

docs/analysts.md is the one place these are written; ``analysts.json`` beside this module
is generated from it (``python -m liuzhou_spider.serve.catalog docs/analysts.md``) so that
an installed package has it without the docs, and a test fails when the two differ.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).with_name("analysts.json")

VIEW = re.compile(r"### `(v_\w+)`: (.*?)\n\n\| column \| meaning \|\n\| --- \| --- \|\n"
                  r"((?:\|.*\|\n)+)")
QUERY = re.compile(r"^(\d+)\. (.*?)\n\n```sql\n(.*?)```", re.S | re.M)
CODE = re.compile(r"`([^`]*)`")


def _plain(markdown: str) -> str:
    """Markdown inline code as plain text, lines joined."""
    return CODE.sub(r"\1", " ".join(line.strip() for line in markdown.splitlines()))


def _title(paragraph: str) -> str:
    """The query's heading: its paragraph up to the first colon or parenthesis."""
    return re.split(r"[:(]", _plain(paragraph), maxsplit=1)[0].strip().rstrip(",")


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def parse_analysts(markdown: str) -> dict[str, Any]:
    """``{"views": {name: {"description", "columns": {column: meaning}}},
    "queries": {slug: {"title", "description", "sql"}}}`` from docs/analysts.md."""
    views: dict[str, Any] = {}
    for name, description, rows in VIEW.findall(markdown):
        columns: dict[str, str] = {}
        for line in rows.splitlines():
            names, meaning = (cell.strip() for cell in line.strip().strip("|").split("|", 1))
            for column in CODE.findall(names):
                columns[column] = _plain(meaning)
        views[name] = {"description": _plain(description).capitalize(), "columns": columns}
    queries = {}
    for number, paragraph, sql in QUERY.findall(markdown):
        title = _title(paragraph)
        queries[f"{int(number):02d}-{_slug(title)}"] = {
            "title": f"{number}. {title}", "description": _plain(paragraph).rstrip(":"),
            "sql": sql.strip(),
        }
    return {"views": views, "queries": queries}


def load() -> dict[str, Any]:
    """The catalogue shipped with the package."""
    return json.loads(CATALOG.read_text(encoding="utf-8"))


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/analysts.md")
    CATALOG.write_text(json.dumps(parse_analysts(source.read_text(encoding="utf-8")),
                                  ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
