"""The offline portal: every variation of the spec is generated, the ground truth agrees
with the pages, and the loopback server behaves like the real one (and fails like it)."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from liuzhou_spider.portal import content
from liuzhou_spider.portal.generate import Titles, build_revisions, build_site, story_versions
from liuzhou_spider.portal.plan import make_plan
from liuzhou_spider.portal.server import PortalServer
from liuzhou_spider.portal.truth import load_ground_truth

SIZE = 400
CHROME = (
    "分享本文至",
    "打印正文",
    "版权所有",
    "ICP备",
    "公网安备",
    "联系我们",
    "责任编辑",
    "上一篇",
    "下一篇",
    "当前位置",
)


def shingles(text: str, n: int = 5) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def sentences(text: str) -> set[str]:
    return {s for s in re.split(r"(?<=。)", text.replace("\n", "")) if len(s) > 10}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Both revisions of one portal (rev1/, rev2/) and revision 1's raw ground truth."""
    root = tmp_path_factory.mktemp("portal")
    build_revisions(root, size=SIZE, seed=7)
    truth = json.loads((root / "rev1" / "ground_truth.json").read_text(encoding="utf-8"))
    return root, truth


@pytest.fixture(scope="module")
def site(built: tuple[Path, dict[str, Any]]) -> Path:
    return built[0] / "rev1" / "site"


