"""Values a database would reject are stored repaired; edits and ids are recorded truly.

Every test runs on SQLite and on PostgreSQL (``tests.conftest_db``): PostgreSQL is the
one that rejects NUL characters and over-long index entries.
"""

from __future__ import annotations

import pytest
from alembic.ddl.impl import DefaultImpl
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import OperationalError

from liuzhou_spider.incremental import pager_depth_after
from pipelines.dedup import article_id_for
from storage.db import make_engine
from storage.migrate import current_revision, ensure_schema, head_revision, upgrade
from storage.models import Article, ArticleVersion, CrawlRun, Url
from storage.repository import Repository
from storage.storable import MAX_KEY_BYTES, is_keyed, storable_text, url_key
from tests.conftest_db import article_url, make_decision, make_fetch

T1, T2, T3 = "2026-03-01T02:00:00+00:00", "2026-03-02T02:00:00+00:00", "2026-03-03T02:00:00+00:00"


def scalars(engine, query):  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return list(connection.scalars(query))


def test_nul_and_control_characters_are_removed_and_the_page_counted(engine, repo):
    url = article_url("3700100")
    run = repo.start_run({}, site="lztz")
    fetch = make_fetch(url, fetched_at=T1, body=b"<html>x</html>", etag='"a\x00b"',
                       last_modified="Wed, 25 Feb 2026 09:44:00 GMT\r\n")
    fetch.headers["ETag"] = '"a\x00b"'
    decision = make_decision(url, article_id_for(url), fetched_at=T1,
                             title="标题\x00\x07\udc80", body="正文\x00第一段。\n第二段。")
    result = repo.write_batch(run, [fetch], [decision])
    assert result.repaired == {url}
    with engine.connect() as connection:
        article = connection.execute(select(Article.title, Article.body_text)).one()
        memory = connection.execute(select(Url.etag, Url.last_modified)).one()
    assert tuple(article) == ("标题", "正文第一段。\n第二段。")
    assert tuple(memory) == ('"ab"', "Wed, 25 Feb 2026 09:44:00 GMT")
    clean = make_fetch(article_url("3700101"), fetched_at=T1, etag='"c"')
    assert repo.write_batch(run, [clean], []).repaired == frozenset()


def test_a_url_too_long_for_an_index_is_kept_by_hash_the_same_everywhere(engine, repo):
    long_url = article_url("3700200") + "?q=" + "x" * 4000
    key = url_key(long_url)
    assert len(key.encode()) <= MAX_KEY_BYTES and is_keyed(key) and key == url_key(long_url)
    assert url_key(long_url + "y") != key and not is_keyed(article_url("1"))
    article_id = article_id_for(long_url)
    for when in (T1, T2):  # twice: the second write finds the row by the same key
        run = repo.start_run({}, site="lztz")
        result = repo.write_batch(run, [make_fetch(long_url, fetched_at=when, body=b"<p>l</p>",
                                                   registrations=(("icp", "桂ICP备1号"),))],
                                  [make_decision(long_url, article_id, fetched_at=when,
                                                 is_new=when == T1)])
        assert result.repaired == {key}
        repo.settle_article_ids(run, article_id_for)
        repo.finish_run(run, "success", {})
    assert scalars(engine, select(Url.url)) == [key]
    assert scalars(engine, select(Article.id)) == [article_id]  # not renamed by settling
    assert list(repo.url_memory(site="lztz")) == [key]


def test_a_version_is_written_only_when_title_or_body_changed(engine, repo):
    url, mobile = article_url("3700300"), article_url("3700300", "m")
    article_id = article_id_for(url)
    first = repo.start_run({}, site="lztz")
    repo.write_batch(first, [], [make_decision(mobile, article_id, fetched_at=T1,
                                               body="正文。", canonical_url=url)])
    # The same run meets another rendering with another body: crawl order, not an edit.
    same_run = repo.write_batch(first, [], [make_decision(
        url, article_id, fetched_at=T1, body="正文。更完整。", is_new=False, body_replaced=True)])
    assert same_run.edited == frozenset()
    repo.finish_run(first, "success", {})
    second = repo.start_run({}, site="lztz")
    # A later run: other images and source, same title and body: no version.
    unchanged = make_decision(url, article_id, fetched_at=T2, body="正文。更完整。",
                              is_new=False, body_replaced=True, source="另一来源")
    assert repo.write_batch(second, [], [unchanged]).edited == frozenset()
    edited = make_decision(url, article_id, fetched_at=T3, body="正文。已更正。", is_new=False,
                           body_replaced=True)
    assert repo.write_batch(second, [], [edited]).edited == {article_id}
    versions = scalars(engine, select(ArticleVersion.body_text))
    assert versions == ["正文。更完整。"]
    assert scalars(engine, select(Article.source)) == ["柳州1号"]
    assert scalars(engine, select(Article.updated_run_id)) == [second]


