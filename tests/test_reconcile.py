"""Filing numbers: normalisation and the canonical value per kind (the seed's two pairs)."""

from __future__ import annotations

import pytest

from liuzhou_spider.pages.registrations import find_registrations
from pipelines.reconcile import Observation, normalize_value, reconcile

CURRENT = frozenset({"current", "topic"})  # the TRS base's current templates

SEED_FOOTERS = (
    "桂ICP备19011773号 桂公网安备 45020502000153号",  # current template
    "桂ICP备05009280号 桂公网安备 45020502000013号",  # the second, older footer
)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("psb", "桂公网安备 45020502000153号", "桂公网安备45020502000153号"),
        ("psb", "桂公网安备45020502000153号", "桂公网安备45020502000153号"),
        ("psb", "桂公网安备４５０２０５０２０００１５３号", "桂公网安备45020502000153号"),
        ("psb", "桂公网安备 45020502000013", "桂公网安备45020502000013号"),
        ("icp", "桂ICP备19011773号", "桂ICP备19011773号"),
        ("icp", "桂icp备 19011773 号", "桂ICP备19011773号"),
        ("icp", "桂ICP备19011773号 - 1", "桂ICP备19011773号-1"),
        ("icp", "桂ICP备19011773号－２", "桂ICP备19011773号-2"),
    ],
)
def test_normalize_value(kind: str, raw: str, value: str) -> None:
    assert normalize_value(kind, raw) == value  # type: ignore[arg-type]
    assert normalize_value(kind, value) == value  # type: ignore[arg-type]


def test_normaliser_is_a_fixed_point_on_the_extractor() -> None:
    text = "\n".join([*SEED_FOOTERS, "桂ICP备19011773号-1", "桂公网安备\u300045020502000153号"])
    found = find_registrations(text)
    assert found
    for reg in found:
        assert normalize_value(reg.kind, reg.value) == reg.value


def _obs(kind: str, value: str, n: int, template: str, day: int) -> list[Observation]:
    return [
        Observation(
            kind,
            value,
            f"https://www.lztz.gov.cn/{template}/{i}.html",
            template,  # type: ignore[arg-type]
            f"2026-03-{day:02d}T08:00:00+08:00",
        )
        for i in range(n)
    ]


def test_current_template_values_are_canonical() -> None:
    observations = [
        # The older footer is on more pages (legacy articles are many) and seen earlier.
        *_obs("icp", "桂ICP备05009280号", 40, "legacy", 1),
        *_obs("psb", "桂公网安备 45020502000013号", 40, "legacy", 1),
        *_obs("icp", "桂ICP备19011773号", 12, "current", 2),
        *_obs("psb", "桂公网安备45020502000153号", 12, "current", 2),
        *_obs("psb", "桂公网安备 45020502000153号", 3, "topic", 3),
    ]
    verdicts = reconcile(observations, CURRENT)
    icp, psb = verdicts["icp"], verdicts["psb"]
    assert [(v.value, v.is_canonical, v.conflicting) for v in icp] == [
        ("桂ICP备19011773号", True, False),
        ("桂ICP备05009280号", False, True),
    ]
    assert [(v.value, v.page_count, v.current_page_count) for v in psb] == [
        ("桂公网安备45020502000153号", 15, 15),
        ("桂公网安备45020502000013号", 40, 0),
    ]
    assert psb[0].first_seen == "2026-03-02T08:00:00+08:00"
    assert psb[0].last_seen == "2026-03-03T08:00:00+08:00"
    assert psb[1].conflicting and not psb[1].is_canonical


def test_ties_on_current_pages_go_to_the_most_recent() -> None:
    observations = [
        *_obs("icp", "桂ICP备05009280号", 5, "current", 1),
        *_obs("icp", "桂ICP备19011773号", 5, "current", 9),
    ]
    assert reconcile(observations, CURRENT)["icp"][0].value == "桂ICP备19011773号"
    assert reconcile(list(reversed(observations)), CURRENT)["icp"][0].value == "桂ICP备19011773号"


def test_site_suffix_is_the_same_filing_not_a_conflict() -> None:
    observations = [
        *_obs("icp", "桂ICP备19011773号", 10, "current", 2),
        *_obs("icp", "桂ICP备19011773号-1", 2, "legacy", 1),
        *_obs("icp", "桂ICP备05009280号-1", 2, "legacy", 1),
    ]
    icp = reconcile(observations, CURRENT)["icp"]
    flags = {v.value: (v.is_canonical, v.conflicting) for v in icp}
    assert flags == {
        "桂ICP备19011773号": (True, False),
        "桂ICP备19011773号-1": (False, False),
        "桂ICP备05009280号-1": (False, True),
    }


def test_one_page_counts_once_per_value() -> None:
    same_page = _obs("psb", "桂公网安备45020502000153号", 1, "current", 1) * 3
    assert reconcile(same_page, CURRENT)["psb"][0].page_count == 1
    assert reconcile([], CURRENT) == {}
