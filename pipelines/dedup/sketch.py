"""What deduplication compares of a body, computable wherever the body is read.

Normalising a body and signing it is pure CPU work on the body text alone, about a
third of deduplication's cost.  Computed in the process that reads the page (the
crawl's reading worker), it leaves the crawl's event loop only the index lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.dedup.normalize import body_hash, normalize
from pipelines.dedup.signature import Signer


@dataclass(frozen=True)
class BodySketch:
    """A body's normalised length, exact-duplicate hash and MinHash signature."""

    length: int
    digest: str
    signature: np.ndarray
    made_by: tuple[int, int, int]  # the signer's (ngram, num_perm, seed)


def signer_key(signer: Signer) -> tuple[int, int, int]:
    """What a signature depends on: sketches made otherwise are not comparable."""
    return (signer.ngram, signer.num_perm, signer.seed)


def sketch_body(text: str, signer: Signer) -> BodySketch:
    """Normalise, hash and sign one body."""
    norm = normalize(text)
    return BodySketch(len(norm), body_hash(norm), signer.sign(norm), signer_key(signer))
