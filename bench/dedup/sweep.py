"""Shingle size: exact Jaccard of copies and look-alikes for 3- to 6-grams.

``python -m bench.dedup.sweep [--docs 3000]``: the measurement behind ``ngram = 5``.
A good size keeps copies at small edit rates high and look-alikes (shared boilerplate
sentences, different events) low; the gap between them is where the threshold goes.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

from bench.dedup.corpus import build, fetch_sentences, generated_sentences
from bench.dedup.run import exact_jaccard
from pipelines.dedup.normalize import normalize

NGRAMS = (3, 4, 5, 6)


def sweep(docs: int, cache_dir: Path) -> None:
    sentences = fetch_sentences(cache_dir) or generated_sentences(60_000)
    corpus = build(docs, sentences)
    norms = [normalize(d.text) for d in corpus.docs]
    table: dict[tuple[str, float], list[list[float]]] = defaultdict(list)
    for i, j, kind, param in corpus.pairs:
        if kind != "sibling":
            table[(kind, param)].append([exact_jaccard(norms[i], norms[j], n) for n in NGRAMS])
    print("kind        param   " + "  ".join(f"{n}-gram min/mean/max" for n in NGRAMS))
    for (kind, param), rows in sorted(table.items()):
        cells = []
        for k in range(len(NGRAMS)):
            col = [r[k] for r in rows]
            cells.append(f"{min(col):.2f}/{sum(col) / len(col):.2f}/{max(col):.2f}     ")
        print(f"{kind:<10} {param:>6}   " + "  ".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup.sweep", description=__doc__)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                        / "liuzhou-bench")
    args = parser.parse_args(argv)
    sweep(args.docs, args.cache_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
