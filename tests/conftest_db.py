"""Database fixtures: every storage test runs on SQLite and on PostgreSQL.

SQLite lives in a temporary file; PostgreSQL tests each get their own schema on the
server named by ``LIUZHOU_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``),
dropped afterwards.  Without a server they skip, saying how to point them at one; with
``LIUZHOU_REQUIRE_PG=1`` (CI) an unreachable server fails them instead.

Also the builders of records (fetches, decisions) and one small crawl history that the
view, export and analyst-query tests share.
"""

from __future__ import annotations

import functools
import hashlib
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from liuzhou_spider.items import (
    Attachment,
    CleanArticle,
    Image,
    MergeDecision,
    PageFetch,
    RawArticle,
    Registration,
)
from storage.db import DatabaseUnavailable, make_engine, normalize_url
from storage.migrate import upgrade
from storage.repository import Repository

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
INJECTION = "x'; DROP TABLE articles; --"


def pg_base_url() -> str:
    """The server the PostgreSQL tests use."""
    return os.environ.get("LIUZHOU_TEST_PG_URL") or PG_DEFAULT


@functools.cache
def _pg_unreachable_reason(url: str) -> str | None:
    """Why the server cannot be used, or None; asked once per session, not per test."""
    try:
        make_engine(url).dispose()
    except DatabaseUnavailable as exc:
        return str(exc)
    return None


