"""``make bench`` / ``python -m bench [NAME ...]``: run every benchmark, then their verdicts.

Each benchmark runs in its own process (peak memory is per process) and prints, as its
last line, ``BENCH <name> ratio=<measured> target=<target> ok|short``.  Extra arguments
after ``--`` go to every benchmark (for example ``-- --quick``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[str]:
    """Benchmark names: the folders of bench/ runnable as ``python -m bench.NAME``."""
    return sorted(p.parent.name for p in HERE.glob("*/__main__.py"))


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    names = argv or benchmarks()
    verdicts: list[str] = []
    for name in names:
        print(f"== bench {name}", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", f"bench.{name}", *extra],
            cwd=HERE.parent, stdout=subprocess.PIPE, text=True, check=False,
        )
        print(proc.stdout, end="", flush=True)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
        verdicts.append(lines[-1] if lines else f"BENCH {name} failed (exit {proc.returncode})")
    print("\n".join(verdicts))
    return 0 if all(v.endswith(" ok") for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
