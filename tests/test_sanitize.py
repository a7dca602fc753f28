"""The body_html sanitiser: an allow-list, never a block-list."""

from __future__ import annotations

import pytest

from pipelines.sanitize import sanitize_html

BASE = "https://www.lztz.gov.cn/tzdt/szjj/202602/t20260225_3712345.html"

HOSTILE = [
    "<script>alert(1)</script><p>正文</p>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT><p>正文</p>",
    '<p onclick="alert(1)" onmouseover=alert(2)>正文</p>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">链接</a>',
    '<a href="JaVaScRiPt:alert(1)">链接</a>',
    '<a href="java&#x09;script:alert(1)">链接</a>',
    '<a href=" javascript:alert(1)">链接</a>',
    '<a href="vbscript:msgbox(1)">链接</a>',
    '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<iframe src="https://evil.example/"></iframe><p>正文</p>',
    '<object data="x.swf"></object><embed src="x.swf"><p>正文</p>',
    '<style>body{background:url("javascript:alert(1)")}</style><p>正文</p>',
    '<p style="background:url(javascript:alert(1))">正文</p>',
    '<svg><script>alert(1)</script></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="https://evil.example/"><input name=q><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>正文</p>',
    '<base href="javascript:alert(1)//"><a href="x">链接</a>',
    "<p>未闭合<b>加粗<i>斜体</p></b>",
    "<<script>script>alert(1)<</script>/script>",
    '<div><p>正文<!-- <script>alert(1)</script> --></p></div>',
    '<a href="https://ok.example/" target="_blank" onfocus=alert(1) autofocus>链接</a>',
]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_nothing_executable_gets_through(fragment: str) -> None:
    out = sanitize_html(fragment, BASE).lower()
    for needle in ("<script", "javascript:", "vbscript:", "onerror", "onclick", "onmouseover",
                   "onfocus", "onload", "<iframe", "<object", "<embed", "<style", "style=",
                   "<form", "<input", "<meta", "<base", "data:text", "<svg", "<math"):
        assert needle not in out, (needle, out)


def test_allowed_structure_survives_with_absolute_urls() -> None:
    fragment = (
        '<h2>小标题</h2><p>段落<br><strong>加粗</strong><em>强调</em></p>'
        '<ul><li>一</li></ul><ol><li>二</li></ol>'
        '<table><tr><th colspan="2">表头</th></tr><tr><td>甲</td><td>乙</td></tr></table>'
        '<p><img src="./W0202602.jpg" alt="现场" onerror="x"></p>'
        '<p><a href="../202601/P0202601.pdf">附件</a> <a href="mailto:a@b.cn">邮件</a></p>'
    )
    out = sanitize_html(fragment, BASE)
    for tag in ("<h2>", "<p>", "<br>", "<strong>", "<em>", "<ul>", "<ol>", "<li>", "<table>",
                "<tr>", '<th colspan="2">', "<td>"):
        assert tag in out
    assert 'src="https://www.lztz.gov.cn/tzdt/szjj/202602/W0202602.jpg"' in out
    assert 'href="https://www.lztz.gov.cn/tzdt/szjj/202601/P0202601.pdf"' in out
    assert 'href="mailto:a@b.cn"' in out
    assert 'rel="noopener noreferrer"' in out


def test_empty_and_huge_input() -> None:
    assert sanitize_html(None) == ""
    assert sanitize_html("") == ""
    big = "<p>统战</p>" * 100_000
    assert sanitize_html(big, BASE).count("<p>") == 100_000
