"""The site registry: bundled and user profiles, their checks, ``liuzhou sites`` and
``--site`` on every command that reads a site; and a portal added by a profile file
alone, crawled to its ground truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from scrapy import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from liuzhou_spider.cli import main
from liuzhou_spider.sites import (
    BUNDLED,
    SITES_DIR_ENV,
    ProfileError,
    UnknownSite,
    load_registry,
    profile_for_stored,
)
from liuzhou_spider.spiders.loader import SiteSpiderLoader
from pipelines.reprocess import crawl_profile
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.models import CrawlRun
from storage.repository import Repository
from tests.crawling import exported, ground_truth, query
from tests.groundtruth_compare import compare
from tests.portal_fixture import serve_portal

PORTAL_SITE = """\
site_name = "中共柳州市委统战部"
site_name_suffixes = ["柳州市委统战部", "柳州统战网", "柳州统一战线"]
hosts = ["portal.example.gov.cn"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line(result: Result, code: int, *words: str) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_the_bundled_sites_are_known_on_the_trs_base() -> None:
    registry = load_registry()
    assert {"lztz", "lzgov"} <= set(registry.names())
    lztz, lzgov = registry.profile("lztz"), registry.profile("lzgov")
    assert lztz.hosts == ("www.lztz.gov.cn",) and lztz.aliases == ("lztz.gov.cn",)
    assert lzgov.hosts == ("www.liuzhou.gov.cn",) and lzgov.aliases == ("liuzhou.gov.cn",)
    assert lzgov.site_name == "柳州市人民政府门户网站"
    assert lzgov.start_urls == ("https://www.liuzhou.gov.cn/",) and lzgov.scheme == "https"
    # Both on the one base: the same URL shape, templates and chrome words; lzgov adds
    # the template of its own design.
    assert lztz.article_re == lzgov.article_re and lzgov.templates[:3] == lztz.templates
    assert lztz.current_templates == frozenset({"current", "topic"})
    assert lzgov.current_templates == frozenset({"current", "topic", "gov"})
    assert "关闭窗口" in lzgov.chrome_markers
    assert lztz.filings["icp"] == ("桂ICP备19011773号-1",)
    assert lztz.site_names[0] == "中共柳州市委统战部"


def test_a_profile_extends_the_base(tmp_path: Path) -> None:
    write(tmp_path, "county", PORTAL_SITE + """\
chrome_markers = ["扫码关注"]
tracking_params = ["wxshare"]
[columns]
"xwzx/gzdt" = "新闻中心 > 工作动态"
[[templates]]
name = "legacy"
detect = ".old-article"
body = [".old-article .text"]
current = false
[[templates]]
name = "county"
detect = ".county-body"
body = [".county-body"]
""")
    profile = load_registry(tmp_path).profile("county")
    base = load_registry().profile("lztz")
    assert profile.chrome_markers == (*base.chrome_markers, "扫码关注")
    assert profile.tracking_params[-1] == "wxshare" and "utm_source" in profile.tracking_params
    assert [t.name for t in profile.templates] == ["current", "legacy", "topic", "county"]
    assert profile.templates[1].detect == ".old-article"
    assert profile.column_names == {"xwzx/gzdt": ("新闻中心", "工作动态")}
    assert profile.start_urls == ("https://portal.example.gov.cn/",)


BROKEN = [
    ("unknown key", PORTAL_SITE + "colour = 'red'\n", "colour: unknown key"),
    ("wrong type", PORTAL_SITE.replace('hosts = ["portal.example.gov.cn"]',
                                       'hosts = "portal.example.gov.cn"'),
     "hosts: must be a list of non-empty strings"),
    ("no hosts", PORTAL_SITE.replace('hosts = ["portal.example.gov.cn"]\n', ""),
     "hosts: required"),
    ("empty hosts", PORTAL_SITE.replace('["portal.example.gov.cn"]', "[]"),
     "hosts: must name at least one"),
    ("a URL for a host", PORTAL_SITE.replace('["portal.example.gov.cn"]',
                                             '["https://portal.example.gov.cn/"]'),
     "hosts: 'https://portal.example.gov.cn/' is not HOST or HOST:PORT"),
    ("no site name", PORTAL_SITE.replace('site_name = "中共柳州市委统战部"\n', ""),
     "site_name: required"),
    ("bad regex", PORTAL_SITE + "article_re = '/t(\\d{8}_'\n",
     "article_re: not a regular expression"),
    ("regex without ids", PORTAL_SITE + "article_re = '/t\\d+\\.html$'\n",
     "article_re: must have the groups"),
    ("start URL elsewhere", PORTAL_SITE + 'start_urls = ["https://www.gov.cn/"]\n',
     "start_urls: 'https://www.gov.cn/' is not on the site's hosts"),
    ("bad scheme", PORTAL_SITE + 'scheme = "ftp"\n', "scheme: must be http or https"),
    ("bad selector", PORTAL_SITE + '[[templates]]\nname = "x"\ndetect = "div["\nbody = ["p"]\n',
     "templates[0].detect: 'div[' is not a CSS selector"),
    ("template without body", PORTAL_SITE + '[[templates]]\nname = "x"\ndetect = "p"\n',
     "templates[0].body: required"),
    ("flag not a boolean", PORTAL_SITE
     + '[[templates]]\nname = "x"\ndetect = "p"\nbody = ["p"]\ncurrent = "yes"\n',
     "templates[0].current: must be true or false"),
    ("unknown filing kind", PORTAL_SITE + '[filings]\nfax = ["1"]\n',
     "filings.fax: unknown kind of filing number"),
    ("not TOML", "hosts = [\n", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "problem"), [pytest.param(t, p, id=i) for i, t, p in BROKEN])
def test_a_broken_profile_is_one_line_naming_file_key_and_problem(
    tmp_path: Path, text: str, problem: str,
) -> None:
    path = write(tmp_path, "county", text)
    with pytest.raises(ProfileError) as caught:
        load_registry(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message
    one_line(cli("sites", "--sites-dir", str(tmp_path)), 2, str(path), problem)


def test_bad_file_names_and_folders_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "upper", "County", PORTAL_SITE)
    with pytest.raises(ProfileError, match="is not a site name"):
        load_registry(tmp_path / "upper")
    write(tmp_path / "base", "base", PORTAL_SITE)
    with pytest.raises(ProfileError, match="bundled TRS base"):
        load_registry(tmp_path / "base")
    with pytest.raises(ProfileError, match="no such folder"):
        load_registry(tmp_path / "missing")


def test_a_user_profile_of_a_bundled_name_replaces_it(tmp_path: Path) -> None:
    path = write(tmp_path, "lztz", PORTAL_SITE)
    entry = load_registry(tmp_path).entry("lztz")
    assert entry.source == path and entry.replaces == BUNDLED / "lztz.toml"
    assert entry.profile.hosts == ("portal.example.gov.cn",)
    plain = cli("sites", "--sites-dir", str(tmp_path))
    assert plain.exit_code == 0, plain.stderr
    assert f"file: {path} (user profile, replaces the bundled {BUNDLED / 'lztz.toml'})" \
        in plain.stdout
    listed = {s["name"]: s for s in json.loads(
        cli("sites", "--sites-dir", str(tmp_path), "--json").stdout)}
    assert listed["lztz"]["replaces"] == str(BUNDLED / "lztz.toml")
    assert listed["lzgov"]["bundled"] and listed["lzgov"]["replaces"] is None


def test_liuzhou_sites_lists_bundled_and_user_sites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write(tmp_path, "county", PORTAL_SITE)
    monkeypatch.setenv(SITES_DIR_ENV, str(tmp_path))
    listed = json.loads(cli("sites", "--json").stdout)
    assert [s["name"] for s in listed] == ["county", "lzgov", "lztz"]
    county = listed[0]
    assert county == {
        "name": "county", "site_name": "中共柳州市委统战部",
        "hosts": ["portal.example.gov.cn"], "aliases": [],
        "start_urls": ["https://portal.example.gov.cn/"], "filings": {},
        "templates": ["current", "legacy", "topic"], "source": str(path),
        "bundled": False, "replaces": None,
    }
    plain = cli("sites").stdout
    assert "lzgov: 柳州市人民政府门户网站\n  hosts: www.liuzhou.gov.cn (aliases: liuzhou.gov.cn)" \
        in plain
    assert "start URLs: https://www.lztz.gov.cn/" in plain
    assert f"file: {path} (user profile)" in plain


COMMANDS = {
    "crawl": ["crawl", "--start-url", "http://127.0.0.1:1/"],
    "extract": ["extract", str(Path(__file__).parent / "pages" / "topic.html")],
    "reprocess": ["reprocess"],
    "demo": ["demo", "--size", "5"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_site_is_one_line_listing_the_known_ones(command: str, tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'x.db'}"] if command != "extract" else []
    one_line(cli(*COMMANDS[command], *db, "--site", "lzgvo"), 2,
             "--site 'lzgvo': no such site; known: lzgov, lztz")
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_broken_profile_stops_every_site_command(command: str, tmp_path: Path) -> None:
    path = write(tmp_path / "sites", "county", PORTAL_SITE + "colour = 1\n")
    db = ["--db", f"sqlite:///{tmp_path / 'x.db'}"] if command != "extract" else []
    one_line(cli(*COMMANDS[command], *db, "--sites-dir", str(tmp_path / "sites")), 2,
             str(path), "colour: unknown key")


def test_extract_reads_the_page_with_the_chosen_site(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>县里召开会议_某某县人民政府</title></head><body>"
        "<div class='article-content'><p>" + "会议内容。" * 20 + "</p></div></body></html>",
        encoding="utf-8")
    url = "https://portal.example.gov.cn/xwzx/202602/t20260225_1.html"
    write(tmp_path / "sites", "county", PORTAL_SITE.replace(
        'site_name = "中共柳州市委统战部"', 'site_name = "某某县人民政府"'))
    county = cli("extract", str(page), "--url", url, "--site", "county",
                 "--sites-dir", str(tmp_path / "sites"))
    assert county.exit_code == 0, county.stderr
    assert json.loads(county.stdout)["title"] == "县里召开会议"
    lztz = cli("extract", str(page), "--url", url)
    assert json.loads(lztz.stdout)["title"] == "县里召开会议_某某县人民政府"


def test_the_spider_loader_answers_every_site(tmp_path: Path) -> None:
    write(tmp_path, "county", PORTAL_SITE)
    loader = SiteSpiderLoader(load_registry(tmp_path))
    assert loader.list() == ["county", "lzgov", "lztz"]
    spider = loader.load("county")
    assert spider.name == "county" and spider.base_profile.hosts == ("portal.example.gov.cn",)
    with pytest.raises(KeyError):
        loader.load("nope")
    assert loader.find_by_request(Request("https://liuzhou.gov.cn/a.html")) == ["lzgov"]


def test_reprocess_reads_with_the_site_its_runs_name(tmp_path: Path) -> None:
    write(tmp_path / "sites", "county", PORTAL_SITE)
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    ensure_schema(engine)
    repository = Repository(engine)
    repository.start_run({"start_urls": ["http://127.0.0.1:8123/"], "host_aliases": []},
                         site="lztz")
    assert crawl_profile(engine).name == "lztz"
    assert crawl_profile(engine).hosts == ("127.0.0.1:8123",)
    repository.start_run({"site": "county", "start_urls": [], "host_aliases": []},
                         site="county")
    repository.start_run({"reprocess": True, "site": "county"}, site="county")
    found = crawl_profile(engine, sites_dir=str(tmp_path / "sites"))
    assert found.name == "county" and found.hosts == ("portal.example.gov.cn",)
    # --site picks that site's latest crawl, whatever ran since.
    assert crawl_profile(engine, "lztz").hosts == ("127.0.0.1:8123",)
    with Session(engine) as session:
        assert session.scalars(select(CrawlRun.id)).all() == [1, 2, 3]
    engine.dispose()
    with pytest.raises(UnknownSite, match="known: lzgov, lztz"):
        profile_for_stored("county", [], [])


def test_demo_refuses_a_site_the_offline_portal_does_not_render(tmp_path: Path) -> None:
    write(tmp_path / "sites", "county", PORTAL_SITE)
    one_line(cli("demo", "--size", "5", "--site", "county", "--sites-dir",
                 str(tmp_path / "sites"), "--db", f"sqlite:///{tmp_path / 'd.db'}"), 2,
             "--site county", "renders lztz, lzgov")
    assert not (tmp_path / "d.db").exists()


@pytest.mark.crawl
def test_a_portal_added_by_a_profile_file_is_crawled_to_its_ground_truth(
    portal_dir: Path, tmp_path: Path,
) -> None:
    sites = tmp_path / "sites"
    write(sites, "county", PORTAL_SITE)
    db_url = f"sqlite:///{tmp_path / 'county.db'}"
    with serve_portal(portal_dir) as portal:
        done = subprocess.run(
            [sys.executable, "-m", "liuzhou_spider", "crawl", "--site", "county",
             "--start-url", portal.base_url, "--host-alias", portal.alias_host,
             "--db", db_url, "--log-level", "WARNING"],
            capture_output=True, text=True, timeout=600,
            env={**os.environ, SITES_DIR_ENV: str(sites)})
        truth = ground_truth(portal)
    assert done.returncode == 0, done.stderr[-2000:]
    problems = compare(exported(db_url), truth["articles"])
    assert {kind: found for kind, found in problems.items() if found} == {}
    [options] = [json.loads(row[0]) for row in query(db_url, "SELECT options FROM crawl_runs")]
    assert options["site"] == "county"