def test_ids_of_a_run_that_ended_without_settling_settle_after_the_next(engine, repo):
    url, alias = article_url("3700400"), article_url("3700400", "alias")
    failed = repo.start_run({}, site="lztz")
    # Stored under the id of the page met first, then the original became canonical.
    repo.write_batch(failed, [], [make_decision(url, article_id_for(alias), fetched_at=T1)])
    repo.finish_run(failed, "failed", {})  # killed before settling: no mark in its checks
    later = repo.start_run({}, site="lztz")
    assert repo.settle_article_ids(later, article_id_for) == 1
    assert scalars(engine, select(Article.id)) == [article_id_for(url)]
    checks = scalars(engine, select(CrawlRun.checks).where(CrawlRun.id == failed))
    assert '"ids_settled": true' in checks[0]
    assert repo.settle_article_ids(later, article_id_for) == 0


def test_storable_text_keeps_line_breaks_and_tabs() -> None:
    assert storable_text("a\tb\nc\r\nd\x00\x1b\x7f\x85e") == "a\tb\nc\r\nde"


def test_a_schema_creation_that_fails_half_way_leaves_nothing(db_url, monkeypatch):
    """A first run killed during schema creation (a full disk): all or nothing."""
    real = DefaultImpl.execute

    def execute(self, sql, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "CREATE VIEW v_crawl_runs" in str(sql):
            raise OperationalError(str(sql), {}, Exception("database or disk is full"))
        return real(self, sql, *args, **kwargs)

    monkeypatch.setattr(DefaultImpl, "execute", execute)
    engine = make_engine(db_url)
    try:
        with pytest.raises(OperationalError):
            ensure_schema(engine)
        assert inspect(engine).get_table_names() == []
        monkeypatch.setattr(DefaultImpl, "execute", real)
        ensure_schema(engine)  # the next run starts from an empty database
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_postgresql_keeps_times_as_timestamptz_and_gives_back_the_same_text(pg_url):
    engine = make_engine(pg_url)
    try:
        upgrade(engine, "0003")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO crawl_runs (started_at, finished_at, status, options, pages_fetched,"
                " articles_new, articles_updated, duplicates_merged, errors, counts, checks) "
                "VALUES (:t, NULL, 'running', '{}', 0, 0, 0, 0, 0, '{}', '{}')"), {"t": T1})
        upgrade(engine)
        with engine.connect() as connection:
            types = dict(connection.execute(text(
                "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND column_name LIKE '%\\_at'")).all())
            assert set(types.values()) == {"timestamp with time zone"}, types
            assert len(types) >= 25  # the tables' 18 and the views' times
            assert connection.scalar(select(CrawlRun.started_at)) == T1
        repo = Repository(engine)
        url = article_url("3700500")
        run = repo.start_run({}, site="lztz")
        repo.write_batch(run, [], [make_decision(url, article_id_for(url), fetched_at=T2)])
        with engine.connect() as connection:
            assert connection.execute(select(Article.published_at, Article.first_seen_at)
                                      ).one() == ("2026-02-25T17:44:00+08:00", T2)
            assert connection.scalar(select(func.count()).where(
                Article.published_at >= "2026-02-25T17:00:00+08:00")) == 1
        downgrade_to(engine, "0003")  # and back: the text of storage.timefmt again
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT published_at FROM articles")) == (
                "2026-02-25T17:44:00+08:00")
            assert connection.scalar(text("SELECT min(started_at) FROM crawl_runs")) == T1
    finally:
        engine.dispose()


def downgrade_to(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from storage.migrate import alembic_config

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def test_the_run_before_decides_how_deep_an_incremental_run_pages(repo):
    assert repo.previous_run_status(site="lztz") is None
    for status in ("partial", "success", "reprocessed"):
        repo.finish_run(repo.start_run({}, site="lztz"), status, {})
    # A reprocess fetched nothing; another site's run is another site's history.
    repo.finish_run(repo.start_run({}, site="other"), "failed", {})
    current = repo.start_run({}, site="lztz")
    assert repo.previous_run_status(current, site="lztz") == "success"
    assert pager_depth_after("success", 1) == 1 and pager_depth_after(None, 2) == 2
    for status in ("partial", "failed", "interrupted", "unhealthy", "blocked", "running"):
        assert pager_depth_after(status, 1) == 0  # every page of every column


def test_reprocess_of_a_misspelt_database_creates_nothing(tmp_path):
    from click.testing import CliRunner

    from liuzhou_spider.cli import main

    missing = tmp_path / "liuzhuo.db"
    result = CliRunner().invoke(main, ["reprocess", "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 1 and "no database at" in result.output
    assert not missing.exists()
