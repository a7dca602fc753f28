"""Crawls of the other generated portals with the registry's profiles.

- Two sites into one database: lztz and lzgov (its *gov* design, columns, names and
  filing numbers), each reposting the other's stories, crawled with ``--site lztz`` and
  ``--site lzgov``: each site's records equal its ground truth, the filing numbers are
  reconciled per site, ``v_reposts`` lists exactly the stories the truth says both
  published, first publisher first, and export and stats answer per site.
- A portal whose names the project has never seen (``qxgov``) is crawled to its ground
  truth after a profile file naming only its hosts and site name is written: no code
  names it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted

from liuzhou_spider.health import assess
from tests.crawling import crawl_options, exported, query, run_crawl_deferred
from tests.groundtruth_compare import compare
from tests.portal_sites import OtherPortal, ServedSites

pytestmark = pytest.mark.crawl


def _succeeded(crawler: Any) -> None:
    stats = crawler.stats.get_stats()
    outcome = assess(stats, stats["finish_reason"])
    assert outcome.status == "success", outcome.reason



def _liuzhou(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "liuzhou_spider", *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest_twisted.inlineCallbacks
def test_two_sites_crawl_into_one_database_with_their_reposts(  # type: ignore[no-untyped-def]
    two_sites: ServedSites, tmp_path: Path
):
    db_url = f"sqlite:///{tmp_path / 'sites.db'}"
    truth = two_sites.truth
    for key in ("lztz", "lzgov"):
        crawler = yield run_crawl_deferred(
            crawl_options(two_sites.portals[key], db_url, site=key))
        _succeeded(crawler)
    for key in ("lztz", "lzgov"):
        found = exported(db_url, key)
        problems = compare(found, truth.sites[key].articles)
        assert {kind: items[:3] for kind, items in problems.items() if items} == {}, key
        assert {record["site"] for record in found} == {key}
        canonical = {kind: truth.sites[key].registrations[kind]["canonical"]
                     for kind in ("icp", "psb")}
        verdicts = query(db_url, "SELECT kind, value FROM v_registrations WHERE is_canonical = 1"
                                 f" AND site = '{key}'")
        assert dict(verdicts) == canonical, key
    assert truth.reposts, "the two-site portal reposts stories"
    stories: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for story, site, url, first in query(
            db_url, "SELECT story_id, site, canonical_url, is_first FROM v_reposts "
                    "ORDER BY story_id, position"):
        stories[story].append((site, url, bool(first)))
    found_reposts = {frozenset((site, url) for site, url, _ in members): members[0][0]
                     for members in stories.values()}
    assert all(members[0][2] and not any(f for _, _, f in members[1:])
               for members in stories.values())
    expected = {frozenset(r["canonical_urls"].items()): r["first"] for r in truth.reposts}
    assert found_reposts == expected
    # Export and stats answer per site.
    for key in ("lztz", "lzgov"):
        lines = _liuzhou("export", "--db", db_url, "--site", key, "--format", "jsonl",
                         "--output", "-").splitlines()
        assert len(lines) == len(truth.sites[key].articles)
        assert {json.loads(line)["site"] for line in lines} == {key}
        stats = json.loads(_liuzhou("stats", "--db", db_url, "--site", key, "--json"))
        assert stats["articles"] == len(truth.sites[key].articles)


PROFILE = """\
# A county portal the project has never seen: its name, hosts and start page only.
site_name = "{site_name}"
hosts = ["{host}"]
aliases = {aliases}
scheme = "https"
start_urls = ["https://{host}/"]
"""


@pytest_twisted.inlineCallbacks
def test_a_portal_with_names_never_seen_crawls_to_its_ground_truth_from_a_profile_file(  # type: ignore[no-untyped-def]
    other_portal: OtherPortal, tmp_path: Path
):
    spec = other_portal.spec
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / f"{spec.key}.toml").write_text(PROFILE.format(
        site_name=spec.site_name, host=spec.host, aliases=json.dumps(list(spec.aliases))),
        encoding="utf-8")
    assert spec.key in _liuzhou("sites", "--sites-dir", str(sites))
    db_url = f"sqlite:///{tmp_path / 'other.db'}"
    crawler = yield run_crawl_deferred(crawl_options(
        other_portal.served, db_url, site=spec.key, sites_dir=str(sites)))
    _succeeded(crawler)
    problems = compare(exported(db_url, spec.key), other_portal.truth.articles)
    assert {kind: items[:3] for kind, items in problems.items() if items} == {}
    assert [tuple(r) for r in query(db_url, "SELECT site FROM v_crawl_runs")] == [(spec.key,)]
