"""The bundled site profiles, as the tests of page parsing and cleaning read pages with."""

from liuzhou_spider.sites import load_registry

LZTZ = load_registry().profile("lztz")
