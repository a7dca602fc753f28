"""Deduplication settings, with the values chosen by measurement (docs/dedup.md)."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.dedup.signature import Signer


@dataclass(frozen=True)
class DedupConfig:
    """Shingling, MinHash, LSH banding and merge thresholds.

    Defaults are what bench/dedup and the offline portal's look-alike pairs supported:
    5-grams keep boilerplate-sharing reports at Jaccard ≤ 0.61 where 3-grams reach 0.67;
    128 permutations estimate Jaccard within ±0.035 (one sd at 0.8); 25 bands × 5 rows
    make a pair at Jaccard 0.7 a candidate with probability 0.99 and at 0.8 with
    0.99998, so recall is limited by ``accept``, not by the bands.
    """

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    bands: int = 25
    rows: int = 5
    threshold: float = 0.8  # a near-duplicate: exact Jaccard at or above this
    accept: float = 0.7  # estimate that confirms a candidate (threshold minus ~3 sd)
    strong: float = 0.85  # estimate needed when the day differs or the titles are unrelated
    recheck: float = 0.75  # from here to strong (≈ 3 sd), the exact Jaccard decides
    min_chars: int = 50  # shorter normalised bodies: exact hash + title + day only
    complete_ratio: float = 0.9  # a version is complete at ≥ 90% of the longest
    # The site's current design (``SiteProfile.current_templates``): its pages are
    # preferred as canonical.  A site fact, so the crawl and reprocess set it per site.
    current_templates: frozenset[str] = frozenset()

    def signer(self) -> Signer:
        """The MinHash signer of these settings (shingles, permutations, seed)."""
        return Signer(ngram=self.ngram, num_perm=self.num_perm, seed=self.seed)
