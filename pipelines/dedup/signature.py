"""Text → MinHash signature, vectorised, bit-for-bit a datasketch ``MinHash``.

datasketch's straightforward path (a ``MinHash()`` per document and an ``update`` call
per shingle, SHA-1 per call) does 50 to 70 documents a second here; the crawl and the
benchmark need far more.  Two things cost: hashing each shingle in Python, and applying
the permutations one shingle at a time.  Here both are numpy operations over the whole
document: the character n-grams are hashed from the code-point array with a polynomial
rolling hash (no Python loop over shingles), and datasketch's own ``affine32``
permutations (its default scheme, parameters taken from datasketch for the same seed)
are applied to all shingle hashes at once, in cache-sized blocks.  The result equals
``MinHash(num_perm, seed, hashfunc=shingle_hash).update_batch(shingles(text))``; a test
holds this, so signatures interoperate with ``LeanMinHash`` and ``MinHashLSH``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np
from datasketch import LeanMinHash, MinHash

_SCHEME = "affine32"
# LeanMinHash byte format for the affine schemes, little-endian: seed (q), negated
# count (i), scheme code (B, 1 = affine32), then one uint32 per permutation.
_HEADER = struct.Struct("<qiB")
_AFFINE32_CODE = 1
# Then our trailer, which datasketch's reader ignores: "ng" and the n-gram size (B).
# The shingles are not in datasketch's format, and a signature of other shingles
# compares as if unrelated texts were.
_TRAILER = struct.Struct("<2sB")
_TRAILER_TAG = b"ng"
# Signatures stored without the trailer were all made with 5-grams, the only size
# used before it was recorded.
LEGACY_NGRAM = 5
# Odd 64-bit multipliers: the rolling-hash base and the MurmurHash3 fmix64 constants.
_BASE = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S32 = np.uint64(32)
_BLOCK = 512  # shingles per block: 512 × 128 uint32 stays in L2


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _S33)
    h = h * _M1
    h = h ^ (h >> _S33)
    h = h * _M2
    return h ^ (h >> _S33)


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hashes(normalized: str, ngram: int) -> np.ndarray:
    """32-bit hashes of every character n-gram (with repeats), computed in one pass.

    A text shorter than ``ngram`` is one shingle, itself; an empty text has none.
    """
    cp = _code_points(normalized)
    count = len(cp) - ngram + 1
    if count <= 0:
        if not len(cp):
            return np.empty(0, dtype=np.uint32)
        count, ngram = 1, len(cp)
    h = np.zeros(count, dtype=np.uint64)
    for k in range(ngram):
        h = h * _BASE + cp[k : k + count]
    return (_fmix64(h) >> _S32).astype(np.uint32)


def shingle_hash(shingle: str) -> int:
    """The hash of one shingle, as ``shingle_hashes`` computes it (a datasketch hashfunc)."""
    return int(shingle_hashes(shingle, max(len(shingle), 1))[0])


def shingles(normalized: str, ngram: int) -> list[str]:
    """The n-gram strings themselves: for tests and the exact-Jaccard reference only."""
    if len(normalized) < ngram:
        return [normalized] if normalized else []
    return [normalized[i : i + ngram] for i in range(len(normalized) - ngram + 1)]


@dataclass(frozen=True)
class Signer:
    """Signatures of one configuration (n-gram size, permutations, seed)."""

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1
    _a: np.ndarray = field(init=False, repr=False, compare=False)
    _b: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The permutations are datasketch's, so the signatures are datasketch's too.
        a, b = MinHash(num_perm=self.num_perm, seed=self.seed, scheme=_SCHEME).permutations
        object.__setattr__(self, "_a", np.asarray(a, dtype=np.uint32))
        object.__setattr__(self, "_b", np.asarray(b, dtype=np.uint32))

    @property
    def empty(self) -> np.ndarray:
        """The signature of an empty text (every slot at its maximum)."""
        return np.full(self.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)

    def sign(self, normalized: str) -> np.ndarray:
        """The MinHash signature (uint32 × num_perm) of a normalised text."""
        hashes = shingle_hashes(normalized, self.ngram)
        if not len(hashes):
            return self.empty
        mixed = _fmix32(hashes)[:, None]
        sig = self.empty
        # One preallocated block, reused: allocating a fresh matrix per block costs
        # about a third of the time at 2,000-character bodies.
        buf = np.empty((min(len(mixed), _BLOCK), self.num_perm), dtype=np.uint32)
        for start in range(0, len(mixed), _BLOCK):
            chunk = mixed[start : start + _BLOCK]
            out = buf[: len(chunk)]
            np.multiply(chunk, self._a, out=out)
            np.add(out, self._b, out=out)
            np.minimum(sig, np.minimum.reduce(out, axis=0), out=sig)
        return sig

    def to_lean(self, sig: np.ndarray) -> LeanMinHash:
        """The signature as a datasketch ``LeanMinHash``."""
        return LeanMinHash(seed=self.seed, hashvalues=sig, scheme=_SCHEME)

    def to_bytes(self, sig: np.ndarray) -> bytes:
        """Storage form: datasketch's ``LeanMinHash`` serialisation, little-endian (what
        ``LeanMinHash.deserialize`` reads), then the n-gram size."""
        return (_HEADER.pack(self.seed, -self.num_perm, _AFFINE32_CODE)
                + sig.astype("<u4").tobytes() + _TRAILER.pack(_TRAILER_TAG, self.ngram))

    def from_bytes(self, data: bytes) -> np.ndarray:
        """Parse ``to_bytes`` output (or the same without the n-gram size, as stored
        before it was recorded: 5-grams); refuses signatures made otherwise, which
        cannot be compared with this signer's."""
        if len(data) < _HEADER.size:
            raise ValueError(f"signature of {len(data)} bytes is truncated")
        seed, neg_count, code = _HEADER.unpack_from(data)
        values = _HEADER.size + 4 * -neg_count
        if len(data) == values:
            ngram = LEGACY_NGRAM
        elif len(data) == values + _TRAILER.size and data[values:values + 2] == _TRAILER_TAG:
            ngram = _TRAILER.unpack_from(data, values)[1]
        else:
            raise ValueError(f"signature of {len(data)} bytes is truncated or padded")
        made = (ngram, -neg_count, seed, code)
        if made != (self.ngram, self.num_perm, self.seed, _AFFINE32_CODE):
            raise ValueError(
                f"signature made with {ngram}-grams, {-neg_count} permutations, seed {seed}, "
                f"scheme code {code}; these settings sign with {self.ngram}-grams, "
                f"{self.num_perm} permutations, seed {self.seed}, affine32 (code 1)"
            )
        return np.frombuffer(data, dtype="<u4", offset=_HEADER.size,
                             count=self.num_perm).astype(np.uint32)


def exact_jaccard(normalized_a: str, normalized_b: str, ngram: int) -> float:
    """Jaccard similarity of two normalised texts' n-gram sets (by their 32-bit hashes):
    what the signatures estimate, for the rare pair the estimate cannot settle."""
    a = np.unique(shingle_hashes(normalized_a, ngram))
    b = np.unique(shingle_hashes(normalized_b, ngram))
    union = len(np.union1d(a, b))
    return len(np.intersect1d(a, b, assume_unique=True)) / union if union else 1.0


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of permutations whose minima agree."""
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)
