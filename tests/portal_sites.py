"""Several offline portals at once, for tests that crawl more than one site.

- ``two_sites``: www.lztz.gov.cn and the municipal government portal (``lzgov``)
  generated from one seed, reposting each other's stories, each served by its own
  server process on its own port (127.0.0.1:PORT, alias 127.0.0.2:PORT), with the
  combined ground truth (``liuzhou_spider.portal.truth.SitesTruth``: per-site truths and
  the reposts, URLs absolute on the served hosts).
- ``other_portal``: a portal whose site name, hosts and columns the project has never
  seen, generated from a spec file the test writes (``OTHER_SPEC``), with its truth.

Fixtures (a plugin of ``tests/conftest.py``, so every test module has them)::

    def test_two_sites(two_sites: ServedSites) -> None:
        lztz, lzgov = two_sites.portals["lztz"], two_sites.portals["lzgov"]
        lzgov.base_url            # http://127.0.0.1:PORT/   (start URL of a crawl)
        lzgov.alias_host          # 127.0.0.2:PORT           (its host alias)
        two_sites.truth.sites["lzgov"].articles       # export records, absolute URLs
        two_sites.truth.reposts   # [{"original", "first", "articles", "canonical_urls", ...}]
        # crawl one site as tests/crawling.py does: crawl_options(lzgov, db_url, ...)
        # (its profile must name the site "lzgov"; the served hosts replace its real ones)

    def test_other(other_portal: OtherPortal) -> None:
        other_portal.spec         # the SiteSpec (site_name, host, aliases, columns ...)
        other_portal.served.base_url, other_portal.truth.articles
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from liuzhou_spider.portal.__main__ import main as portal_main
from liuzhou_spider.portal.generate import build_sites
from liuzhou_spider.portal.sites import LZGOV, LZTZ, SiteSpec, spec_from_file
from liuzhou_spider.portal.truth import GroundTruth, SitesTruth, load_ground_truth, load_sites_truth
from tests.portal_fixture import ServedPortal, serve_portal

SITES_SIZE = 120  # articles of each site before reposts
SITES_SEED = 0

# A portal no part of the project names: a fictional county government on TRS.
OTHER_SPEC = """\
key = "qxgov"
site_name = "青溪县人民政府门户网站"
short_name = "青溪县政府网"
host = "www.qingxi.gov.cn"
aliases = ["qingxi.gov.cn"]
template = "gov"
icp = "桂ICP备16002718号"
psb = "桂公网安备 45032402000017号"
redesign = "2020-01-01"
docid_start = 7300000

[[columns]]
path = "xwzx"
names = ["新闻中心"]
kind = "parent"

[[columns]]
path = "xwzx/qxyw"
names = ["新闻中心", "青溪要闻"]
weight = 10
cross_post = "xwzx/xzdt"

[[columns]]
path = "xwzx/xzdt"
names = ["新闻中心", "乡镇动态"]
weight = 8
pager = "one_based"

[[columns]]
path = "gsgg"
names = ["公示公告"]
weight = 6
pager = "written"
"""


@dataclass
class ServedSites:
    """Every site of a ``build_sites`` folder served, and their combined truth."""

    root: Path
    portals: dict[str, ServedPortal]
    truth: SitesTruth


@dataclass
class OtherPortal:
    """The never-seen portal served, its spec (and spec file) and its truth."""

    spec_path: Path
    spec: SiteSpec
    served: ServedPortal
    truth: GroundTruth


def build_two_sites(root: Path, size: int = SITES_SIZE, seed: int = SITES_SEED) -> Path:
    """lztz and lzgov reposting each other: ``root/lztz``, ``root/lzgov``, ``root/sites.json``."""
    build_sites(root, (LZTZ, LZGOV), size=size, seed=seed)
    return root


@contextmanager
def serve_sites(root: Path) -> Iterator[ServedSites]:
    """Serve each site of a ``build_sites`` folder from its own process and port."""
    keys = list(load_keys(root))
    with ExitStack() as stack:
        portals = {key: stack.enter_context(serve_portal(root / key)) for key in keys}
        served = {key: (p.base_url, p.alias_base_url) for key, p in portals.items()}
        yield ServedSites(root, portals, load_sites_truth(root, served))


def load_keys(root: Path) -> list[str]:
    """The site keys of a ``build_sites`` folder, in build order."""
    return list(json.loads((root / "sites.json").read_text(encoding="utf-8"))["sites"])


def build_other_portal(root: Path, size: int = 60, seed: int = 4) -> Path:
    """Write ``OTHER_SPEC`` as ``root/qxgov.toml`` and generate ``root/qxgov`` from it
    with the command line, as a user would.  Returns the spec file."""
    root.mkdir(parents=True, exist_ok=True)
    spec_path = root / "qxgov.toml"
    spec_path.write_text(OTHER_SPEC, encoding="utf-8")
    code = portal_main(["generate", str(root / "qxgov"), "--site", str(spec_path),
                        "--size", str(size), "--seed", str(seed)])
    assert code == 0, "generating the other portal failed"
    return spec_path


@contextmanager
def serve_other_portal(root: Path) -> Iterator[OtherPortal]:
    """Serve a folder written by ``build_other_portal``."""
    spec_path = root / "qxgov.toml"
    with serve_portal(root / "qxgov") as served:
        truth = load_ground_truth(root / "qxgov", served.base_url, served.alias_base_url)
        yield OtherPortal(spec_path, spec_from_file(spec_path), served, truth)


@pytest.fixture(scope="session")
def sites_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """lztz and lzgov generated once per test session."""
    return build_two_sites(tmp_path_factory.mktemp("sites"))


@pytest.fixture
def two_sites(sites_dir: Path) -> Iterator[ServedSites]:
    """Both sites served for one test (fresh request logs)."""
    with serve_sites(sites_dir) as served:
        yield served


@pytest.fixture(scope="session")
def other_portal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("other")
    build_other_portal(root)
    return root


@pytest.fixture
def other_portal(other_portal_dir: Path) -> Iterator[OtherPortal]:
    with serve_other_portal(other_portal_dir) as served:
        yield served
