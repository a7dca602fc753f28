"""``python -m bench.extraction``: the fallback extractor against trafilatura;
``python -m bench.extraction fetch``: download the public data sets it scores."""

import sys

from bench.extraction import data, run

argv = sys.argv[1:]
sys.exit(data.main(argv[1:]) if argv[:1] == ["fetch"] else run.main(argv))
