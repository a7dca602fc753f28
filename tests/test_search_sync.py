"""The search table after ``liuzhou reprocess``, which deletes and rewrites articles outside
a crawl: in step after a full and a filtered rebuild, untouched by a rebuild that fails.

Uses the crawled database of ``tests.test_reprocess`` (one real crawl of the offline
portal, copied for each test).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from pipelines.reprocess import reprocess
from storage.db import make_engine
from tests.crawling import exported
from tests.test_reprocess import crawled_db, db, failing_writes  # noqa: F401  (fixtures)
from tests.test_search import ids, in_step

pytestmark = pytest.mark.crawl


@pytest.fixture
def engine(db: str):  # noqa: F811
    engine = make_engine(db)
    yield engine
    engine.dispose()


def some_title(db_url: str, column: str | None = None) -> tuple[str, str]:
    """(id, title) of an article (of ``column``): its title is a phrase to search for."""
    record = next(r for r in exported(db_url) if column is None or column in r["column"])
    return record["id"], record["title"]


def test_the_crawl_and_a_full_reprocess_keep_the_index_in_step(db: str, engine) -> None:  # noqa: F811
    article_id, title = some_title(db)
    assert in_step(engine) and article_id in ids(engine, title)
    reprocess(db)
    assert in_step(engine) and article_id in ids(engine, title)


def test_a_filtered_reprocess_keeps_the_index_in_step(db: str, engine) -> None:  # noqa: F811
    column = next(r["column"][-1] for r in exported(db) if r["column"])
    article_id, title = some_title(db, column)
    result = reprocess(db, column=column)
    assert result.articles_new > 0
    assert in_step(engine) and article_id in ids(engine, title)


def test_a_failed_reprocess_leaves_the_index_as_it_was(
        db: str, engine, failing_writes: None) -> None:  # noqa: F811
    with engine.connect() as connection:
        before = list(connection.execute(text("SELECT * FROM article_search ORDER BY rowid")))
    with pytest.raises(RuntimeError):
        reprocess(db)
    with engine.connect() as connection:
        after = list(connection.execute(text("SELECT * FROM article_search ORDER BY rowid")))
    assert after == before and in_step(engine)
