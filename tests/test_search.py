"""Full-text search (schemas 0006 and 0007): in step with ``articles`` through every change
the program makes, and it finds Chinese phrases, which SQLite's default tokenizer would
not."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from sqlalchemy import inspect, text

import storage.search as search_module
from pipelines.dedup.deduplicator import article_id_for
from storage.batch import Batch
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from storage.repository import Repository
from storage.search import SEARCH_SQL, available, search
from tests.conftest_db import A_URL, C_URL, article_url, make_decision, populate

LATER = "2026-03-15T02:00:00+00:00"  # after the two runs of ``populate``


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
    scans = [step for step in plan if "article_search" in step and "pending" not in step]
    assert len(scans) == 2 and all("VIRTUAL TABLE INDEX 0:L" in step for step in scans), plan


def in_step(engine, *, flushed: bool = False) -> bool:
    """Every article's title and body are indexed under its rowid, unless it is pending (its
    row, if any, then holds older text); no row is left of a deleted article; and FTS5
    finds its index consistent with the text it holds. ``flushed``: nothing is pending."""
    with engine.connect() as connection:
        connection.execute(text(
            "INSERT INTO article_search (article_search) VALUES ('integrity-check')"))
        indexed = {row[0]: tuple(row[1:]) for row in connection.execute(text(
            "SELECT rowid, article_id, title, body_text FROM article_search"))}
        stored = {row[0]: tuple(row[1:]) for row in connection.execute(text(
            "SELECT rowid, id, title, body_text FROM articles"))}
        pending = set(connection.scalars(text("SELECT article_id FROM article_search_pending")))
    if flushed and pending:
        return False
    return indexed.keys() <= stored.keys() and all(
        indexed.get(rowid, (None,))[0] in (None, row[0]) if row[0] in pending
        else indexed.get(rowid) == row
        for rowid, row in stored.items())


def triggers(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")))


@pytest.fixture
def sqlite_repo(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/search.db")
    upgrade(engine)
    yield Repository(engine)
    engine.dispose()


def edit(repo: Repository, url: str, article_id: str, when: str, **content) -> None:
    """A later run stores a newer version of the article at ``url``."""
    run = repo.start_run({}, site="lztz")
    repo.write_batch(run, [], [make_decision(url, article_id, fetched_at=when, is_new=False,
                                             body_replaced=True, **content)])
    repo.finish_run(run, "success", {})


def test_search_follows_inserts_edits_id_changes_and_deletes(sqlite_repo):
    repo, engine = sqlite_repo, sqlite_repo.engine
    populate(repo)  # inserts, and an edit of b's title and body by a later run
    assert ids(engine, "新增一行") == ids(engine, "（更正）") == ["bbbbbbbbbbbbbbbb"]
    assert in_step(engine, flushed=True)
    edit(repo, A_URL, "aaaaaaaaaaaaaaaa", LATER, title="民族团结进步创建")
    assert ids(engine, "新春第一会") == []
    assert ids(engine, "团结进步") == ["aaaaaaaaaaaaaaaa"]
    # Stored under the id of the page met first; settling gives it its canonical URL's.
    url, alias = article_url("3700400"), article_url("3700400", "alias")
    run = repo.start_run({}, site="lztz")
    repo.write_batch(run, [], [make_decision(url, article_id_for(alias), fetched_at=LATER,
                                             title="改名之前的文章", body="会改名的正文。")])
    assert ids(engine, "改名之前") == [article_id_for(alias)]
    assert repo.settle_article_ids(run, article_id_for) == 1
    assert ids(engine, "改名之前") == ids(engine, "会改名的") == [article_id_for(url)]
    assert in_step(engine)
    repo.finish_run(run, "success", {})
    assert ids(engine, "改名之前") == [article_id_for(url)]
    assert in_step(engine, flushed=True)


def test_a_run_that_dies_leaves_its_articles_found(sqlite_repo):
    """Pending articles are searched in the articles themselves until they are indexed:
    mid-run, and after a run that never finished."""
    repo, engine = sqlite_repo, sqlite_repo.engine
    populate(repo)
    run = repo.start_run({}, site="lztz")  # never finished
    repo.write_batch(run, [], [
        make_decision(article_url("3700700"), "ffffffffffffffff", fetched_at=LATER,
                      title="中途写下的文章", body="没有索引的正文。"),
        make_decision(A_URL, "aaaaaaaaaaaaaaaa", fetched_at=LATER, is_new=False,
                      body_replaced=True, title="中途改过的标题"),
    ])
    assert ids(engine, "中途写下") == ids(engine, "没有索引") == ["ffffffffffffffff"]
    assert ids(engine, "中途改过") == ["aaaaaaaaaaaaaaaa"]
    assert ids(engine, "新春第一会") == []  # still in the index row, no longer the article's
    assert in_step(engine) and not in_step(engine, flushed=True)
    later = repo.start_run({}, site="lztz")
    repo.finish_run(later, "success", {})  # the next run to end indexes them
    assert ids(engine, "中途改过") == ["aaaaaaaaaaaaaaaa"] and ids(engine, "新春第一会") == []
    assert in_step(engine, flushed=True)


def test_a_batch_indexes_everything_pending_once_enough_is(sqlite_repo, monkeypatch):
    repo, engine = sqlite_repo, sqlite_repo.engine
    monkeypatch.setattr(search_module, "FLUSH_AT", 3)
    populate(repo)
    run = repo.start_run({}, site="lztz")
    repo.write_batch(run, [], [make_decision(article_url("3700800"), "dddddddddddddddd",
                                             fetched_at=LATER, title="第一篇")])
    assert not in_step(engine, flushed=True)
    repo.write_batch(run, [], [make_decision(article_url(f"370081{n}"), f"{n}" * 16,
                                             fetched_at=LATER, title=f"第{n}篇文章")
                               for n in (1, 2)])
    assert in_step(engine, flushed=True)  # three pending: all indexed by the batch
    assert ids(engine, "第2篇文") == ["2222222222222222"]


def test_a_batch_that_fails_leaves_the_index_as_the_table(sqlite_repo, monkeypatch):
    repo, engine = sqlite_repo, sqlite_repo.engine
    populate(repo)

    def fail(self) -> None:
        raise RuntimeError("refused")

    # After the articles and their index are written, before the URLs: all rolled back.
    monkeypatch.setattr(Batch, "_write_urls", fail)
    run = repo.start_run({}, site="lztz")
    with pytest.raises(RuntimeError):
        repo.write_batch(run, [], [
            make_decision(article_url("3700500"), "eeeeeeeeeeeeeeee", fetched_at=LATER,
                          title="从未存下的文章"),
            make_decision(A_URL, "aaaaaaaaaaaaaaaa", fetched_at=LATER, is_new=False,
                          body_replaced=True, title="从未存下的标题"),
        ])
    assert ids(engine, "从未存下") == []
    assert ids(engine, "新春第一会") == ["aaaaaaaaaaaaaaaa"]
    assert in_step(engine, flushed=True)


def test_vacuum_keeps_the_rowids_the_index_finds_articles_by(sqlite_repo):
    repo, engine = sqlite_repo, sqlite_repo.engine
    populate(repo)
    with engine.connect() as connection:  # a gap in the rowids for VACUUM to close
        connection.execute(text("DELETE FROM article_search WHERE article_id = 'bbbbbbbbbbbbbbbb'"))
        connection.execute(text("DELETE FROM article_columns"))
        connection.execute(text("DELETE FROM article_versions"))
        connection.execute(text("UPDATE urls SET article_id = NULL, is_canonical = 0 "
                                "WHERE article_id = 'bbbbbbbbbbbbbbbb'"))
        connection.execute(text("DELETE FROM articles WHERE id = 'bbbbbbbbbbbbbbbb'"))
        connection.commit()
        connection.execute(text("VACUUM"))
    assert in_step(engine)
    edit(repo, C_URL, "cccccccccccccccc", LATER, title="真空之后的标题")
    assert ids(engine, "真空之后") == ["cccccccccccccccc"]
    assert in_step(engine, flushed=True)


def test_schema_0007_drops_the_triggers_and_indexes_by_rowid(sqlite_repo):
    repo, engine = sqlite_repo, sqlite_repo.engine
    populate(repo)
    assert triggers(engine) == []
    with engine.begin() as connection:
        connection.exec_driver_sql("BEGIN")
        command.downgrade(alembic_config(connection), "0006")
    assert triggers(engine) == ["article_search_delete", "article_search_insert",
                                "article_search_update"]
    with engine.connect() as connection:
        assert list(connection.scalars(text(
            "SELECT rowid FROM article_search ORDER BY rowid"))) == list(connection.scalars(
            text("SELECT rowid FROM articles ORDER BY rowid")))
        assert not inspect(connection).has_table("article_search_pending")
    with engine.begin() as connection:  # 0006's triggers add rows of their own rowids
        connection.execute(text("UPDATE articles SET title = '触发器改的标题' "
                                "WHERE id = 'cccccccccccccccc'"))
    upgrade(engine)
    assert triggers(engine) == []
    assert in_step(engine, flushed=True)
    assert ids(engine, "触发器改") == ["cccccccccccccccc"]
