"""Engines, migrations, constraints and the storing step, on SQLite and PostgreSQL."""

from __future__ import annotations

import zlib

import pytest
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import DatabaseUnavailable, default_url, make_engine, normalize_url
from storage.migrate import (
    SchemaError,
    SchemaOutdated,
    current_revision,
    ensure_schema,
    head_revision,
    upgrade,
)
from storage.models import (
    Article,
    ArticleColumn,
    ArticleVersion,
    CrawlRun,
    Fetch,
    PageContent,
    RegistrationObservation,
    Url,
)
from tests.conftest_db import (
    A_ALIAS,
    A_CROSS,
    A_URL,
    B_NEW,
    B_URL,
    INJECTION,
    article_url,
    history,
    make_decision,
    make_fetch,
    populate,
)
from tests.sites import LZTZ

T1 = "2026-03-01T10:00:00+08:00"  # stored as 02:00 UTC
T2 = "2026-03-08T02:00:00+00:00"
VIEWS = {"v_articles", "v_article_urls", "v_registrations", "v_crawl_runs"}


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: what "changes nothing" compares."""
    with engine.connect() as connection:
        return {
            table: sorted(
                tuple(str(v) for v in row)
                for row in connection.execute(text(f"SELECT * FROM {table}"))
            )
            for table in inspect(engine).get_table_names()
        }


# -- engines ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [
    "postgresql://user@db.example/liuzhou", "postgres://user@db.example/liuzhou",
    "postgresql+psycopg2://user@db.example/liuzhou",
])
def test_postgresql_urls_as_users_type_them_get_psycopg3(typed):
    assert normalize_url(typed).drivername == "postgresql+psycopg"
    assert make_engine(typed, check=False).dialect.driver == "psycopg"


def test_default_url_reads_liuzhou_db(monkeypatch):
    monkeypatch.delenv("LIUZHOU_DB", raising=False)
    assert default_url() == "sqlite:///liuzhou.db"
    monkeypatch.setenv("LIUZHOU_DB", "postgresql://me@host/db")
    assert default_url() == "postgresql://me@host/db"


def test_sqlite_connections_have_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_unreachable_server_is_a_clear_error_without_the_password():
    with pytest.raises(DatabaseUnavailable) as caught:
        make_engine("postgresql://someone:s3cret@127.0.0.1:1/nowhere")
    message = str(caught.value)
    assert "cannot open the database" in message and "127.0.0.1:1" in message
    assert "s3cret" not in message


def test_sqlite_in_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="cannot open the database"):
        make_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")


# -- migrations ------------------------------------------------------------------------


def test_empty_database_gets_the_schema_then_is_accepted(db_url):
    engine = make_engine(db_url)
    try:
        ensure_schema(engine)
        assert current_revision(engine) == head_revision()
        inspector = inspect(engine)
        assert {"articles", "urls", "article_versions", "crawl_runs", "page_contents",
                "registration_observations"} <= set(inspector.get_table_names())
        assert set(inspector.get_view_names()) >= VIEWS
        ensure_schema(engine)  # current: nothing to do
    finally:
        engine.dispose()


def test_older_schema_stops_the_crawl_and_names_the_command(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0001")
        with pytest.raises(SchemaOutdated, match="liuzhou db upgrade"):
            ensure_schema(engine)
        assert current_revision(engine) == "0001"  # never migrated silently
        upgrade(db_url)  # what `liuzhou db upgrade` does, from a URL
        ensure_schema(engine)
        assert set(inspect(engine).get_view_names()) >= VIEWS
    finally:
        engine.dispose()


def test_foreign_tables_without_a_version_are_refused(db_url):
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE somebody_elses (id INTEGER PRIMARY KEY)"))
        with pytest.raises(SchemaError, match="somebody_elses"):
            ensure_schema(engine)
    finally:
        engine.dispose()


def test_downgrade_to_nothing_and_back(engine):
    from alembic import command

    from storage.migrate import alembic_config

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(inspect(engine).get_view_names()) >= VIEWS


# -- constraints -----------------------------------------------------------------------


def test_constraints_make_bad_states_impossible(engine, repo):
    run = repo.start_run({}, site="lztz")
    repo.write_batch(run, [], [
        make_decision(A_URL, "aaaaaaaaaaaaaaaa", fetched_at=T1),
        make_decision(A_CROSS, "aaaaaaaaaaaaaaaa", fetched_at=T1, is_new=False,
                      is_canonical=False, similarity=0.9),
        make_decision(B_URL, "bbbbbbbbbbbbbbbb", fetched_at=T1, body="另一篇"),
    ])
    bad_updates = [
        update(Article).where(Article.id == "bbbbbbbbbbbbbbbb").values(canonical_url=A_URL),
        update(Url).where(Url.url == A_CROSS).values(is_canonical=True),
        update(Url).where(Url.url == A_CROSS).values(article_id="does-not-exist"),
        update(Url).where(Url.url == A_CROSS).values(similarity=1.5),
        update(Url).where(Url.url == A_CROSS).values(article_id=None, is_canonical=True),
        update(RegistrationObservation).values(kind="xyz"),
    ]
    with Session(engine) as session, session.begin():
        session.add(RegistrationObservation(site="lztz", kind="icp", value="v", url=A_URL,
                                            first_seen_at=T2, last_seen_at=T2))
    for statement in bad_updates:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(statement)


# -- the storing step ------------------------------------------------------------------


def test_batch_stores_article_url_memory_raw_bytes_and_observations(engine, repo):
    run = repo.start_run({"full": False}, site="lztz")
    body = "<html>页面</html>".encode()
    repo.write_batch(run, [
        make_fetch(A_URL, fetched_at=T1, body=body, etag='"e1"', last_modified="Sun, 01 Mar 2026",
                   registrations=(("icp", "桂ICP备19011773号"), ("icp", "桂ICP备19011773号"),
                                  ("psb", "桂公网安备45020502000153号"))),
    ], [make_decision(A_URL, "aaaaaaaaaaaaaaaa", fetched_at=T1, column=("统战动态", "本市"))])
    with Session(engine) as session:
        article = session.get_one(Article, "aaaaaaaaaaaaaaaa")
        assert (article.canonical_url, article.column_path) == (A_URL, "统战动态 > 本市")
        assert article.first_seen_at == "2026-03-01T02:00:00+00:00"
        assert article.last_seen_at == article.first_seen_at
        assert article.published_at == "2026-02-25T17:44:00+08:00"
        assert article.created_run_id == run
        url = session.get_one(Url, A_URL)
        assert (url.article_id, url.is_canonical, url.similarity) == (article.id, True, 1.0)
        assert (url.status, url.etag, url.last_modified) == (200, '"e1"', "Sun, 01 Mar 2026")
        page = session.get_one(PageContent, url.content_hash)
        assert zlib.decompress(page.body) == body and page.size == len(body)
        assert sorted(session.scalars(select(RegistrationObservation.kind))) == ["icp", "psb"]
        assert session.scalar(select(func.count()).select_from(Fetch)) == 1
    assert repo.page_content(url.content_hash) == (body, {"Content-Type": "text/html"})
    memory = repo.url_memory(site="lztz")[A_URL]
    assert (memory.etag, memory.status, memory.article_id) == ('"e1"', 200, "aaaaaaaaaaaaaaaa")


def test_writing_the_same_batches_again_changes_nothing(engine, repo):
    ids = populate(repo)
    before = snapshot(engine)
    for run, batch in zip((ids["run1"], ids["run2"]), history(), strict=True):
        repo.write_batch(run, *batch)  # replayed late, after the newer batch
    for run, batch in zip((ids["run1"], ids["run2"]), history(), strict=True):
        repo.write_batch(run, *batch)
    assert snapshot(engine) == before


def test_newer_version_keeps_the_old_body_and_replaces_content(engine, repo):
    populate(repo)
    with Session(engine) as session:
        article = session.get_one(Article, "bbbbbbbbbbbbbbbb")
        assert article.title == "工作会议（更正）"
        assert article.body_text == "要统一思想抓落实。新增一行。"
        assert article.canonical_url == B_URL  # the oldest docid stays canonical
        assert article.content_url == B_NEW and article.content_docid == "3700009"
        (version,) = session.scalars(select(ArticleVersion)).all()
        assert (version.article_id, version.title, version.body_text) == (
            "bbbbbbbbbbbbbbbb", "工作会议", "要统一思想抓落实。")
        assert version.content_url == B_URL


def test_canonical_url_moves_and_url_flags_follow(engine, repo):
    populate(repo)
    run = repo.start_run({}, site="lztz")
    repo.write_batch(run, [], [make_decision(
        A_CROSS, "aaaaaaaaaaaaaaaa", fetched_at=T2, is_new=False, is_canonical=True,
        title="张壮在柳州市2026年新春第一会上强调", column=("统战动态", "时政聚焦"),
    )])
    with Session(engine) as session:
        assert session.get_one(Article, "aaaaaaaaaaaaaaaa").canonical_url == A_CROSS
        flags = dict(session.execute(
            select(Url.url, Url.is_canonical).where(Url.article_id == "aaaaaaaaaaaaaaaa")
        ).all())
    assert flags == {A_CROSS: True, A_URL: False, A_ALIAS: False}


def test_gone_and_not_modified_fetches_update_the_memory(engine, repo):
    populate(repo)
    memory = repo.url_memory(site="lztz")
    assert memory[B_URL].gone_at == "2026-03-08T02:00:00+00:00"
    assert memory[B_URL].status == 404
    run = repo.start_run({}, site="lztz")
    later = "2026-03-15T02:00:00+00:00"
    repo.write_batch(run, [
        make_fetch(A_URL, fetched_at=later, status=304, not_modified=True),
        make_fetch(B_URL, fetched_at=later, body=b"<html>back</html>"),
    ], [])
    memory = repo.url_memory(site="lztz")
    assert memory[A_URL].etag == '"a1"' and memory[A_URL].status == 200
    assert memory[A_URL].content_hash is not None
    assert memory[B_URL].gone_at is None and memory[B_URL].status == 200
    # An older batch replayed late never overwrites newer memory.
    repo.write_batch(run, [make_fetch(A_URL, fetched_at=T1, status=500)], [])
    assert repo.url_memory(site="lztz")[A_URL].status == 200


def test_runs_record_counts_and_a_dead_run_becomes_interrupted(engine, repo):
    ids = populate(repo)
    crashed = repo.start_run({"jobdir": "x"}, site="lztz")
    with engine.begin() as connection:
        connection.execute(update(CrawlRun).where(CrawlRun.id == crashed).values(pid=2**22 + 7))
    alive = repo.start_run({}, site="lztz")  # this process: still running
    assert repo.mark_interrupted_runs() == 1
    with engine.connect() as connection:
        rows = {r.run_id: r for r in connection.execute(text("SELECT * FROM v_crawl_runs"))}
    assert rows[crashed].status == "interrupted" and rows[crashed].finished_at is not None
    assert rows[alive].status == "running" and rows[alive].finished_at is None
    assert (rows[ids["run2"]].status, rows[ids["run2"]].articles_updated,
            rows[ids["run2"]].errors) == ("partial", 1, 1)


def test_a_failed_batch_loses_nothing_committed_before_it(engine, repo):
    run = repo.start_run({}, site="lztz")
    repo.write_batch(run, [make_fetch(A_URL, fetched_at=T1, body=b"a")],
                     [make_decision(A_URL, "aaaaaaaaaaaaaaaa", fetched_at=T1)])
    before = snapshot(engine)
    clash = make_decision(B_URL, "bbbbbbbbbbbbbbbb", fetched_at=T2, canonical_url=A_URL)
    with pytest.raises(IntegrityError):  # a second article claiming A's canonical URL
        repo.write_batch(run, [make_fetch(B_URL, fetched_at=T2, body=b"b")], [clash])
    assert snapshot(engine) == before
    repo.finish_run(run, "failed", {"errors": 1})
    with Session(engine) as session:
        assert session.get_one(CrawlRun, run).status == "failed"
        assert session.get(Article, "aaaaaaaaaaaaaaaa") is not None


def test_known_articles_stream_back_with_their_members(repo):
    populate(repo)
    printed = A_URL.replace(".html", "_print.html")
    repo.write_batch(repo.start_run({}, site="lztz"), [], [make_decision(
        printed, "aaaaaaaaaaaaaaaa", canonical_url=A_URL, fetched_at=T2, is_new=False,
        is_canonical=False, rendering="print", docid="3712345",
        title="张壮在柳州市2026年新春第一会上强调")])
    known = {k.article_id: k for k in repo.load_known_articles(LZTZ.current_templates,
                                                               site="lztz")}
    assert set(known) == {"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"}
    a = known["aaaaaaaaaaaaaaaa"]
    assert a.canonical_url == A_URL and a.body_len == len("南国春来早，人勤地生宝。\n大会现场。")
    assert isinstance(a.signature, bytes) and len(a.signature) == 16
    # The alias folds into A_URL; the print rendering is known by its own URL.
    assert {(m.url, m.rendering) for m in a.members} == {
        (A_URL, "article"), (A_CROSS, "article"), (printed, "print")}
    assert all(m.template_current for m in a.members)
    b = known["bbbbbbbbbbbbbbbb"]
    assert b.content_docid == "3700009" and {m.docid for m in b.members} == {"3700001", "3700009"}


def test_reconciled_verdicts_show_in_the_view(engine, repo):
    from pipelines.reconcile import reconcile

    populate(repo)
    observations = list(repo.registration_observations(site="lztz"))
    assert {(o.kind, o.value) for o in observations} == {
        ("icp", "桂ICP备19011773号"), ("icp", "桂ICP备05009280号"),
        ("psb", "桂公网安备45020502000153号"), ("psb", "桂公网安备45020502000013号")}
    # Grouped by kind, as it returns.
    repo.set_registration_verdicts(reconcile(observations, LZTZ.current_templates),
                                   site="lztz")
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT kind, value, page_count, is_canonical FROM v_registrations "
            "ORDER BY kind, value"
        )).all()
    assert [tuple(r) for r in rows] == [
        ("icp", "桂ICP备05009280号", 1, 0), ("icp", "桂ICP备19011773号", 3, 1),
        ("psb", "桂公网安备45020502000013号", 1, 0), ("psb", "桂公网安备45020502000153号", 3, 1)]
    # A flat iterable works too; verdicts are replaced.
    repo.set_registration_verdicts([], site="lztz")
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT max(is_canonical) FROM v_registrations")) == 0


def test_scraped_sql_is_stored_literally(engine, repo):
    evil_url = article_url("9999999") + "?q=" + INJECTION
    run = repo.start_run({"note": INJECTION}, site="lztz")
    repo.write_batch(run, [make_fetch(evil_url, fetched_at=T1, body=INJECTION.encode(),
                                      registrations=(("icp", INJECTION),))],
                     [make_decision(evil_url, "eeeeeeeeeeeeeeee", fetched_at=T1, title=INJECTION,
                                    body=INJECTION, column=(INJECTION,), source=INJECTION)])
    with Session(engine) as session:
        article = session.get_one(Article, "eeeeeeeeeeeeeeee")
        assert (article.title, article.body_text, article.source) == (INJECTION,) * 3
        assert article.column_path == INJECTION and article.canonical_url == evil_url
    assert {"articles", "urls"} <= set(inspect(engine).get_table_names())
    assert next(repo.registration_observations(site="lztz")).value == INJECTION


def test_migrations_build_exactly_the_models(engine):
    """A model change without a new revision shows up here, on either database."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from storage.models import Base
    from storage.search import include_name

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []


