"""Footer filing numbers: every ICP and 公网安备 number, one value per number."""

from __future__ import annotations

from pathlib import Path

import pytest

from liuzhou_spider.items import Registration
from liuzhou_spider.pages.registrations import find_registrations
from liuzhou_spider.pages.text import decode_html, parse_document


def test_seed_footer_line() -> None:
    assert find_registrations("桂ICP备19011773号 桂公网安备 45020502000153号") == [
        Registration("icp", "桂ICP备19011773号"),
        Registration("psb", "桂公网安备45020502000153号"),
    ]


def test_same_number_typed_differently_gives_one_value() -> None:
    text = ("桂ICP备19011773号 桂ICP备 19011773 号 桂ＩＣＰ备１９０１１７７３号 "
            "桂公网安备45020502000153号 桂公网安备　４５０２０５０２０００１５３号")
    assert find_registrations(text) == [
        Registration("icp", "桂ICP备19011773号"),
        Registration("psb", "桂公网安备45020502000153号"),
    ]


def test_site_suffix_and_other_provinces() -> None:
    regs = find_registrations(
        "京ICP备05070218号-3　粤公网安备 44010402001234号 桂ICP备19011773号－1"
    )
    assert regs == [
        Registration("icp", "京ICP备05070218号-3"),
        Registration("psb", "粤公网安备44010402001234号"),
        Registration("icp", "桂ICP备19011773号-1"),
    ]


def test_numbers_split_by_tags_in_html() -> None:
    html = ('<html><body><div class="foot"><a href="https://beian.miit.gov.cn">桂ICP备'
            '<span>19011773</span>号</a><script>var x="桂ICP备99999999号";</script>'
            '<img src="ga.png">桂公网安备 <b>45020502000013</b>号</div></body></html>')
    assert find_registrations(html) == [
        Registration("icp", "桂ICP备19011773号"),
        Registration("psb", "桂公网安备45020502000013号"),
    ]


def test_nothing_to_find() -> None:
    assert find_registrations("") == []
    assert find_registrations("联系我们:0772-2818756 ICP备案查询") == []


def test_parsed_page_reads_the_visible_text_of_every_body() -> None:
    from liuzhou_spider.pages.registrations import registrations_in
    from liuzhou_spider.pages.text import parse_document

    plain = parse_document('<html><body><p>桂ICP备<b>19011773</b>号</p></body></html>')
    assert registrations_in(plain) == [Registration("icp", "桂ICP备19011773号")]
    styled = parse_document('<html><body><style>p{}/*京ICP备05070218号*/</style>'
                            '<p>桂ICP备19011773号</p></body></html>')
    assert registrations_in(styled) == [Registration("icp", "桂ICP备19011773号")]


@pytest.mark.parametrize(
    "saved", sorted((Path(__file__).parent / "pages").glob("*.html")), ids=lambda p: p.name
)
def test_a_page_parsed_already_gives_the_numbers_of_its_html(saved: Path) -> None:
    html = decode_html(saved.read_bytes(), "text/html")
    assert find_registrations(html, parse_document(html)) == find_registrations(html)


def test_markup_without_visible_text_is_read_whole_from_its_tree_too() -> None:
    head_only = "<title>桂ICP备19011773号</title>"
    assert find_registrations(head_only, parse_document(head_only)) == [
        Registration("icp", "桂ICP备19011773号")
    ] == find_registrations(head_only)
