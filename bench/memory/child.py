"""``python -m bench.memory.child DB``: one measured ``liuzhou reprocess`` in its own process.

Prints, as its last line, JSON with the pages replayed, articles rebuilt and seconds.
"""

from __future__ import annotations

import json
import sys

from pipelines.reprocess import reprocess


def main(argv: list[str]) -> int:
    result = reprocess(argv[0])
    print(json.dumps({"pages": result.pages, "articles": result.articles_new,
                      "errors": result.errors, "seconds": result.seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