@pytest.fixture(scope="module")
def truth(built: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return built[1]


def read(site: Path, path: str) -> bytes:
    return (site / (path + "index.html" if path.endswith("/") else path).lstrip("/")).read_bytes()


def decode(raw: bytes) -> str:
    """UTF-8, else GB18030 (what GBK and GB2312 pages decode as)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def text_of(site: Path, row: dict[str, Any]) -> str:
    codec = "gb18030" if row["encoding"] != "utf-8" else "utf-8"
    return read(site, row["url"]).decode(codec)


def all_html(site: Path) -> Iterator[tuple[Path, bytes]]:
    for path in site.rglob("*.html"):
        yield path, path.read_bytes()


# ---------------------------------------------------------------- generation


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    build_site(tmp_path / "a", size=60, seed=3)
    # another process with another hash seed: nothing may depend on hash() or set order
    command = [sys.executable, "-m", "liuzhou_spider.portal", "generate", str(tmp_path / "b")]
    subprocess.run(
        [*command, "--size", "60", "--seed", "3"],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    for name in files_a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_other_seed_other_site(tmp_path: Path) -> None:
    one = build_site(tmp_path / "a", size=30, seed=1)
    two = build_site(tmp_path / "b", size=30, seed=2)
    assert {a["title"] for a in one.articles} != {a["title"] for a in two.articles}


def test_pager_is_only_a_script(site: Path, truth: dict[str, Any]) -> None:
    pagers = 0
    for url in truth["list_page_urls"]:
        html = read(site, url).decode()
        assert not re.search(r'href="[^"]*index_\d+\.html', html), url
        call = re.search(r'createPageHTML\((\w+), (\w+), "index", "html"\);', html)
        if call and "index_" in url:
            pagers += 1
    assert pagers > 5
    assert any("var countPage = " in read(site, u).decode() for u in truth["list_page_urls"])
    assert truth["pager_only_article_urls"], "some articles must be reachable only through pages 2+"
    listed = "".join(read(site, u).decode() for u in truth["list_page_urls"] if "index_" in u)
    for url in truth["pager_only_article_urls"][:20]:
        assert url.rsplit("/", 1)[1] in listed


def test_list_pages_hold_15_to_20_articles(site: Path, truth: dict[str, Any]) -> None:
    for url in truth["list_page_urls"]:
        if url.endswith("index_1.html"):
            first = read(site, url.replace("index_1.html", "index.html")).decode()
            listing = first[
                first.index('<div class="list-title">') : first.index('<div class="page">')
            ]
            assert 15 <= listing.count("<li>") <= 20


def test_link_forms(site: Path) -> None:
    home = read(site, "/index.html").decode()
    assert "./tzdt/" in home and "/search/" in home
    everything = "".join(decode(data) for _, data in all_html(site))
    for form in (
        "http://__PRIMARY__/",
        "https://__PRIMARY__/",
        "http://__ALIAS__/",
        "https://__ALIAS__/",
        "?from=timeline",
        "?isappinstalled=0",
        '.html#"',
        'href="../../',
        "http://www.gov.cn/",
        "http://www.gxzf.gov.cn/",
    ):
        assert form in everything, form


def test_gbk_pages(site: Path, truth: dict[str, Any]) -> None:
    gbk = [r for r in truth["pages"] if r["encoding"] != "utf-8"]
    assert {r["encoding"] for r in gbk} == {"gb2312", "gbk"}
    gbk_only = False
    for row in gbk:
        raw = read(site, row["url"])
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        html = raw.decode("gb18030")
        assert ('<meta charset="gb2312">' in html) == (row["encoding"] == "gb2312")
        if row["encoding"] == "gb2312":
            gbk_only |= any(c in html for c in content.GBK_ONLY_CHARS)
    assert gbk_only, "gb2312-declared pages must carry GBK-only characters"


def test_templates_footers_and_doubled_body(site: Path, truth: dict[str, Any]) -> None:
    rows = truth["pages"]
    assert {r["template"] for r in rows} == {"current", "legacy", "topic"}
    doubled = [r for r in rows if r["doubled"]]
    assert doubled
    for row in doubled[:5]:
        html = text_of(site, row)
        article = next(a for a in truth["articles"] if a["id"] == row["id"])
        first_paragraph = article["body_text"].split("\n")[0]
        assert html.count(first_paragraph) == 2
        assert "桂ICP备19011773号" in html and "桂ICP备05009280号" in html
        assert "45020502000153" in html and "45020502000013" in html
    legacy = next(r for r in rows if r["template"] == "legacy")
    assert "桂ICP备05009280号" in text_of(site, legacy)
    assert "-柳州统战网</title>" in text_of(site, legacy)
    current = next(r for r in rows if r["template"] == "current" and not r["doubled"])
    assert "_中共柳州市委统战部</title>" in text_of(site, current)


def test_every_date_and_source_format(site: Path, truth: dict[str, Any]) -> None:
    pages = "".join(text_of(site, r) for r in truth["pages"])
    for pattern in (
        r"\d{4}-\d\d-\d\d \d\d:\d\d<",
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<",
        r"\d{4}-\d\d-\d\d<",
        r"\d{4}年\d\d月\d\d日<",
        r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d<",
        "发布日期: ",
        "发布时间：",
        "来源: ",
        "来源：",
        "　　",
        "&nbsp;",
    ):
        assert re.search(pattern, pages), pattern
    assert any(a["source"] is None for a in truth["articles"])
    assert {a["published_precision"] for a in truth["articles"]} == {"date", "datetime"}


def test_meta_tags_on_some_pages_only(site: Path, truth: dict[str, Any]) -> None:
    with_meta = [r for r in truth["pages"] if 'name="PubDate"' in text_of(site, r)]
    assert 0.2 < len(with_meta) / len(truth["pages"]) < 0.8
    assert all(r["meta"] for r in with_meta)
    html = text_of(site, with_meta[0])
    for name in (
        "SiteName",
        "SiteDomain",
        "SiteIDCode",
        "ColumnName",
        "ColumnType",
        "ArticleTitle",
        "PubDate",
        "Keywords",
        "Description",
        "Url",
    ):
        assert f'name="{name}"' in html


def test_print_and_mobile_renderings(site: Path, truth: dict[str, Any]) -> None:
    by_id = {a["id"]: a for a in truth["articles"]}
    printed = [r for r in truth["pages"] if r["print_url"]]
    mobile = [r for r in truth["pages"] if r["mobile_url"]]
    assert any("?print=1" in r["print_url"] for r in printed)
    assert any(r["print_url"].endswith("_print.html") for r in printed)
    for row in [*printed[:5], *mobile[:5]]:
        article = by_id[row["id"]]
        file = row["url"][:-5] + "_print.html" if row in printed[:5] else row["mobile_url"]
        html = decode(read(site, file))
        assert article["body_text"].split("\n")[0][:30] in html
        assert "版权所有" not in html, "renderings carry less chrome"
        variant = row["print_url"] if row in printed[:5] else row["mobile_url"]
        assert variant in article["variant_urls"]


def test_cross_posts_and_republications(truth: dict[str, Any]) -> None:
    cross = [a for a in truth["articles"] if len(a["urls"]) > len(a["docids"])]
    assert cross
    for article in cross:
        names = {u.rsplit("/", 1)[1] for u in article["urls"]}
        assert len(names) < len(article["urls"]), "a cross-post keeps its file name"
    republished = [s for s in make_plan(SIZE, 7).stories if s.republish]
    assert {s.republish for s in republished} == {"name", "line"}
    for story in republished:
        versions = story_versions(story)
        assert versions[0].body_text() != versions[1].body_text()
        assert jaccard(versions[0].body_text(), versions[1].body_text()) > 0.8
        article = next(a for a in truth["articles"] if a["id"] == f"a{story.sid:06d}")
        newest = max(story.pages, key=lambda p: p.docid)
        assert article["body_text"].startswith(versions[1].body_text()), "content of the newest"
        assert str(newest.docid) in article["docids"]


def test_list_titles_match_article_titles() -> None:
    plan = make_plan(SIZE, 7)
    titles = Titles(plan.stories)
    for story in plan.stories:
        versions = story_versions(story)
        for page in story.pages:
            assert titles[page] == versions[page.version].title


def test_lookalikes_share_sentences_but_differ(truth: dict[str, Any]) -> None:
    by_id = {a["id"]: a for a in truth["articles"]}
    assert len(truth["lookalike_pairs"]) >= 4
    for left, right in truth["lookalike_pairs"]:
        a, b = by_id[left], by_id[right]
        shared = sentences(a["body_text"]) & sentences(b["body_text"])
        assert len(shared) >= 3
        assert len(shared) / len(sentences(a["body_text"])) <= 0.6
        assert jaccard(a["body_text"], b["body_text"]) < 0.7
        assert a["title"] != b["title"] and a["published_at"] != b["published_at"]


def test_ordinary_articles_do_not_look_alike(truth: dict[str, Any]) -> None:
    news = [shingles(a["body_text"]) for a in truth["articles"] if a["kind"] == "news"][:60]
    worst = max(len(a & b) / len(a | b) for i, a in enumerate(news) for b in news[i + 1 :])
    assert worst < 0.3


def test_body_lengths_and_text(truth: dict[str, Any]) -> None:
    lengths = [len(a["body_text"]) for a in truth["articles"]]
    assert min(lengths) >= 300 and max(lengths) <= 3300
    for article in truth["articles"]:
        assert not any(marker in article["body_text"] for marker in CHROME), article["id"]
        for image in article["images"]:
            assert image["caption"] not in article["body_text"].split("\n")
        assert "\u3000" not in article["body_text"] and "  " not in article["body_text"]


def test_ground_truth_matches_the_pages(site: Path, truth: dict[str, Any]) -> None:
    rows = {r["url"]: r for r in truth["pages"]}
    listed = "".join(read(site, u).decode() for u in truth["list_page_urls"])
    for article in truth["articles"]:
        assert article["urls"][0] == article["canonical_url"]
        assert len(set(article["urls"])) == len(article["urls"])
        html = text_of(site, rows[article["canonical_url"]])
        if len(article["docids"]) == 1:
            assert article["title"] in html
            for paragraph in article["body_text"].split("\n")[:3]:
                assert paragraph.replace("“", "“") in html.replace("&nbsp;", "")
        for url in article["urls"]:
            assert rows[url]["id"] == article["id"]
            assert url.rsplit("/", 1)[1] in listed, f"{url} is on no list page"
        for item in (*article["images"], *article["attachments"]):
            assert (site / item["url"].lstrip("/")).is_file()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", article["published_at"])
        for variant in article["variant_urls"]:
            assert variant.startswith(("/", "http://__", "https://__"))
    assert set(truth["pager_only_article_urls"]) <= set(rows)
    ids = {a["id"] for a in truth["articles"]}
    assert {i for pair in truth["lookalike_pairs"] for i in pair} <= ids
    assert len(ids) == SIZE
    assert truth["registrations"]["icp"]["canonical"] == "桂ICP备19011773号"
    assert len(truth["registrations"]["psb"]["values"]) == 2


def test_canonical_rules(truth: dict[str, Any]) -> None:
    rows = {r["url"]: r for r in truth["pages"]}
    for article in truth["articles"]:
        pages = [rows[u] for u in article["urls"]]
        best = min(
            pages,
            key=lambda r: (r["template"] == "legacy", int(r["docid"]), len(r["url"]), r["url"]),
        )
        assert best["url"] == article["canonical_url"]


def test_attachments_and_robots(site: Path, truth: dict[str, Any]) -> None:
    attachments = [x for a in truth["articles"] for x in a["attachments"]]
    assert {x["url"].rsplit(".", 1)[1] for x in attachments} >= {"pdf", "doc", "xls"}
    assert (site / attachments[0]["url"].lstrip("/")).stat().st_size > 50
    robots = (site / "robots.txt").read_text()
    for path in truth["robots_disallowed"]:
        assert f"Disallow: {path}" in robots
    assert "/search/" in truth["robots_disallowed"]


def test_load_ground_truth_makes_urls_absolute(built: tuple[Path, dict[str, Any]]) -> None:
    loaded = load_ground_truth(
        built[0] / "rev1", "http://127.0.0.1:8123/", "http://127.0.0.2:8123/"
    )
    article = next(a for a in loaded.articles if a["variant_urls"])
    assert article["canonical_url"].startswith("http://127.0.0.1:8123/")
    assert all(
        u.startswith(("http://127.0.0.", "https://127.0.0.")) for u in article["variant_urls"]
    )
    assert loaded.article_for(article["variant_urls"][0]) is article
    assert loaded.pager_only_article_urls[0].startswith("http://127.0.0.1:8123/")


def test_revision_two_changes_only_what_it_says(built: tuple[Path, dict[str, Any]]) -> None:
    root = built[0]
    one, two = root / "rev1" / "site", root / "rev2" / "site"
    changes = json.loads((root / "rev2" / "ground_truth.json").read_text())["changes"]
    assert all(changes[k] for k in ("new", "edited", "deleted"))
    for url in changes["new"]:
        assert not (one / url.lstrip("/")).exists() and (two / url.lstrip("/")).exists()
    for url in changes["deleted"]:
        assert not (two / url.lstrip("/")).exists()
    for url in changes["edited"]:
        assert read(one, url) != read(two, url)
    dead = json.loads((root / "rev2" / "ground_truth.json").read_text())["dead_links"]
    assert set(dead) & set(changes["deleted"]), "old pages still link to deleted articles"
    touched = {u.lstrip("/") for k in ("edited",) for u in changes[k]}
    for path in one.rglob("*"):
        name = str(path.relative_to(one))
        other = two / name
        if not path.is_file() or not other.exists() or "/index" in "/" + name:
            continue
        if name in touched or name.replace("_print", "") in touched or name[2:] in touched:
            continue
        assert path.read_bytes() == other.read_bytes(), name


def test_size_2000_builds_in_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    truth = build_site(tmp_path, size=2000, seed=11)
    assert len(truth.articles) == 2000
    assert time.perf_counter() - started < 20


# ---------------------------------------------------------------- server


@pytest.fixture(scope="module")
def server(built: tuple[Path, dict[str, Any]]) -> Iterator[PortalServer]:
    with PortalServer(built[0]) as running:
        yield running


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_both_hosts_answer_and_tokens_are_filled(
    server: PortalServer, truth: dict[str, Any]
) -> None:
    server.reset()
    for base in (server.base_url, server.alias_base_url):
        status, headers, body = fetch(base)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"__PRIMARY__" not in body and b"__ALIAS__" not in body
        assert f"127.0.0.2:{server.port}".encode() in body or b"127.0.0.1" in body
    hosts = {r["host"] for r in server.requests()}
    assert hosts == {f"127.0.0.1:{server.port}", f"127.0.0.2:{server.port}"}


def test_gbk_pages_have_no_charset_header(server: PortalServer, truth: dict[str, Any]) -> None:
    row = next(r for r in truth["pages"] if r["encoding"] == "gb2312")
    status, headers, body = fetch(server.base_url + row["url"].lstrip("/"))
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert body.decode("gb18030")


def test_revalidation_answers_304(server: PortalServer, truth: dict[str, Any]) -> None:
    url = server.base_url + truth["articles"][0]["canonical_url"].lstrip("/")
    status, headers, _ = fetch(url)
    assert status == 200
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200
    logged = server.requests()[-4]
    assert logged["path"] == truth["articles"][0]["canonical_url"]
    assert logged["headers"]["If-None-Match"] == headers["ETag"] and logged["status"] == 304


def test_print_query_redirects_and_dead_links(server: PortalServer, truth: dict[str, Any]) -> None:
    row = next(r for r in truth["pages"] if r["print_url"] and "?print=1" in r["print_url"])
    _, _, body = fetch(server.base_url + row["print_url"].lstrip("/"))
    assert b"print-content" in body
    old, new = next(iter(truth["redirects"].items()))
    status, headers, _ = fetch(server.base_url + old.lstrip("/"))
    assert status == 301 and headers["Location"] == new
    assert fetch(server.base_url + truth["dead_links"][0].lstrip("/"))[0] == 404
    assert fetch(server.base_url + "search/")[0] == 200  # served, but robots.txt forbids it


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("500", 500),
        ("503", 503),
        ("404", 404),
        ("301", 301),
        ("412", 412),
        ("slow", 200),
    ],
)
def test_faults(server: PortalServer, kind: str, status: int) -> None:
    server.add_fault("/gzsx/", kind, times=1, retry_after=7, delay=0.3, location="/tzdt/")
    started = time.perf_counter()
    got, headers, body = fetch(server.base_url + "gzsx/")
    assert got == status
    if kind == "503":
        assert headers["Retry-After"] == "7"
    if kind == "301":
        assert headers["Location"] == "/tzdt/"
    if kind == "412":
        assert b"document.cookie" in body and "Set-Cookie" in headers
    if kind == "slow":
        assert time.perf_counter() - started >= 0.3
    assert fetch(server.base_url + "gzsx/")[0] == 200, "a fault lasts `times` requests"


def test_truncated_response(server: PortalServer) -> None:
    server.add_fault("*", "truncated")
    with pytest.raises(Exception, match=r"IncompleteRead|incomplete|closed|Remote"):
        fetch(server.base_url + "index.html")
    assert fetch(server.base_url + "index.html")[0] == 200


def test_revision_switch_over_http(
    server: PortalServer, built: tuple[Path, dict[str, Any]]
) -> None:
    changes = json.loads((built[0] / "rev2" / "ground_truth.json").read_text())["changes"]
    edited = server.base_url + changes["edited"][0].lstrip("/")
    _, before, _ = fetch(edited)
    request = urllib.request.Request(server.base_url + "__portal__/revision?n=2", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["revision"] == 2
    try:
        status, after, _ = fetch(edited, {"If-None-Match": before["ETag"]})
        assert status == 200 and after["Last-Modified"] != before["Last-Modified"]
        assert fetch(server.base_url + changes["deleted"][0].lstrip("/"))[0] == 404
        assert fetch(server.base_url + changes["new"][0].lstrip("/"))[0] == 200
    finally:
        server.set_revision(1)


def test_stop_closes_keep_alive_connections(site: Path) -> None:
    running = PortalServer(site).start()
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    connection.request("GET", "/robots.txt")
    assert connection.getresponse().read()
    running.stop()
    with pytest.raises((OSError, http.client.HTTPException)):
        connection.request("GET", "/robots.txt")
        connection.getresponse()


def test_control_endpoints_are_not_logged_and_reset(server: PortalServer) -> None:
    fetch(server.base_url + "robots.txt")
    with urllib.request.urlopen(server.base_url + "__portal__/requests", timeout=10) as response:
        log = json.load(response)
    assert log and not any(r["path"].startswith("/__portal__") for r in log)
    request = urllib.request.Request(server.base_url + "__portal__/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    assert server.requests() == []


def test_serve_subprocess_prints_its_url(site: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "liuzhou_spider.portal", "serve", str(site)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        assert line[0] == "PORTAL" and line[1].startswith("http://127.0.0.1:")
        assert fetch(line[1] + "robots.txt")[0] == 200
        assert fetch(line[1].replace("127.0.0.1", "127.0.0.2") + "robots.txt")[0] == 200
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_variants_add_an_unknown_layout_and_repeated_paragraphs(tmp_path: Path) -> None:
    plain = build_site(tmp_path / "plain", size=150, seed=0)
    varied = build_site(tmp_path / "varied", size=150, seed=0, variants=True)
    data = json.loads((tmp_path / "varied" / "ground_truth.json").read_text(encoding="utf-8"))
    tables = [p for p in data["pages"] if p["template"] == "table"]
    assert tables and all(p["template"] != "table" for p in plain.pages)
    for page in tables:
        raw = (tmp_path / "varied" / "site" / page["url"].lstrip("/")).read_bytes()
        html = raw.decode("gbk" if page["encoding"] != "utf-8" else "utf-8")
        assert "<title>柳州统战网</title>" in html  # the site's name, not the headline
        assert 'class="lm_name"' in html and "当前位置" not in html
    with_menu = sum('class="sub-nav"' in (tmp_path / "varied" / "site" / p["url"].lstrip("/"))
                    .read_bytes().decode("gbk", "replace") for p in tables)
    assert 0 < with_menu < len(tables)  # some table pages have no site menu at all
    repeated = [a for a in data["articles"]
                if len(set(lines := a["body_text"].split("\n"))) < len(lines)]
    assert repeated, "some stories say one of their paragraphs twice"
    assert [a["title"] for a in plain.articles] == [a["title"] for a in varied.articles]
