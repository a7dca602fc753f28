"""The collector tuning of long runs is undone when the run ends."""

import gc

from liuzhou_spider.gc_tuning import YOUNG, tuned_for_long_run


def test_thresholds_and_frozen_heap_are_restored() -> None:
    before = gc.get_threshold()
    with tuned_for_long_run():
        assert gc.get_threshold()[0] == YOUNG
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
