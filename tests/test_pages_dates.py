"""Publication dates in every form the portal writes them."""

from __future__ import annotations

import pytest

from liuzhou_spider.pages.dates import find_date, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-25 17:44", ("2026-02-25T17:44:00+08:00", "datetime")),
        ("2026-02-25 17:44:03", ("2026-02-25T17:44:03+08:00", "datetime")),
        ("2026-02-25", ("2026-02-25T00:00:00+08:00", "date")),
        ("2026年02月25日", ("2026-02-25T00:00:00+08:00", "date")),
        ("2026年2月25日 17:44", ("2026-02-25T17:44:00+08:00", "datetime")),
        ("发布日期: 2026-02-25 17:44    来源: 柳州1号", ("2026-02-25T17:44:00+08:00", "datetime")),
        ("发布时间：2026/2/5 9:05", ("2026-02-05T09:05:00+08:00", "datetime")),
        ("２０２６年２月２５日　１７：４４", ("2026-02-25T17:44:00+08:00", "datetime")),
        ("2026-02-25T17:44:00+08:00", ("2026-02-25T17:44:00+08:00", "datetime")),
        ("2026.02.25", ("2026-02-25T00:00:00+08:00", "date")),
    ],
)
def test_parse_date(text: str, expected: tuple[str, str]) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", [None, "", "来源：柳州1号", "2026-13-45", "电话 0772-2818756", "12345-06-07"]
)
def test_no_date(text: str | None) -> None:
    assert parse_date(text) is None


def test_invalid_date_is_skipped_for_the_next_valid_one() -> None:
    assert parse_date("2026-02-30 然后 2026-03-01") == ("2026-03-01T00:00:00+08:00", "date")


def test_find_date_keeps_the_text_as_written() -> None:
    found = find_date("发布日期：2026年2月25日 17:44 来源：x")
    assert found is not None and found.raw == "2026年2月25日 17:44"


def test_dates_in_full_width_and_other_digits_and_none_without_digits() -> None:
    from liuzhou_spider.pages.dates import find_date

    found = find_date("发布日期：２０２６－０２－２５　１７：４４")
    assert found is not None and found.iso == "2026-02-25T17:44:00+08:00"
    assert find_date("来源：柳州日报 浏览次数：") is None
    other = find_date("٢٠٢٦-02-25")  # \d: any decimal digit
    assert other is not None and other.iso == "2026-02-25T00:00:00+08:00"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # JSON-LD and metas often state UTC: the moment is kept, written in Beijing time.
        ("2024-05-09T14:30:07.000Z", "2024-05-09T22:30:07+08:00"),
        ("2024-05-12T03:00:00+00:00", "2024-05-12T11:00:00+08:00"),
        ("2024-05-16T17:02:38-0500", "2024-05-17T06:02:38+08:00"),
        ("2024-05-16T17:02:38+08:00", "2024-05-16T17:02:38+08:00"),
        # A range is no offset, and neither is a name after the time.
        ("会议时间：2024-05-16 09:00-11:00", "2024-05-16T09:00:00+08:00"),
        ("2024-05-16 09:00:00-11:00:00", "2024-05-16T09:00:00+08:00"),
        ("2024-05-16 17:02:38Zhang", "2024-05-16T17:02:38+08:00"),
    ],
)
def test_a_written_offset_is_converted_to_beijing_time(text: str, iso: str) -> None:
    found = find_date(text)
    assert found is not None and (found.iso, found.precision) == (iso, "datetime")
