"""Near-duplicate detection: CleanArticle → MergeDecision (MinHash, LSH, canonical rules).

``Deduplicator`` is what the pipeline calls; the modules below it do one job each:
``normalize`` (what is compared), ``signature`` (text → datasketch-compatible MinHash,
vectorised), ``index`` (compact LSH bands), ``merge`` (canonical rules and the evidence
that keeps look-alike reports apart).  docs/dedup.md has the measurements.
"""

from pipelines.dedup.config import DedupConfig
from pipelines.dedup.deduplicator import ArticleSummary, Deduplicator, article_id_for, page_url
from pipelines.dedup.known import known_articles

__all__ = [
    "ArticleSummary",
    "DedupConfig",
    "Deduplicator",
    "article_id_for",
    "known_articles",
    "page_url",
]