def test_one_sqlite_file_is_one_lock_key_however_it_is_spelt(tmp_path, monkeypatch):
    from liuzhou_spider.runner import lock_key

    (tmp_path / "x").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "x")
    monkeypatch.chdir(tmp_path)
    spellings = [
        f"sqlite:///{tmp_path}/x/crawl.db", f"sqlite:///{tmp_path}/x/crawl.db?timeout=30",
        "sqlite:///x/crawl.db", "sqlite:///./x/../x/crawl.db?timeout=30",
        f"sqlite:///{tmp_path}/link/crawl.db", "sqlite+pysqlite:///x/crawl.db",
    ]
    assert {lock_key(url) for url in spellings} == {f"sqlite:{tmp_path}/x/crawl.db"}
    assert lock_key("sqlite:///x/other.db") != lock_key(spellings[0])
    server = {lock_key("postgresql://u:secret@DB.example:5432/crawl?connect_timeout=3"),
              lock_key("postgresql+psycopg://other@db.example/crawl")}
    assert server == {"postgresql://db.example:5432/crawl"}


def test_a_second_crawl_on_the_same_file_spelt_otherwise_is_locked_out(tmp_path, monkeypatch):
    from liuzhou_spider.runner import CrawlOptions, Locked, run_lock

    monkeypatch.chdir(tmp_path)
    first = CrawlOptions(db_url="sqlite:///crawl.db")
    second = CrawlOptions(db_url=f"sqlite:///{tmp_path}/crawl.db?timeout=30")
    with run_lock(first), pytest.raises(Locked), run_lock(second):
        pass