def _pg_schema_url() -> Iterator[str]:
    """A URL whose connections work in a fresh schema, dropped after the test."""
    reason = _pg_unreachable_reason(pg_base_url())
    if reason is not None:
        message = (f"PostgreSQL not reachable ({reason}); set LIUZHOU_TEST_PG_URL="
                   "postgresql://user@host:port/db to run these tests")
        if os.environ.get("LIUZHOU_REQUIRE_PG") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    admin = make_engine(pg_base_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = normalize_url(pg_base_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _url_for(kind: str, tmp_path: object) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path}/liuzhou-test.db"
    else:
        yield from _pg_schema_url()


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """An empty database (no schema) on each backend."""
    yield from _url_for(request.param, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head."""
    eng = make_engine(db_url)
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def repo(engine: Engine) -> Repository:
    return Repository(engine)


# -- record builders -------------------------------------------------------------------

BASE = "https://www.lztz.gov.cn"


def article_url(docid: str, column: str = "tzdt/szjj", day: str = "20260225") -> str:
    return f"{BASE}/{column}/{day[:6]}/t{day}_{docid}.html"


def make_fetch(url: str, *, canonical_url: str | None = None, fetched_at: str,
               status: int = 200, kind: str = "article", body: bytes = b"",
               etag: str | None = None, last_modified: str | None = None,
               registrations: tuple[tuple[str, str], ...] = (), not_modified: bool = False,
               gone: bool = False, template: str = "current") -> PageFetch:
    return PageFetch(
        url=url, canonical_url=canonical_url or url, fetched_at=fetched_at, status=status,
        kind=kind, template=template, etag=etag, last_modified=last_modified,
        content_hash=hashlib.sha256(body).hexdigest() if body else None,
        headers={"Content-Type": "text/html"} if body else {}, body=body,
        registrations=[Registration(k, v) for k, v in registrations],  # type: ignore[arg-type]
        not_modified=not_modified, gone=gone,
    )


def make_decision(url: str, article_id: str, *, fetched_at: str, title: str = "标题",
                  body: str = "正文第一段。\n正文第二段。", column: tuple[str, ...] = ("统战动态",),
                  published_at: str | None = "2026-02-25T17:44:00+08:00",
                  canonical_url: str | None = None, is_new: bool = True,
                  is_canonical: bool = True, body_replaced: bool = False,
                  similarity: float = 1.0, docid: str | None = None,
                  source: str | None = "柳州1号", rendering: str = "article") -> MergeDecision:
    raw = RawArticle(url=url, canonical_url=canonical_url or url, fetched_at=fetched_at,
                     status=200, template="current", rendering=rendering,  # type: ignore[arg-type]
                     docid=docid or url.rsplit("_", 1)[-1].split(".")[0])
    clean = CleanArticle(
        raw=raw, title=title, published_at=published_at,
        published_precision="datetime" if published_at else None, source=source,
        column=list(column), body_text=body, body_html="".join(f"<p>{p}</p>" for p in
                                                               body.split("\n")),
        images=[Image(f"{BASE}/img/{article_id}.jpg", "大会现场。")],
        attachments=[Attachment(f"{BASE}/files/{article_id}.pdf", "附件")],
    )
    return MergeDecision(
        article=clean, article_id=article_id, is_new_article=is_new, similarity=similarity,
        is_canonical=is_canonical, body_replaced=body_replaced,
        signature=hashlib.md5(body.encode()).digest(),
        body_hash=hashlib.sha256(body.encode()).hexdigest(),
    )


# -- one small crawl history, shared by view, export and analyst-query tests ------------

A_URL = article_url("3712345", "tzdt/szjj/bs")
A_CROSS = article_url("3712345", "tzdt/szjj")
A_ALIAS = "http://lztz.gov.cn/tzdt/szjj/bs/202602/t20260225_3712345.html?from=timeline"
B_URL = article_url("3700001", "gzsx", "20260110")
B_NEW = article_url("3700009", "gzsx", "20260112")
C_URL = article_url("1851159", "xshjc/gzdt", "20200731")
COLUMN_PAGE = f"{BASE}/tzdt/"
HOME = f"{BASE}/"


def history() -> list[tuple[list[PageFetch], list[MergeDecision]]]:
    """The batches of two runs: three articles, a cross-post, an alias, a newer version,
    a page gone, two ICP and two public-security numbers."""
    t1 = "2026-03-01T02:00:00+00:00"
    t2 = "2026-03-08T02:00:00+00:00"
    return [([
        make_fetch(HOME, fetched_at=t1, kind="column", body=b"<html>home</html>",
                   registrations=(("icp", "桂ICP备19011773号"),
                                  ("psb", "桂公网安备45020502000153号"))),
        make_fetch(COLUMN_PAGE, fetched_at=t1, kind="column", body=b"<html>list</html>",
                   registrations=(("icp", "桂ICP备19011773号"),
                                  ("psb", "桂公网安备45020502000153号"))),
        make_fetch(A_URL, fetched_at=t1, body=b"<html>a</html>", etag='"a1"',
                   registrations=(("icp", "桂ICP备19011773号"), ("icp", "桂ICP备05009280号"),
                                  ("psb", "桂公网安备45020502000153号"),
                                  ("psb", "桂公网安备45020502000013号"))),
        make_fetch(A_CROSS, fetched_at=t1, body=b"<html>a2</html>"),
        make_fetch(B_URL, fetched_at=t1, body=b"<html>b</html>"),
        make_fetch(C_URL, fetched_at=t1, body=b"<html>c</html>", template="legacy"),
    ], [
        make_decision(A_URL, "aaaaaaaaaaaaaaaa", fetched_at=t1,
                      title="张壮在柳州市2026年新春第一会上强调",
                      column=("统战动态", "时政聚焦", "本市"),
                      body="南国春来早，人勤地生宝。\n大会现场。"),
        make_decision(A_CROSS, "aaaaaaaaaaaaaaaa", fetched_at=t1, is_new=False,
                      is_canonical=False, similarity=0.96875,
                      title="张壮在柳州市2026年新春第一会上强调", column=("统战动态", "时政聚焦")),
        make_decision(B_URL, "bbbbbbbbbbbbbbbb", fetched_at=t1, title="工作会议",
                      column=("工作时讯",), body="要统一思想抓落实。",
                      published_at="2026-01-10T09:00:00+08:00"),
        make_decision(C_URL, "cccccccccccccccc", fetched_at=t1, title=INJECTION,
                      column=("新时代", "工作动态"), body=f"正文 {INJECTION}",
                      published_at="2020-07-31", source=None),
    ]), ([
        make_fetch(A_ALIAS, canonical_url=A_URL, fetched_at=t2, body=b"<html>a</html>"),
        make_fetch(B_NEW, fetched_at=t2, body=b"<html>b2</html>"),
        make_fetch(B_URL, fetched_at=t2, status=404, gone=True),
    ], [
        make_decision(A_ALIAS, "aaaaaaaaaaaaaaaa", canonical_url=A_URL, fetched_at=t2,
                      is_new=False, is_canonical=False, similarity=1.0,
                      title="张壮在柳州市2026年新春第一会上强调"),
        make_decision(B_NEW, "bbbbbbbbbbbbbbbb", fetched_at=t2, title="工作会议（更正）",
                      column=("工作时讯",), body="要统一思想抓落实。新增一行。", is_new=False,
                      is_canonical=False, body_replaced=True, similarity=0.8125,
                      published_at="2026-01-12T10:30:00+08:00"),
    ])]


def populate(repo: Repository) -> dict[str, int]:
    """Store ``history()`` as two finished runs; return their ids."""
    first, second = history()
    run1 = repo.start_run({"max_pages": None}, site="lztz")
    repo.write_batch(run1, *first)
    repo.finish_run(run1, "success", {"pages_fetched": 6, "articles_new": 3,
                                      "duplicates_merged": 1, "errors": 0})
    run2 = repo.start_run({"max_pages": 10}, site="lztz")
    repo.write_batch(run2, *second)
    repo.finish_run(run2, "partial", {"pages_fetched": 3, "articles_updated": 1,
                                      "duplicates_merged": 2, "errors": 1})
    return {"run1": run1, "run2": run2}


@pytest.fixture
def sqlite_and_pg(tmp_path: object) -> Iterator[tuple[Engine, Engine]]:
    """Both backends at once, migrated, for tests that compare their answers."""
    pg = _pg_schema_url()
    engines = [make_engine(f"sqlite:///{tmp_path}/both.db"), make_engine(next(pg))]
    try:
        for eng in engines:
            upgrade(eng)
        yield engines[0], engines[1]
    finally:
        for eng in engines:
            eng.dispose()
        pg.close()


@pytest.fixture(scope="module", params=DATABASES)
def populated(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database holding ``history()``, shared read-only by the tests of one module."""
    urls = _url_for(request.param, tmp_path_factory.mktemp("populated"))
    eng = make_engine(next(urls))
    try:
        upgrade(eng)
        populate(Repository(eng))
        yield eng
    finally:
        eng.dispose()
        urls.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The PostgreSQL server alone (skipped, or failed in CI, when unreachable)."""
    yield from _pg_schema_url()
