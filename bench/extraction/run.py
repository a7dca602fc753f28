"""Score our fallback extractor and trafilatura (precision mode) in the same run.

    .venv/bin/python bench/extraction/run.py [--bench-dir DIR] [--limit N] [--n-bootstrap N]

Both go through the public benchmark's own harness (``evaluate.py`` in the benchmark
folder, not part of this repository: ``--bench-dir`` or ``$EXTRACTION_BENCH``), one after
the other on the same machine, so the pages/s columns are comparable. The last line is
machine-readable: ``BENCH extraction ratio=<our zh F1 / trafilatura zh F1> target=1.0 ok|short``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BENCH = os.environ.get("EXTRACTION_BENCH")
EXTRACTORS = {
    "ours": "pipelines.fallback:extract_body",
    "ours-dom-only": "pipelines.fallback:extract_own",
    "trafilatura-precision": "baselines:trafilatura_precision",
}
GROUPS = ("scrapinghub", "magic-html-article[zh]", "chinese-web-content-extraction",
          "ALL", "ALL[zh]")


def _load_harness(bench_dir: str):
    sys.path[:0] = [str(REPO), bench_dir]
    import evaluate  # the benchmark's harness, standard library only

    return evaluate


def _run(harness, spec: str, args: argparse.Namespace) -> dict:
    argv = [spec, "--n-bootstrap", str(args.n_bootstrap), "--data-dir", args.bench_dir]
    if args.limit:
        argv += ["--limit", str(args.limit)]
    with contextlib.redirect_stdout(io.StringIO()):
        return harness.main(argv)


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


def main() -> int:
    """Print the comparison table and the BENCH line; exit 0 when the target is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench-dir", default=DEFAULT_BENCH)
    parser.add_argument("--limit", type=int, default=0, help="first N pages per set (smoke)")
    parser.add_argument("--n-bootstrap", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 pages per set")
    args = parser.parse_args()
    if args.quick:
        args.limit = args.limit or 20
    if not args.bench_dir or not (Path(args.bench_dir) / "evaluate.py").is_file():
        parser.error("--bench-dir (or $EXTRACTION_BENCH) must name the extraction benchmark "
                     "folder, the one holding evaluate.py and the data sets")
    harness = _load_harness(args.bench_dir)
    results = {name: _run(harness, spec, args) for name, spec in EXTRACTORS.items()}

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
    sys.exit(main())
