"""Deduplication settings: two measured similarities, and what follows from them
(docs/dedup.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

from datasketch.lsh import _optimal_param

from pipelines.dedup.signature import Signer

# How much worse a pair that never becomes a candidate is than a candidate the
# estimate then rejects: the first loses a merge, the second costs one comparison of
# two signatures.  Weighs datasketch's choice of bands and rows.
MISSED_PAIR_WEIGHT = 0.99
_SDS = 3  # how many standard deviations of the estimate a margin is
_STEP = 20  # margins are rounded to the nearest 1/20 (0.05)


def below(similarity: float, num_perm: int) -> float:
    """``similarity`` less three standard deviations of a ``num_perm`` MinHash estimate
    of it (√(J(1 − J)/num_perm)), to the nearest 0.05: the estimate a pair at that
    Jaccard reaches all but about once in a thousand."""
    sd = math.sqrt(similarity * (1 - similarity) / num_perm)
    return round((similarity - _SDS * sd) * _STEP) / _STEP


@cache
def banding(candidate: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for pairs at Jaccard ``candidate`` and above to become candidates:
    what ``datasketch.MinHashLSH(threshold=candidate)`` would use, with a missed pair
    weighted ``MISSED_PAIR_WEIGHT`` against a false candidate (datasketch weighs them
    evenly, and so misses half the pairs at its threshold)."""
    bands, rows = _optimal_param(candidate, num_perm, 1 - MISSED_PAIR_WEIGHT,
                                 MISSED_PAIR_WEIGHT)
    return bands, rows


@dataclass(frozen=True)
class DedupConfig:
    """Shingling, MinHash, LSH banding and merge thresholds.

    Two similarities are chosen by measurement (bench/dedup and the offline portal's
    look-alike pairs): ``threshold``, the exact Jaccard at which a pair is a
    near-duplicate that must merge, and ``strong``, the estimate that merges a pair on
    its bodies alone.  The rest follows: ``accept`` and ``recheck`` lie three standard
    deviations of the estimate below them (``below``), and the LSH bands are
    datasketch's optimum for ``accept`` (``banding``).  ``accept`` and ``recheck`` may
    be given instead (tests do); the bands then follow the ``accept`` given.

    5-grams keep boilerplate-sharing reports at Jaccard ≤ 0.61 where 3-grams reach 0.67;
    128 permutations estimate Jaccard within ±0.035 (one sd at 0.8).
    """

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.8  # a near-duplicate: exact Jaccard at or above this
    strong: float = 0.85  # estimate needed when the day differs or the titles are unrelated
    # None: they follow (below); a number once the settings are made.
    accept: float | None = None  # estimate that confirms a candidate: below(threshold)
    recheck: float | None = None  # from here to strong the exact Jaccard decides: below(strong)
    min_chars: int = 50  # shorter normalised bodies: exact hash + title + day only
    complete_ratio: float = 0.9  # a version is complete at ≥ 90% of the longest
    # The site's current design (``SiteProfile.current_templates``): its pages are
    # preferred as canonical.  A site fact, so the crawl and reprocess set it per site.
    current_templates: frozenset[str] = frozenset()
    bands: int = field(init=False)
    rows: int = field(init=False)

    def __post_init__(self) -> None:
        if self.accept is None:
            object.__setattr__(self, "accept", below(self.threshold, self.num_perm))
        if self.recheck is None:
            object.__setattr__(self, "recheck", below(self.strong, self.num_perm))
        bands, rows = banding(self.accept, self.num_perm)
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "rows", rows)

    def signer(self) -> Signer:
        """The MinHash signer of these settings (shingles, permutations, seed)."""
        return Signer(ngram=self.ngram, num_perm=self.num_perm, seed=self.seed)
