"""Measure export speed and peak memory; the last line is the verdict.

Memory: each export runs in a fresh process.  After setup (imports, engine, first
connection) it notes its RSS and resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``), so the peak after the export minus that RSS is the most the
export itself held.  Streaming means the growth does not depend on the
number of rows, so ``ratio`` = peak RSS growth at N rows / growth at N/10 rows should stay
near 1; an export that held its rows would show about 10.  Growth is floored at 8 MiB:
below that it is fixed buffers (SQLite's 2 MiB page cache, one 1,000-row fetch batch,
output buffers) still filling up, which would make tiny runs look like growth.  The
slope, (growth at N - growth at N/10) / rows added, is printed too: about 0 bytes per row
when streamed, several KiB (the record size) when not.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("jsonl", "json", "csv")
TARGET = 2.0
FLOOR_KB = 8 * 1024


class Sink(io.RawIOBase):
    """A write-only stream that counts bytes: the benchmark measures export, not disks."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.bytes += len(data)
        return len(data)


def status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak() -> int:
    """Reset the peak-RSS mark to the current RSS and return that RSS (Linux >= 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")
    return status_kb("VmRSS")


def child(url: str, fmt: str) -> None:
    """Export once and print what it cost, as JSON (run in a fresh process)."""
    from storage.db import make_engine
    from storage.export import export_articles

    engine = make_engine(url)
    with engine.connect():
        pass
    sink = Sink()
    before = reset_peak()
    start = time.perf_counter()
    rows = export_articles(engine, fmt, sink, since=None, column=None)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": rows, "seconds": seconds, "bytes": sink.bytes,
                      "before_kb": before, "peak_kb": status_kb("VmHWM")}))


def measure(url: str, fmt: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.export", "--child", url, fmt],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="articles (default 100000)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10,000 articles")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows = min(args.rows, 10_000)
    if args.child:
        child(*args.child)
        return 0
    from bench.export.generate import build

    sizes = (max(args.rows // 10, 1), args.rows)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        urls = {}
        for rows in sizes:
            start = time.perf_counter()
            urls[rows] = build(Path(tmp) / f"export-{rows}.db", rows)
            print(f"built {rows} articles in {time.perf_counter() - start:.1f} s")
        for fmt in FORMATS:
            growth = {}
            for rows in sizes:
                result = measure(urls[rows], fmt)
                growth[rows] = result["peak_kb"] - result["before_kb"]
                speed = result["rows"] / result["seconds"]
                print(f"{fmt:5} {rows:>7} rows  {speed:>8.0f} rows/s  "
                      f"{result['bytes'] / 2**20:7.1f} MiB out  "
                      f"peak RSS {result['peak_kb'] / 1024:6.1f} MiB "
                      f"(+{growth[rows] / 1024:.1f} MiB during export)")
            ratio = max(growth[sizes[1]], FLOOR_KB) / max(growth[sizes[0]], FLOOR_KB)
            slope = (growth[sizes[1]] - growth[sizes[0]]) * 1024 / (sizes[1] - sizes[0])
            print(f"{fmt:5} memory growth ratio {ratio:.2f}, {slope:.1f} bytes per added row")
            worst = max(worst, ratio)
    verdict = "ok" if worst <= TARGET else "short"
    print(f"ratio: peak RSS growth during export, {sizes[1]} vs {sizes[0]} rows, worst format "
          f"(at most {TARGET}: flat)")
    print(f"BENCH export ratio={worst:.2f} target={TARGET} {verdict}")
    return 0 if verdict == "ok" else 1



if __name__ == "__main__":
    sys.exit(main())
