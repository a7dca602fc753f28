"""LSH band index in flat numpy arrays, sized for 100,000 articles in well under 1 KB each.

``datasketch.MinHashLSH`` keeps a Python dict per band of tuples of hash values: about
3.5 KB per document at 100,000 documents, and its pickle takes seconds to load.  Here a
band is reduced to one 32-bit key, every (key, slot) pair of every band lives in two
sorted arrays (4 + 4 bytes per band per document), and the signatures themselves in
fixed-size uint32 blocks (4 bytes per permutation).  With 25 bands of 5 rows over 128
permutations that is 200 + 512 bytes per document.  Recent inserts wait in a small
unsorted buffer that queries scan with one vectorised comparison; a full buffer is
merged into the sorted arrays in a single linear pass.  Band keys of different bands
share the arrays: a cross-band key collision only adds a candidate, and candidates are
always confirmed against their signatures.
"""

from __future__ import annotations

import numpy as np

from pipelines.dedup.keys import merge_sorted

_BLOCK_ROWS = 1024  # signatures per storage block (512 KB at 128 permutations)
_PENDING = 8192  # band entries buffered before a merge into the sorted arrays
_BASE = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_S33 = np.uint64(33)
_S32 = np.uint64(32)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Band keys of many signatures at once, shape (documents, bands): a hash of each
    band's rows, salted by the band number.  A pure function of the signature, so the
    crawl's reading worker computes it beside the signature, off the event loop."""
    rows_of = sigs[:, : bands * rows].reshape(len(sigs), bands, rows).astype(np.uint64)
    h = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _M1,
                        (len(sigs), bands)).copy()
    for r in range(rows):
        h = h * _BASE + rows_of[:, :, r]
    h = h ^ (h >> _S33)
    h = h * _M1
    return ((h ^ (h >> _S33)) >> _S32).astype(np.uint32)


class BandIndex:
    """MinHash signatures and their LSH band keys; slots are numbered from 0 in insert order."""

    def __init__(self, num_perm: int, bands: int, rows: int) -> None:
        if bands * rows > num_perm:
            raise ValueError(f"{bands} bands × {rows} rows need more than {num_perm} permutations")
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self._blocks: list[np.ndarray] = []
        self._size = 0
        self._keys = np.empty(0, dtype=np.uint32)
        self._slots = np.empty(0, dtype=np.int32)
        self._pending_keys = np.empty(_PENDING, dtype=np.uint32)
        self._pending_slots = np.empty(_PENDING, dtype=np.int32)
        self._pending = 0
        # The buffer's keys again, for lookups: 25 dict probes beat a vectorised scan of
        # thousands of entries when one document is added and queried at a time.
        self._pending_map: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        """Bytes held by the index arrays (signatures, band tables, insert buffer)."""
        arrays = [*self._blocks, self._keys, self._slots, self._pending_keys, self._pending_slots]
        return sum(a.nbytes for a in arrays)

    def band_keys(self, sig: np.ndarray) -> np.ndarray:
        """One 32-bit key per band: a hash of the band's rows, salted by the band number."""
        return band_keys(sig[None, :], self.bands, self.rows)[0]

    def add_many(self, sigs: np.ndarray) -> range:
        """Store many signatures at once (start-up); returns their slots."""
        first = self._size
        for sig in sigs:  # rows into the fixed-size blocks
            row = self._size % _BLOCK_ROWS
            if row == 0:
                self._blocks.append(np.empty((_BLOCK_ROWS, self.num_perm), dtype=np.uint32))
            self._blocks[-1][row] = sig
            self._size += 1
        slots = np.repeat(np.arange(first, self._size, dtype=np.int32), self.bands)
        # In chunks: the uint64 intermediates of 100,000 signatures at once would be 100 MB.
        keys = np.concatenate(
            [
                band_keys(sigs[i : i + _BLOCK_ROWS], self.bands, self.rows).ravel()
                for i in range(0, len(sigs), _BLOCK_ROWS)
            ]
        )
        self._merge_sorted(keys, slots)
        return range(first, self._size)

    def add(self, sig: np.ndarray, keys: np.ndarray | None = None) -> int:
        """Store a signature and its band keys (``keys``: computed already); returns its
        slot."""
        slot = self._size
        row = slot % _BLOCK_ROWS
        if row == 0:
            self._blocks.append(np.empty((_BLOCK_ROWS, self.num_perm), dtype=np.uint32))
        self._blocks[-1][row] = sig
        self._size += 1
        if self._pending + self.bands > _PENDING:
            self._merge()
        end = self._pending + self.bands
        keys = self.band_keys(sig) if keys is None else keys
        self._pending_keys[self._pending : end] = keys
        self._pending_slots[self._pending : end] = slot
        self._pending = end
        for key in keys.tolist():
            self._pending_map.setdefault(key, []).append(slot)
        return slot

    def _merge(self) -> None:
        n = self._pending
        self._merge_sorted(self._pending_keys[:n], self._pending_slots[:n])
        self._pending = 0
        self._pending_map.clear()

    def _merge_sorted(self, keys: np.ndarray, slots: np.ndarray) -> None:
        self._keys, self._slots = merge_sorted(self._keys, self._slots, keys, slots)

    def signature(self, slot: int) -> np.ndarray:
        """The stored signature of a slot."""
        return self._blocks[slot // _BLOCK_ROWS][slot % _BLOCK_ROWS]

    def candidates(self, sig: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:
        """Slots sharing at least one band with ``sig`` (unique, ascending); ``keys`` are
        its band keys when computed already."""
        keys = self.band_keys(sig) if keys is None else keys
        lo = np.searchsorted(self._keys, keys, side="left")
        hi = np.searchsorted(self._keys, keys, side="right")
        found = [self._slots[a:b] for a, b in zip(lo, hi, strict=True) if b > a]
        pending = [s for key in keys.tolist() for s in self._pending_map.get(key, ())]
        if pending:
            found.append(np.asarray(pending, dtype=np.int32))
        if not found:
            return np.empty(0, dtype=np.int32)
        return np.unique(np.concatenate(found))

    def similarities(self, sig: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """Estimated Jaccard of ``sig`` to each slot's signature."""
        if not len(slots):
            return np.empty(0, dtype=np.float64)
        stored = np.stack([self.signature(int(s)) for s in slots])
        return np.count_nonzero(stored == sig, axis=1) / self.num_perm


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Chance that two documents of this Jaccard share a band: 1 − (1 − s^r)^b."""
    return 1.0 - (1.0 - similarity**rows) ** bands