def test_settled_columns_complete_the_stored_path_where_it_is_still_the_one_given(engine, repo):
    run = repo.start_run({"full": False}, site="lztz")
    repo.write_batch(run, [make_fetch(A_URL, fetched_at=T1), make_fetch(B_URL, fetched_at=T1)], [
        make_decision(A_URL, "aaaaaaaaaaaaaaaa", fetched_at=T1, column=("民主党派",)),
        make_decision(B_URL, "bbbbbbbbbbbbbbbb", fetched_at=T1, column=("工商联",)),
    ])
    changed = repo.settle_columns({
        A_URL: (["民主党派"], ["党派团体", "民主党派"]),
        B_URL: (["另一个"], ["党派团体", "另一个"]),  # stored path differs: left alone
    }, site="lztz")
    assert changed == 1
    with Session(engine) as session:
        assert session.get_one(Article, "aaaaaaaaaaaaaaaa").column_path == "党派团体 > 民主党派"
        assert session.get_one(Article, "bbbbbbbbbbbbbbbb").column_path == "工商联"
        levels = session.execute(select(ArticleColumn.level, ArticleColumn.name).where(
            ArticleColumn.article_id == "aaaaaaaaaaaaaaaa").order_by(ArticleColumn.level)).all()
        assert [tuple(r) for r in levels] == [(0, "党派团体"), (1, "民主党派")]
    # Another site's articles are not touched.
    assert repo.settle_columns({A_URL: (["党派团体", "民主党派"], ["x"])}, site="lzgov") == 0
