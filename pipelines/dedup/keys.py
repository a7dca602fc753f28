"""Text → article number maps without a Python object per entry.

Deduplication looks articles up by URL, docid and body hash.  As dicts of strings these
maps cost about 600 bytes per article at the portal's two to three URLs per article (a
URL string, a dict slot, a list per body hash) and scatter small long-lived objects over
the allocator's arenas, which keeps transient page data from being returned.  Here a key
is 64 bits of BLAKE2b of the text and a value an int32 article number, in two sorted
numpy arrays (12 bytes an entry) plus a small dict of the latest additions, merged into
the arrays in one linear pass when it fills, as ``index.BandIndex`` keeps its bands.

Two different texts share a key with probability about n²/2⁶⁵: one in 10⁹ at 200,000
URLs.  Such a pair would make two pages look like one; it is accepted, as the LSH
index accepts that a signature is an estimate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

_PENDING = 2048  # entries kept in the dict before a merge into the sorted arrays


def merge_sorted(
    sorted_keys: np.ndarray, sorted_values: np.ndarray, keys: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (key, value) arrays with more pairs merged in, in one linear pass; new pairs
    go after the pairs of equal keys, in their given order (the LSH bands use it too)."""
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    where = np.searchsorted(sorted_keys, keys, side="right")
    return np.insert(sorted_keys, where, keys), np.insert(sorted_values, where, values)


def key64(text: str) -> int:
    """The 64-bit key of a text (stable across runs and processes, unlike ``hash``)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class KeyTable:
    """64-bit key → int32 values, several per key allowed, kept in insertion order."""

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)
        self._values = np.empty(0, dtype=np.int32)
        self._pending: dict[int, list[int]] = {}
        self._pending_count = 0

    def __len__(self) -> int:
        return len(self._keys) + self._pending_count

    @property
    def nbytes(self) -> int:
        """Bytes held by the sorted arrays (the pending dict is bounded by ``_PENDING``)."""
        return self._keys.nbytes + self._values.nbytes

    def add(self, key: int, value: int) -> None:
        """Add one entry (after any entries of the same key)."""
        self._pending.setdefault(key, []).append(value)
        self._pending_count += 1
        if self._pending_count >= _PENDING:
            self._merge()

    def add_many(self, keys: Sequence[int], values: Sequence[int]) -> None:
        """Add many entries at once, in their order (start-up)."""
        self._merge()
        self._add_sorted(keys, values)

    def values(self, key: int) -> list[int]:
        """Every value of ``key``, oldest first."""
        probe = np.uint64(key)
        lo = int(np.searchsorted(self._keys, probe, side="left"))
        hi = int(np.searchsorted(self._keys, probe, side="right"))
        found = self._values[lo:hi].tolist() if hi > lo else []
        return found + self._pending.get(key, [])

    def latest(self, key: int) -> int | None:
        """The value added last for ``key``, None if none."""
        pending = self._pending.get(key)
        if pending:
            return pending[-1]
        hi = int(np.searchsorted(self._keys, np.uint64(key), side="right"))
        if hi and int(self._keys[hi - 1]) == key:
            return int(self._values[hi - 1])
        return None

    def setdefault(self, key: int, value: int) -> int:
        """The latest value of ``key``; ``value``, added, when it has none."""
        found = self.latest(key)
        if found is None:
            self.add(key, value)
            return value
        return found

    def _merge(self) -> None:
        if not self._pending_count:
            return
        keys = [key for key, values in self._pending.items() for _ in values]
        values = [value for entries in self._pending.values() for value in entries]
        self._pending.clear()
        self._pending_count = 0
        self._add_sorted(keys, values)

    def _add_sorted(self, keys: Sequence[int], values: Sequence[int]) -> None:
        self._keys, self._values = merge_sorted(
            self._keys, self._values,
            np.asarray(keys, dtype=np.uint64), np.asarray(values, dtype=np.int32),
        )
