"""Filing-number verdicts as storage accepts them from ``pipelines.reconcile``.

Reconciliation returns its verdicts grouped by kind; storage reads only ``kind``,
``value``, ``is_canonical`` and (if present) ``conflicting`` off each, so the rule's own
record type can grow without a change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol


class VerdictLike(Protocol):
    """What ``Repository.set_registration_verdicts`` reads off a verdict."""

    @property
    def kind(self) -> str: ...

    @property
    def value(self) -> str: ...

    @property
    def is_canonical(self) -> bool: ...


Verdicts = Mapping[str, Iterable[VerdictLike]] | Iterable[VerdictLike]


def flatten(verdicts: Verdicts) -> Iterator[VerdictLike]:
    """Every verdict, whether grouped by kind (``reconcile``'s shape) or already flat."""
    if isinstance(verdicts, Mapping):
        for group in verdicts.values():
            yield from group
    else:
        yield from verdicts
