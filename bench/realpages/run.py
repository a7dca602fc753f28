"""Field-by-field scores on the real-page fixtures: our reading against GeneralNewsExtractor.

    .venv/bin/pip install gne        # measurement only: not a dependency of the project
    .venv/bin/python bench/realpages/run.py [--pages] [--no-gne]

Reads every reviewed article fixture of ``tests/real_pages`` with ``liuzhou extract``'s
reading (``liuzhou_spider.realpages.read_saved_page``) and with ``gne``'s
``GeneralNewsExtractor().extract``, and counts, per field, the pages where the value
equals the expected one.  gne has no column and no precision, and its ``author`` is what
its patterns take after 作者/来源/责编: it is scored as the source.  Its date string is
read with our date parser, so both are compared as ISO 8601 values.  A snippet field
(body_contains / body_excludes) counts as right when every snippet is (not) in the body.
``--pages`` prints each page's wrong fields.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from liuzhou_spider.pages.dates import find_date  # noqa: E402
from liuzhou_spider.pages.text import decode_html  # noqa: E402
from liuzhou_spider.realpages import read_saved_page  # noqa: E402
from liuzhou_spider.sites import load_registry  # noqa: E402

PAGES = REPO / "tests" / "real_pages"
LZTZ = load_registry().profile("lztz")  # the generic TRS rules, re-pointed per page
FIELDS = ("title", "published_at", "published_precision", "source", "column",
          "body_contains", "body_excludes")


def fixtures() -> list[tuple[str, dict[str, Any], dict[str, Any], bytes]]:
    found = []
    for folder in sorted(p for p in PAGES.iterdir() if p.is_dir()):
        source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        if source["kind"] == "article" and expected.get("reviewed"):
            found.append((folder.name, source, expected, (folder / "page.html").read_bytes()))
    return found


def ours(source: dict[str, Any], expected: dict[str, Any], body: bytes) -> dict[str, Any]:
    record = read_saved_page(body, source["url"], LZTZ,
                             link_title=expected.get("link_title"))
    return {**record, "body": record["body_text"]}


def gne_reading(body: bytes) -> dict[str, Any]:
    from gne import GeneralNewsExtractor

    html = decode_html(body, None)
    try:
        result = GeneralNewsExtractor().extract(html)
    except Exception as error:  # gne raises on some pages: that page scores nothing
        return {"error": repr(error)}
    found = find_date(result.get("publish_time") or "")
    return {
        "title": result.get("title") or None,
        "published_at": found.iso if found else None,
        "published_precision": found.precision if found else None,
        "source": result.get("author") or None,
        "body": result.get("content") or "",
    }


def right(field: str, want: Any, got: dict[str, Any]) -> bool | None:
    """Whether ``got`` has the expected value of ``field``; None when it has no such field."""
    if field == "body_contains":
        return all(s in got.get("body", "") for s in want)
    if field == "body_excludes":
        return "body" in got and not any(s in got["body"] for s in want)
    if field not in got:
        return None
    return got[field] == want


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", action="store_true", help="print each page's wrong fields")
    parser.add_argument("--no-gne", action="store_true", help="score our reading only")
    args = parser.parse_args()
    readers = {"ours": ours}
    if not args.no_gne:
        readers["gne"] = lambda source, expected, body: gne_reading(body)
    scores = {name: {f: [0, 0] for f in FIELDS} for name in readers}
    seconds = dict.fromkeys(readers, 0.0)
    for name, source, expected, body in fixtures():
        for reader, read in readers.items():
            start = time.perf_counter()
            got = read(source, expected, body)
            seconds[reader] += time.perf_counter() - start
            wrong = []
            for field in FIELDS:
                if field not in expected:
                    continue
                verdict = right(field, expected[field], got)
                if verdict is None:
                    continue
                scores[reader][field][1] += 1
                scores[reader][field][0] += verdict
                if not verdict:
                    wrong.append(f"{field}={got.get(field)!r}"[:90] if field in got else field)
            if args.pages and wrong:
                print(f"{reader:5} {name}: " + "; ".join(wrong))
    print(f"\n| field | {' | '.join(readers)} |")
    print(f"| --- | {' | '.join('---' for _ in readers)} |")
    for field in FIELDS:
        cells = []
        for reader in readers:
            ok, total = scores[reader][field]
            cells.append(f"{ok}/{total}" if total else "n/a")
        print(f"| {field} | {' | '.join(cells)} |")
    pages = len(fixtures())
    print("\n" + ", ".join(f"{r}: {1000 * s / pages:.1f} ms/page" for r, s in seconds.items()))


if __name__ == "__main__":
    main()
