"""The offline portal renders more than one site: specs, reposts, other names.

The combined truth (``sites.json``) lists every story published on two sites: its
article on each site (``articles``, ``canonical_urls``, ``published_at``), the site
that wrote it (``original``), the one that published first (``first``: the earlier
``published_at``, ties to the smaller site key) and each reposting site's edit
(``null``: same title, body and photos; ``"photos"``: no photos; ``"punctuation"``: the
body in half-width punctuation; ``"title"``: the title reworded).  Each site's
own ``ground_truth.json`` keeps the layout of one site, a repost being an ordinary
article of the reposting site.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from liuzhou_spider.portal import content
from liuzhou_spider.portal.__main__ import main as portal_main
from liuzhou_spider.portal.generate import build_site, build_sites
from liuzhou_spider.portal.server import PortalServer
from liuzhou_spider.portal.sites import (
    LZGOV,
    LZTZ,
    SiteSpec,
    SpecError,
    spec_from_dict,
    spec_from_file,
)
from tests.portal_sites import OtherPortal, ServedSites

# The tree ``build_site(size=40, seed=1)`` wrote before sites existed: lztz is unchanged
# (change it only with a deliberate change of the default portal).
LZTZ_40_1_DIGEST = "ea6e4faad29eea781ab2a25ae4256014b8d0eaaaf40a643ffbd87d0a76acd0cb"
LINK = re.compile(r'(?:href|src)="([^"]*)"')
SPECS = {"lztz": LZTZ, "lzgov": LZGOV}
HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def page_text(site_dir: Path, path: str) -> str:
    raw = (site_dir / (path + "index.html" if path.endswith("/") else path).lstrip("/"))
    data = raw.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def truth_of(root: Path) -> dict[str, Any]:
    return json.loads((root / "ground_truth.json").read_text(encoding="utf-8"))


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8", "replace")


# ---------------------------------------------------------------- generation


def test_lztz_alone_is_unchanged(tmp_path: Path) -> None:
    build_site(tmp_path / "a", size=40, seed=1)
    build_site(tmp_path / "b", size=40, seed=1, site=LZTZ)
    assert tree_digest(tmp_path / "a") == LZTZ_40_1_DIGEST
    assert tree_digest(tmp_path / "b") == LZTZ_40_1_DIGEST


def test_two_sites_are_deterministic(tmp_path: Path) -> None:
    build_sites(tmp_path / "a", (LZTZ, LZGOV), size=40, seed=2)
    subprocess.run(
        [sys.executable, "-m", "liuzhou_spider.portal", "generate", str(tmp_path / "b"),
         "--sites", "lztz,lzgov", "--size", "40", "--seed", "2"],
        check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "999"},
    )
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    build_sites(tmp_path / "c", (LZTZ, LZGOV), size=40, seed=3)
    assert tree_digest(tmp_path / "a") != tree_digest(tmp_path / "c")


def test_each_site_truth_lists_its_own_columns_and_numbers(sites_dir: Path) -> None:
    for key, spec in SPECS.items():
        truth = truth_of(sites_dir / key)
        assert truth["column_urls"] == [c.url for c in spec.columns]
        names = {name for c in spec.columns for name in c.names}
        assert all(set(a["column"]) <= names for a in truth["articles"])
        assert truth["registrations"]["icp"]["canonical"] == spec.icp[0]
        assert truth["registrations"]["psb"]["canonical"] == spec.psb[0].replace(" ", "")
    gov = truth_of(sites_dir / "lzgov")
    assert gov["params"]["site"] == "lzgov"
    assert gov["redirects"] == {"/xwzx/lzyw/": "/zwdt/lzyw/"}
    assert {p["template"] for p in gov["pages"]} == {"gov", "legacy"}


def test_lzgov_pages_carry_its_name_host_and_numbers(sites_dir: Path) -> None:
    site_dir = sites_dir / "lzgov" / "site"
    truth = truth_of(sites_dir / "lzgov")
    combined = json.loads((sites_dir / "sites.json").read_text(encoding="utf-8"))
    reposted = {r["articles"]["lzgov"] for r in combined["reposts"] if r["original"] == "lztz"}
    lztz_marks = (*LZTZ.icp, *LZTZ.psb, "统战动态", 'content="www.lztz.gov.cn"',
                  "_中共柳州市委统战部")
    for row in truth["pages"]:
        credit = "柳州统战网" in page_text(site_dir, row["url"])
        assert credit == (row["id"] in reposted), row["url"]  # only reposts credit lztz
        page = page_text(site_dir, row["url"])
        title = re.search(r"<title>(.*?)</title>", page).group(1)
        if row["template"] == "legacy":
            assert title.endswith("-柳州市人民政府网")
            assert f"{LZGOV.icp[1]} {LZGOV.psb[1]}" in page
        else:
            assert title.endswith("_柳州市人民政府门户网站")
            assert 'class="con_title"' in page and 'id="zoom"' in page
            assert LZGOV.icp[0] in page and LZGOV.psb[0] in page
        if row["meta"]:
            assert '<meta name="SiteDomain" content="www.liuzhou.gov.cn" />' in page
        assert not [mark for mark in lztz_marks if mark in page], row["url"]
    home = page_text(site_dir, "/")
    assert "<title>首页-柳州市人民政府门户网站</title>" in home
    for column in LZGOV.columns:
        assert f">{column.name}</a>" in home
    lztz_home = page_text(sites_dir / "lztz" / "site", "/")
    assert LZGOV.icp[0] not in lztz_home and "柳州市人民政府门户网站" not in lztz_home


def test_reposts_match_the_pages(sites_dir: Path) -> None:
    combined = json.loads((sites_dir / "sites.json").read_text(encoding="utf-8"))
    assert list(combined["sites"]) == ["lztz", "lzgov"]
    records = {
        key: {a["id"]: a for a in truth_of(sites_dir / key)["articles"]} for key in SPECS
    }
    reposts = combined["reposts"]
    assert {r["original"] for r in reposts} == {"lztz", "lzgov"}  # news travels both ways
    assert sum(r["original"] == "lztz" for r in reposts) > sum(
        r["original"] == "lzgov" for r in reposts
    )
    edits = set()
    for repost in reposts:
        original = repost["original"]
        (other,) = set(repost["articles"]) - {original}
        first = records[original][repost["articles"][original]]
        again = records[other][repost["articles"][other]]
        edit = repost["edits"][other]
        edits.add(edit)
        assert repost["first"] == original
        assert first["published_at"] < again["published_at"]
        assert repost["published_at"] == {original: first["published_at"],
                                          other: again["published_at"]}
        assert repost["canonical_urls"][other] == again["canonical_url"]
        expected_title = content.repost_title(first["title"]) if edit == "title" else first[
            "title"]
        assert again["title"] == expected_title
        credit = SPECS[original].short_name
        if edit == "punctuation":
            assert again["body_text"] != first["body_text"]
            assert again["body_text"] == first["body_text"].translate(HALF_WIDTH)
        else:
            assert again["body_text"] == first["body_text"]
        if edit == "photos":
            assert first["images"] and not again["images"]
        else:
            assert [i["caption"] for i in again["images"]] == [
                i["caption"] for i in first["images"]]
        assert again["source"] == credit
        page = page_text(sites_dir / other / "site", again["canonical_url"])
        assert f"来源：{credit}" in page or f"来源: {credit}" in page
        assert f">{credit}</a>" not in page  # a credit, not a link
        for line in again["body_text"].split("\n"):
            assert html.escape(line, quote=False) in page
    assert edits == {None, "photos", "punctuation", "title"}


def test_pages_link_only_to_their_own_site(sites_dir: Path) -> None:
    for key, spec in SPECS.items():
        offsite = {urlsplit(url).netloc for url, _ in spec.offsite} | {"beian.miit.gov.cn"}
        assert spec.host not in offsite
        for path in (sites_dir / key / "site").rglob("*.html"):
            text = path.read_bytes().decode("utf-8", "replace")
            for link in LINK.findall(text):
                host = urlsplit(html.unescape(link)).netloc
                assert not host or host in {"__PRIMARY__", "__ALIAS__", *offsite}, (path, link)


def test_served_sites_each_answer_on_their_own_port(two_sites: ServedSites) -> None:
    ports = {key: portal.port for key, portal in two_sites.portals.items()}
    assert len(set(ports.values())) == 2
    for key, portal in two_sites.portals.items():
        home = fetch(portal.base_url)
        assert f"首页-{SPECS[key].site_name}" in home
        hosts = {urlsplit(u).netloc for u in re.findall(r'href="(https?://[^"]+)"', home)}
        own = {f"127.0.0.1:{portal.port}", f"127.0.0.2:{portal.port}"}
        assert hosts & own and not hosts & {f"127.0.0.{n}:{p}" for n in (1, 2)
                                            for p in ports.values() if p != portal.port}
    repost = two_sites.truth.reposts[0]
    for key, url in repost["canonical_urls"].items():
        assert url.startswith(two_sites.portals[key].base_url.rstrip("/"))
        article = two_sites.truth.sites[key].article_for(url)
        assert article is not None and html.escape(article["title"], quote=False) in fetch(url)


# ---------------------------------------------------------------- other names


def test_a_portal_with_names_never_seen(other_portal: OtherPortal) -> None:
    spec = other_portal.spec
    assert (spec.key, spec.site_name, spec.host) == ("qxgov", "青溪县人民政府门户网站",
                                                     "www.qingxi.gov.cn")
    home = fetch(other_portal.served.base_url)
    assert "<title>首页-青溪县人民政府门户网站</title>" in home
    assert "青溪要闻" in home and "桂ICP备16002718号" in home
    truth = other_portal.truth
    assert len(truth.articles) == 60
    assert truth.column_urls[0] == other_portal.served.base_url + "xwzx/"
    names = {name for c in spec.columns for name in c.names}
    assert all(set(a["column"]) <= names for a in truth.articles)
    site_dir = other_portal.served.root / "site"
    known = ("中共柳州市委统战部", "柳州统战", "柳州市人民政府门户网站",
             "www.lztz.gov.cn", "www.liuzhou.gov.cn", *LZTZ.icp, *LZGOV.icp)
    for path in site_dir.rglob("*.html"):
        text = path.read_bytes().decode("utf-8", "replace")
        assert not [name for name in known if name in text], path
    article = truth.articles[0]
    assert html.escape(article["title"], quote=False) in fetch(article["canonical_url"])


def test_a_site_from_options(tmp_path: Path) -> None:
    code = portal_main([
        "generate", str(tmp_path), "--size", "30", "--key", "hzgov",
        "--site-name", "贺州市人民政府门户网站", "--host", "www.gxhz.gov.cn",
        "--alias", "gxhz.gov.cn", "--column", "xwzx=新闻中心", "--column", "xwzx/hzyw=贺州要闻",
        "--column", "tzgg=通知公告",
    ])
    assert code == 0
    truth = truth_of(tmp_path)
    assert truth["column_urls"] == ["/xwzx/", "/xwzx/hzyw/", "/tzgg/"]
    assert truth["params"]["site"] == "hzgov"
    assert "<title>首页-贺州市人民政府门户网站</title>" in page_text(tmp_path / "site", "/")
    spec = spec_from_file(tmp_path / "site_spec.json")
    assert (spec.host, spec.aliases, spec.template) == ("www.gxhz.gov.cn", ("gxhz.gov.cn",), "gov")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sites", "lztz,lzgov", "--both"], "--sites builds revision 1 without variants only"),
        (["--sites", "lztz,lztz"], "at least two sites with distinct keys"),
        (["--site", "lzgov", "--host", "www.x.gov.cn"], "give --site or --site-name"),
        (["--site-name", "某站", "--host", "www.x.gov.cn", "--column", "news"], "PATH=NAME"),
    ],
)
def test_the_command_refuses_what_it_cannot_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert portal_main(["generate", str(tmp_path), *args]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and message in error and error.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_serving_a_folder_of_several_sites_needs_a_site(
    sites_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert portal_main(["serve", str(sites_dir)]) == 2
    assert capsys.readouterr().err == f"error: {sites_dir} holds several sites (lztz, lzgov): " \
        "give --site\n"
    assert portal_main(["serve", str(sites_dir), "--site", "nosuch"]) == 2
    assert "no generated portal" in capsys.readouterr().err


def test_specs_survive_their_json_form() -> None:
    for spec in (LZTZ, LZGOV):
        assert spec_from_dict(json.loads(json.dumps(spec.to_json()))) == spec


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "unknown keys ['colour']"),
        ({"host": ""}, "missing host"),
        ({"key": "Bad Key"}, "key 'Bad Key'"),
        ({"columns": [{"path": "a/b", "names": ["A", "B"]}]}, "its parent must come first"),
        ({"columns": [{"path": "a", "names": ["A", "B"]}]}, "one name per path segment"),
        ({"columns": [{"path": "a", "names": ["A"], "kind": "parent"},
                      {"path": "a/b", "names": ["A", "B"], "kind": "parent"}]},
         "column 'a/b': a parent needs sub-columns"),
        ({"columns": [{"path": "a", "names": ["A"], "weight": 0}]}, "weight must be a positive"),
        ({"template": "fancy"}, "template must be one of current, gov"),
        ({"repost_columns": ["nowhere"]}, "'nowhere' is not a list column"),
        ({"redesign": "2030-01-01"}, "redesign must fall between"),
        ({"host": "https://www.x.gov.cn/"}, "is not a host name"),
        ({"aliases": "x.gov.cn"}, "aliases must be a list"),
        ({"redesign": "2020-13-01"}, "redesign must be YYYY-MM-DD"),
    ],
)
def test_bad_specs_are_refused_in_one_line(change: dict[str, Any], message: str) -> None:
    data = {"key": "x", "site_name": "某站", "host": "www.x.gov.cn",
            "columns": [{"path": "news", "names": ["新闻"]}], **change}
    with pytest.raises(SpecError) as error:
        spec_from_dict(data)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_bad_spec_file_fails_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text('key = "x"\nsite_name = "某站"\n', encoding="utf-8")
    assert portal_main(["generate", str(tmp_path / "out"), "--site", str(spec)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {spec}: missing host, columns"


def test_revision_two_of_another_site_keeps_the_site(tmp_path: Path) -> None:
    build_site(tmp_path, size=40, seed=1, site=LZGOV)
    with PortalServer(tmp_path) as server:
        server.set_revision(2)
        assert "首页-柳州市人民政府门户网站" in fetch(server.base_url)
    rev2 = truth_of(tmp_path / "rev2")
    assert rev2["params"]["site"] == "lzgov" and rev2["changes"]["new"]


def test_a_site_of_several_has_no_revision_two(sites_dir: Path) -> None:
    with PortalServer(sites_dir / "lzgov") as server:
        with pytest.raises(ValueError, match="revision 1 only"):
            server.set_revision(2)
        request = urllib.request.Request(server.base_url + "__portal__/revision?n=2",
                                         data=b"", method="POST")
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        assert error.value.code == 400 and b"revision 1 only" in error.value.read()
        assert "首页-柳州市人民政府门户网站" in fetch(server.base_url)
    assert not (sites_dir / "lzgov" / "rev2").exists()


def test_a_spec_is_a_value() -> None:
    assert isinstance(hash(LZGOV), int)
    assert LZGOV.column("zwdt/lzyw").names == ("政务动态", "柳州要闻")
    assert LZGOV.meeting == "zwdt/bmdt" and LZTZ.meeting == "gzsx"
    assert isinstance(LZGOV, SiteSpec) and LZGOV != LZTZ
