"""Two real crawls into one database under two site names: the offline portal served
twice (two hosts), once as ``lztz`` and once as ``other``.

Every article of the second site is a repost of the first's, so the test can say
exactly what must happen: each site keeps its own records, equal to the ground truth,
and deduplication never merges across them; every story has one record per site, the
first crawled site's first; the portal's look-alike pairs stay in separate stories;
filing numbers are reconciled per site; a re-crawl or a reprocess of one site changes
none of it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_twisted

from liuzhou_spider.sites import BUNDLED
from pipelines.reprocess import reprocess
from storage.db import make_engine
from storage.search import search
from tests.crawling import crawl_options, exported, ground_truth, query, run_crawl_deferred
from tests.groundtruth_compare import compare
from tests.portal_fixture import serve_portal

pytestmark = pytest.mark.crawl



def reposts(db_url: str) -> list[tuple]:
    return [tuple(row) for row in query(
        db_url, "SELECT story_id, position, is_first, site, article_id, story_size "
                "FROM v_reposts ORDER BY story_id, position")]


@pytest_twisted.inlineCallbacks
def test_two_sites_crawl_into_one_database(portal_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'sites.db'}"
    # The same TRS site under another name: a user profile file, no code.
    sites_dir = tmp_path / "sites"
    sites_dir.mkdir()
    (sites_dir / "other.toml").write_text(
        (BUNDLED / "lztz.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with serve_portal(portal_dir) as first, serve_portal(portal_dir) as second:
        truth = ground_truth(first)
        yield run_crawl_deferred(crawl_options(first, db_url))
        other = yield run_crawl_deferred(crawl_options(second, db_url, site="other",
                                                       sites_dir=str(sites_dir)))
        # The first crawl of a site fetches it whole: another site's runs do not count.
        assert other.stats.get_value("liuzhou/incremental") is False
        hosts = {"lztz": {urlsplit(first.base_url).netloc, first.alias_host},
                 "other": {urlsplit(second.base_url).netloc, second.alias_host}}
        stored = {site: exported(db_url, site) for site in hosts}
        for site, found in stored.items():
            problems = compare(found, truth["articles"])
            assert {k: v for k, v in problems.items() if v} == {}, site
            assert {r["site"] for r in found} == {site}
            assert {urlsplit(u).netloc for r in found for u in r["urls"]} <= hosts[site]
        stories = reposts(db_url)
        # One story per article, one record per site in each, the first crawl first.
        by_story = Counter(row[0] for row in stories)
        assert len(by_story) == len(truth["articles"]) and set(by_story.values()) == {2}
        assert {row[5] for row in stories} == {2}
        assert [row[3] for row in stories] == ["lztz", "other"] * len(by_story)
        ids = {site: {r["id"]: r["canonical_url"] for r in found}
               for site, found in stored.items()}
        for story_id, position, is_first, site, article_id, _ in stories:
            assert (position == 1) == bool(is_first) == (story_id == article_id)
            assert article_id in ids[site]
        pairs = [stories[i:i + 2] for i in range(0, len(stories), 2)]
        assert all(urlsplit(ids["lztz"][a[4]]).path == urlsplit(ids["other"][b[4]]).path
                   for a, b in pairs)  # the same page of the portal, never a look-alike
        verdicts = query(db_url, "SELECT site, kind, value FROM v_registrations "
                                 "WHERE is_canonical = 1 ORDER BY site, kind")
        expected = [(kind, truth["registrations"][kind]["canonical"]) for kind in ("icp", "psb")]
        assert [tuple(v) for v in verdicts] == [("lztz", *e) for e in expected] + [
            ("other", *e) for e in expected]
        runs = query(db_url, "SELECT site, status, articles_new FROM v_crawl_runs ORDER BY run_id")
        assert [tuple(r) for r in runs] == [("lztz", "success", len(truth["articles"])),
                                            ("other", "success", len(truth["articles"]))]
        # A re-crawl of the first site (incremental: its own URL memory) changes nothing.
        again = yield run_crawl_deferred(crawl_options(first, db_url))
        assert again.stats.get_value("liuzhou/incremental") is True
        records_before = {site: exported(db_url, site) for site in hosts}
        assert [r["id"] for r in exported(db_url, "lztz")] == [r["id"] for r in stored["lztz"]]
        assert reposts(db_url) == stories
    # An article whose title no other article of its site shares (ids follow the port).
    titles = Counter(r["title"] for r in stored["lztz"])
    lone = next(r for r in stored["lztz"] if titles[r["title"]] == 1)
    phrase = lone["title"][:8]
    # Reprocessing one site rebuilds its records only; the stories come back the same.
    result = reprocess(db_url, site="other", sites_dir=str(sites_dir), workers=0)
    assert (result.errors, result.articles_new) == (0, len(truth["articles"]))
    assert exported(db_url, "lztz") == records_before["lztz"]
    assert [r["id"] for r in exported(db_url, "other")] == [r["id"] for r in stored["other"]]
    assert reposts(db_url) == stories
    # The search index lost neither site's articles (it is rebuilt for one site only).
    engine = make_engine(db_url)
    try:
        found = {row["article_id"] for row in search(engine, phrase)}
    finally:
        engine.dispose()
    same = {r["id"] for site in hosts for r in stored[site] if r["title"] == lone["title"]}
    assert len(same) == 2 and same <= found
