"""The baseline the extraction benchmark compares with, as an ``f(html, url) -> str``."""

from __future__ import annotations

import trafilatura


def trafilatura_precision(html: str, url: str) -> str | None:
    """trafilatura in precision mode: the strongest setting of the strongest open
    extractor on these pages, so the one our fallback has to match."""
    return trafilatura.extract(html, include_comments=False, favor_precision=True)
