"""A smoke run of bench/dedup: generated text, a few hundred documents, the last line's form."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_smoke_run() -> None:
    cmd = [sys.executable, "-m", "bench.dedup", "--docs", "300", "--generated",
           "--baseline-docs", "20"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    lines = done.stdout.strip().splitlines()
    assert re.fullmatch(r"BENCH dedup ratio=\d+\.\d target=20 (ok|short)", lines[-1])
    report = "\n".join(lines)
    assert "recall of pairs with exact Jaccard ≥ 0.8: 1.0000" in report
    assert "0 on body similarity alone, 0 with title and day evidence" in report
