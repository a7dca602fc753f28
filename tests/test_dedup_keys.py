"""The 64-bit key tables behind deduplication's URL, docid and body-hash lookups."""

from __future__ import annotations

import random

from pipelines.dedup import keys
from pipelines.dedup.keys import KeyTable, key64


def test_key64_is_stable_and_spreads() -> None:
    assert key64("http://www.lztz.gov.cn/a.html") == key64("http://www.lztz.gov.cn/a.html")
    assert len({key64(f"/tzdt/t{i}.html") for i in range(10_000)}) == 10_000
    assert 0 <= key64("柳州") < 2**64


def test_values_keep_insertion_order_across_merges() -> None:
    table, expected = KeyTable(), {}
    rng = random.Random(7)
    extremes = (0, 2**63, 2**64 - 1)
    for value in range(3 * keys._PENDING + 11):  # several merges and a pending remainder
        key = rng.choice(extremes) if value % 5 == 0 else key64(str(rng.randrange(900)))
        table.add(key, value)
        expected.setdefault(key, []).append(value)
    assert len(table) == 3 * keys._PENDING + 11
    for key, values in expected.items():
        assert table.values(key) == values
        assert table.latest(key) == values[-1]
    assert table.values(key64("never added")) == []
    assert table.latest(key64("never added")) is None


def test_setdefault_keeps_the_first_and_add_many_appends_in_order() -> None:
    table = KeyTable()
    assert table.setdefault(5, 1) == 1
    assert table.setdefault(5, 2) == 1
    table.add_many([9, 5, 9], [3, 4, 6])
    assert table.values(5) == [1, 4]
    assert table.values(9) == [3, 6]
    assert table.latest(5) == 4
    assert table.nbytes == 4 * (8 + 4)  # all merged into the arrays by add_many
