"""Reposts: one story's records on several sites, linked by deduplication's own rule.

Each site's articles are deduplicated among themselves only: a portal's copy of a story
is that portal's record, with its own URL, column and date.  Two records of different
sites are linked as one story when deduplication would have merged them had they been
of one site (``Deduplicator.match_known``: the same MinHash estimate, thresholds and
title/day evidence), so there is one similarity rule, not two.

After a run of a site, its links are computed again in both directions against every
other site (each site's articles are matched in the other's index), which makes linking
idempotent, follows edited articles and drops links to articles that are gone; storage
then joins the links into stories (``Repository.set_story_links``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Protocol

from liuzhou_spider.items import KnownArticle
from pipelines.dedup import DedupConfig, Deduplicator


class Repository(Protocol):
    """What linking reads and writes (``storage.repository.Repository`` has it): the
    step itself imports no storage."""

    def sites(self) -> list[str]: ...

    def load_known_articles(self, *, site: str) -> Iterator[KnownArticle]: ...

    def article_body(self, article_id: str) -> str | None: ...

    def set_story_links(self, site: str, links: Iterable[tuple[str, str]]) -> None: ...


def _index(repository: Repository, site: str, config: DedupConfig) -> Deduplicator:
    """Deduplication state of one site's stored articles, as a crawl of it loads it."""
    dedup = Deduplicator(config, bodies=repository.article_body)
    dedup.load(repository.load_known_articles(site=site))
    return dedup


def _matches(repository: Repository, dedup: Deduplicator, site: str
             ) -> Iterator[tuple[str, str]]:
    """(article of ``site``, article of the index it would merge into)."""
    for known in repository.load_known_articles(site=site):
        body = functools.partial(repository.article_body, known.article_id)
        match = dedup.match_known(known, body)
        if match is not None:
            yield known.article_id, match


def cross_site_links(repository: Repository, site: str, config: DedupConfig
                     ) -> set[tuple[str, str]]:
    """Every (article, linked article) pair between ``site`` and the other sites."""
    links: set[tuple[str, str]] = set()
    others = [other for other in repository.sites() if other != site]
    if not others:
        return links
    own = _index(repository, site, config)
    for other in others:
        links.update(_matches(repository, own, other))
        links.update(_matches(repository, _index(repository, other, config), site))
    return links


def link_stories(repository: Repository, site: str, config: DedupConfig) -> int:
    """Link ``site``'s articles with their reposts on other sites; returns the links."""
    links = cross_site_links(repository, site, config)
    repository.set_story_links(site, links)
    return len(links)
