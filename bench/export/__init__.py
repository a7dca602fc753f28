"""Export benchmark: rows per second and peak memory of ``liuzhou export`` per format.

``python -m bench.export [--rows 100000]``: builds a synthetic database of ``--rows`` and
of a tenth as many articles, exports each to every format in a fresh process, and checks
that peak memory does not grow with the row count (the export is streamed).
"""
