"""Score our fallback extractor and trafilatura (precision mode) in the same run.

    python -m bench.extraction [--bench-dir DIR] [--limit N] [--n-bootstrap N] [--quick]

Both go through the benchmark's harness (``bench/extraction/evaluate.py``) over the public
data sets ``python -m bench.extraction fetch`` downloads (``--bench-dir``, default
``$EXTRACTION_BENCH`` or the cache folder), one after the other on the same machine, so
the pages/s columns are comparable. The last line is machine-readable:
``BENCH extraction ratio=<our zh F1 / trafilatura zh F1> target=1.0 ok|short``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

from bench.extraction import evaluate
from bench.extraction.data import data_dir, missing

EXTRACTORS = {
    "ours": "pipelines.fallback:extract_body",
    "ours-dom-only": "pipelines.fallback:extract_own",
    "trafilatura-precision": "baselines:trafilatura_precision",
}
GROUPS = ("scrapinghub", "magic-html-article[zh]", "chinese-web-content-extraction",
          "ALL", "ALL[zh]")


def _run(spec: str, args: argparse.Namespace) -> dict:
    argv = [spec, "--n-bootstrap", str(args.n_bootstrap), "--data-dir", str(args.bench_dir)]
    if args.limit:
        argv += ["--limit", str(args.limit)]
    with contextlib.redirect_stdout(io.StringIO()):
        return evaluate.main(argv)


def _row(name: str, summary: dict) -> str:
    cells = []
    for group in GROUPS:
        bench = summary["tokenizers"]["benchmark"].get(group)
        cjk = summary["tokenizers"]["cjk"].get(group)
        if bench is None:
            cells.append("-")
            continue
        cell = f"{bench['f1']:.3f} ({bench['precision']:.3f}/{bench['recall']:.3f})"
        if group != "scrapinghub":
            cell += f" [{cjk['f1']:.3f}]"
        cells.append(cell)
    snip = summary["snippets"].get("trafilatura-evaldata-zh", {})
    cells.append(f"{snip.get('f1', float('nan')):.3f}")
    cells.append(f"{summary['timing']['ALL']['pages_per_s'] or 0:.1f}")
    return f"| {name} | " + " | ".join(cells) + " |"


def main(argv: list[str]) -> int:
    """Print the comparison table and the BENCH line; exit 0 when the target is met."""
    parser = argparse.ArgumentParser(prog="python -m bench.extraction",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench-dir", type=Path, default=data_dir(),
                        help="the data sets' folder (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=0, help="first N pages per set (smoke)")
    parser.add_argument("--n-bootstrap", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 pages per set")
    args = parser.parse_args(argv)
    if args.quick:
        args.limit = args.limit or 20
    absent = missing(args.bench_dir)
    if absent:
        fetch = "python -m bench.extraction fetch"
        if args.bench_dir != data_dir():
            fetch += f" --dir {args.bench_dir}"
        print(f"error: the extraction data sets are not in {args.bench_dir} "
              f"({', '.join(absent)}): run `{fetch}` (about 70 MB of downloads)",
              file=sys.stderr)
        return 2
    results = {name: _run(spec, args) for name, spec in EXTRACTORS.items()}

    print("F1 with the benchmark's tokens (precision/recall) [F1 per character, cjk tokens]")
    print("| extractor | " + " | ".join(GROUPS) + " | trafilatura-zh snippets F1 | pages/s |")
    print("|---" * (len(GROUPS) + 3) + "|")
    for name, summary in results.items():
        print(_row(name, summary))
    ours = results["ours"]["tokenizers"]["benchmark"]["ALL[zh]"]["f1"]
    theirs = results["trafilatura-precision"]["tokenizers"]["benchmark"]["ALL[zh]"]["f1"]
    en_ours = results["ours"]["tokenizers"]["benchmark"]["scrapinghub"]["f1"]
    en_theirs = results["trafilatura-precision"]["tokenizers"]["benchmark"]["scrapinghub"]["f1"]
    ratio = ours / theirs if theirs else 0.0
    ok = ratio >= 1.0 and round(en_ours, 3) >= round(en_theirs, 3)
    print(f"English (scrapinghub) F1: ours {en_ours:.3f}, trafilatura {en_theirs:.3f}")
    print(f"BENCH extraction ratio={ratio:.3f} target=1.0 {'ok' if ok else 'short'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
