"""``liuzhou serve``: Datasette set up over a crawl database, and unable to write to it.

Through Datasette's own test client (no server, no browser): the example queries of
docs/analysts.md return rows, search finds an article by a Chinese phrase, facets are
offered, every way of writing is refused. The browser tests (test_browser.py) open the
same pages in Chromium.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

import pytest
from click.testing import CliRunner

from liuzhou_spider.cli import main
from liuzhou_spider.serve import datasette_app, metadata, sqlite_file
from liuzhou_spider.serve.catalog import load, parse_analysts
from storage.db import make_engine
from storage.migrate import upgrade
from storage.repository import Repository
from tests.conftest_db import populate
from tests.test_views import ANALYSTS, EXAMPLES

pytest.importorskip("datasette")


def run(coroutine):
    """Run a coroutine on a loop of its own (the test session's reactor owns this thread's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "crawl.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    populate(Repository(engine))
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def client(database):
    return datasette_app(sqlite_file(f"sqlite:///{database}")).client


def get(client, path: str, **params):
    return run(client.get(path, params=params))


def test_the_catalog_is_docs_analysts_md():
    catalog = load()
    assert catalog == parse_analysts(ANALYSTS.read_text(encoding="utf-8"))
    assert [q["sql"] for q in catalog["queries"].values()] == [e.strip() for e in EXAMPLES]
    assert set(catalog["views"]) == {"v_articles", "v_article_urls", "v_registrations",
                                     "v_crawl_runs", "v_reposts"}


def test_every_example_query_returns_rows(client):
    for slug, query in metadata("crawl")["databases"]["crawl"]["queries"].items():
        if slug == "search":
            continue
        answer = get(client, f"/crawl/{slug}.json", _shape="objects")
        assert answer.status_code == 200, (slug, answer.text)
        assert answer.json()["rows"], f"{query['title']} returned no row"


def test_search_finds_an_article_by_a_chinese_phrase(client):
    for phrase in ("新春第一会", "春来早，人勤"):  # in a title, in a body
        found = get(client, "/crawl/search.json", q=phrase, _shape="array").json()
        assert [row["article_id"] for row in found] == ["aaaaaaaaaaaaaaaa"]


def test_views_are_described_and_faceted(client):
    table = get(client, "/crawl/v_article_index.json", _size="0").json()
    assert set(table["facet_results"]) == {"site", "top_column", "column_path", "source",
                                           "month"}
    sites = {f["value"]: f["count"] for f in table["facet_results"]["site"]["results"]}
    assert sites == {"lztz": 3}
    months = {f["value"]: f["count"] for f in table["facet_results"]["month"]["results"]}
    assert months == {"2026-02": 1, "2026-01": 1, "2020-07": 1}
    page = get(client, "/crawl/v_crawl_runs")
    assert "One row per liuzhou crawl" in page.text and "pages that failed for good" in page.text


@pytest.mark.parametrize("sql", [
    "DELETE FROM articles",
    "WITH gone AS (SELECT 1) DELETE FROM articles",  # passes Datasette's SELECT check
    "UPDATE articles SET title = 'x'",
    "SELECT 1; DROP TABLE articles",
    "PRAGMA query_only = 0",
])
def test_writes_are_refused(client, database, sql):
    answer = get(client, "/crawl.json", sql=sql)
    assert answer.status_code >= 400 or answer.json().get("error"), answer.text
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 3
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM articles WHERE title = 'x'").scalar() == 0
    engine.dispose()


def test_even_a_write_connection_cannot_write(database):
    datasette = datasette_app(sqlite_file(f"sqlite:///{database}"))
    with pytest.raises(Exception, match="attempt to write a readonly database"):
        run(datasette.get_database("crawl").execute_write("DELETE FROM articles"))


def test_serve_refuses_what_it_cannot_serve(tmp_path):
    runner = CliRunner()
    postgres = runner.invoke(main, ["serve", "--db", "postgresql://me@127.0.0.1/lz"])
    assert postgres.exit_code == 2
    assert "liuzhou report" in postgres.output and "docs/analysts.md" in postgres.output
    missing = runner.invoke(main, ["serve", "--db", f"sqlite:///{tmp_path}/none.db"])
    assert missing.exit_code == 1 and not (tmp_path / "none.db").exists()
    old = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(old, "0003")
    old.dispose()
    outdated = runner.invoke(main, ["serve", "--db", f"sqlite:///{tmp_path}/old.db"])
    assert outdated.exit_code == 1 and "liuzhou db upgrade" in outdated.output
