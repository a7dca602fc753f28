"""What deduplication compares of a body, computable wherever the body is read.

Normalising a body, signing it and banding the signature is pure CPU work on the body
text alone, about half of deduplication's cost.  Computed in the process that reads the
page (the crawl's reading worker), it leaves the crawl's event loop only the lookups.
"""

from __future__ import annotations

from liuzhou_spider.items import BodySketch
from pipelines.dedup.index import band_keys
from pipelines.dedup.normalize import body_hash, normalize
from pipelines.dedup.signature import Signer


def signer_key(signer: Signer) -> tuple[int, int, int]:
    """What a signature depends on: sketches made otherwise are not comparable."""
    return (signer.ngram, signer.num_perm, signer.seed)


def sketch_body(text: str, signer: Signer, banding: tuple[int, int] | None = None) -> BodySketch:
    """Normalise, hash and sign one body; with ``banding`` (bands, rows), band it too."""
    norm = normalize(text)
    signature = signer.sign(norm)
    keys = band_keys(signature[None, :], *banding)[0] if banding else None
    return BodySketch(len(norm), body_hash(norm), signature, signer_key(signer), keys, banding)
