"""``liuzhou stats`` data, and the storing step used the way the crawl uses it (threads)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from storage.stats import collect
from tests.conftest_db import A_URL, make_decision, make_fetch, populate


def test_stats_of_an_empty_database(engine):
    data = collect(engine)
    assert data["articles"] == data["urls"] == data["duplicates_merged"] == 0
    assert data["registrations"] == [] and data["last_runs"] == []
    json.dumps(data)  # the CLI's --json needs plain data


def test_stats_count_what_is_stored(repo):
    ids = populate(repo)
    data = collect(repo.engine)
    assert {k: data[k] for k in ("articles", "urls", "article_urls", "duplicates_merged",
                                 "article_versions", "gone_urls", "raw_pages")} == {
        "articles": 3, "urls": 8, "article_urls": 6, "duplicates_merged": 3,
        "article_versions": 1, "gone_urls": 1, "raw_pages": 7}
    assert data["raw_bytes"] == sum(len(b) for b in (
        b"<html>home</html>", b"<html>list</html>", b"<html>a</html>", b"<html>a2</html>",
        b"<html>b</html>", b"<html>c</html>", b"<html>b2</html>"))
    assert data["registration_conflicts"] == ["icp", "psb"]
    assert [(r["kind"], r["page_count"]) for r in data["registrations"]] == [
        ("icp", 3), ("icp", 1), ("psb", 3), ("psb", 1)]
    assert [r["run_id"] for r in data["last_runs"]] == [ids["run2"], ids["run1"]]
    assert data["last_runs"][0]["status"] == "partial"


def test_batches_written_from_worker_threads_all_land(repo):
    """The storing step runs write_batch in worker threads (asyncio.to_thread), in order."""
    run = repo.start_run({}, site="lztz")
    with ThreadPoolExecutor(max_workers=3) as pool:
        for n in range(6):
            url = A_URL.replace("3712345", str(4000000 + n))
            when = f"2026-03-01T02:0{n}:00+00:00"
            pool.submit(
                repo.write_batch, run, [make_fetch(url, fetched_at=when, body=url.encode())],
                [make_decision(url, f"{n:016x}", fetched_at=when, body=f"第{n}篇")],
            ).result()
    repo.finish_run(run, "success", {"pages_fetched": 6, "articles_new": 6})
    data = collect(repo.engine)
    assert (data["articles"], data["raw_pages"]) == (6, 6)
    assert data["last_runs"][0]["articles_new"] == 6


def test_stats_show_the_field_quality_of_the_last_run_that_read_articles(repo):
    quality = {"articles": 12, "coverage": {"title": 0.75}, "anomalies": {"no_title": 3},
               "columns": {"a": {"articles": 12}}, "examples": {}}
    first = repo.start_run({}, site="lztz")
    repo.finish_run(first, "unhealthy", {}, {"field_quality": quality})
    second = repo.start_run({}, site="lztz")  # an incremental run that read no article
    repo.finish_run(second, "success", {}, {"field_quality": {"articles": 0}})
    assert collect(repo.engine)["field_quality"] == {
        "run_id": first, "articles": 12, "coverage": {"title": 0.75},
        "anomalies": {"no_title": 3}}
