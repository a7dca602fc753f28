"""``python -m bench.extraction``: the fallback extractor against trafilatura."""

import sys

from bench.extraction.run import main

sys.exit(main())
