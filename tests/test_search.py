"""Full-text search (schema 0006): in step with ``articles`` through every change, and it
finds Chinese phrases, which SQLite's default tokenizer would not."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import upgrade
from storage.repository import Repository
from storage.search import SEARCH_SQL, available, search
from tests.conftest_db import populate


def ids(engine, phrase: str) -> list[str]:
    return [row["article_id"] for row in search(engine, phrase)]


def test_sqlite_here_has_the_trigram_tokenizer():
    assert sqlite3.sqlite_version_info >= (3, 34)


def test_search_finds_chinese_phrases_in_titles_and_bodies(repo):
    engine = repo.engine
    if engine.dialect.name != "sqlite":
        assert not available(engine)  # PostgreSQL: query 7 of docs/analysts.md instead
        return
    populate(repo)
    assert available(engine)
    assert ids(engine, "新春第一会") == ["aaaaaaaaaaaaaaaa"]  # inside a title
    assert ids(engine, "春来早，人勤") == ["aaaaaaaaaaaaaaaa"]  # inside a body, punctuation
    assert ids(engine, "统一思想") == ["bbbbbbbbbbbbbbbb"]
    assert ids(engine, "正文") == ["cccccccccccccccc"]  # two characters: a scan
    assert ids(engine, "DROP TABLE") == ["cccccccccccccccc"]  # ASCII, any case
    assert ids(engine, "x\" OR title:*") == []  # typed text is a phrase, never syntax
    assert ids(engine, "不存在的短语") == []


def test_search_reads_the_trigram_index(repo):
    if repo.engine.dialect.name != "sqlite":
        return
    with repo.engine.connect() as connection:
        plan = [row[-1] for row in connection.execute(
            text("EXPLAIN QUERY PLAN " + SEARCH_SQL), {"q": "新春第一会"})]
    scans = [step for step in plan if "article_search" in step]
    assert len(scans) == 2 and all("VIRTUAL TABLE INDEX 0:L" in step for step in scans), plan


def test_search_follows_inserts_edits_id_changes_and_deletes(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/search.db")
    upgrade(engine)
    populate(Repository(engine))
    with engine.begin() as connection:
        connection.execute(text("UPDATE articles SET title = '民族团结进步创建' "
                                "WHERE id = 'aaaaaaaaaaaaaaaa'"))
    assert ids(engine, "新春第一会") == []
    assert ids(engine, "团结进步") == ["aaaaaaaaaaaaaaaa"]
    with engine.begin() as connection:
        connection.execute(text("PRAGMA defer_foreign_keys = ON"))
        connection.execute(text("UPDATE articles SET id = 'dddddddddddddddd' "
                                "WHERE id = 'aaaaaaaaaaaaaaaa'"))
        connection.execute(text("UPDATE urls SET article_id = 'dddddddddddddddd' "
                                "WHERE article_id = 'aaaaaaaaaaaaaaaa'"))
        connection.execute(text("UPDATE article_columns SET article_id = 'dddddddddddddddd' "
                                "WHERE article_id = 'aaaaaaaaaaaaaaaa'"))
    assert ids(engine, "团结进步") == ["dddddddddddddddd"]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM urls WHERE article_id = 'bbbbbbbbbbbbbbbb'"))
        connection.execute(text("DELETE FROM articles WHERE id = 'bbbbbbbbbbbbbbbb'"))
    assert ids(engine, "统一思想") == []
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM article_search")).scalar()
        articles = connection.execute(text("SELECT count(*) FROM articles")).scalar()
    assert rows == articles == 2
    engine.dispose()
