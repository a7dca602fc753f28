"""One database handle per crawl, shared by the pipeline steps that need it.

Deduplication reads what earlier runs stored and the storing step writes; both must use
the same engine and the same schema check, made once, before the first item, and the
same site: the crawl's profile names it, and everything the crawl reads or stores is
that site's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from scrapy.crawler import Crawler
from sqlalchemy.engine import Engine

from storage.db import default_url, make_engine
from storage.migrate import ensure_schema
from storage.repository import Repository


@dataclass
class Database:
    """The engine, repository and site of one crawl."""

    url: str
    engine: Engine
    repository: Repository
    site: str  # the profile name of the site crawled: "lztz"


def database_for(crawler: Crawler) -> Database:
    """The crawl's database, opened (and its schema checked) on first use."""
    existing = getattr(crawler, "_liuzhou_database", None)
    if existing is not None:
        return existing
    url = crawler.settings.get("LIUZHOU_DB") or os.environ.get("LIUZHOU_DB") or default_url()
    engine = make_engine(url)
    ensure_schema(engine)
    site = crawler.spider.profile.name  # type: ignore[union-attr]
    database = Database(url=url, engine=engine, repository=Repository(engine), site=site)
    crawler._liuzhou_database = database  # type: ignore[attr-defined]
    return database
