"""What storage has to keep for deduplication to resume: ``KnownArticle`` from decisions.

The reference for ``storage.repository.Repository.load_known_articles``: given the
decisions of earlier runs in order, the articles it must return.  Tests and the portal
benchmark reload through it, so a difference with storage shows as a failing comparison
rather than as duplicate articles next week.
"""

from __future__ import annotations

from collections.abc import Iterable

from liuzhou_spider.items import KnownArticle, Member, MergeDecision
from pipelines.dedup.deduplicator import page_url


def known_articles(
    decisions: Iterable[MergeDecision], current_templates: frozenset[str]
) -> list[KnownArticle]:
    """One ``KnownArticle`` per article id: the latest canonical URL and content, every member."""
    canonical: dict[str, str] = {}
    content: dict[str, MergeDecision] = {}
    members: dict[str, dict[str, Member]] = {}
    for d in decisions:
        raw = d.article.raw
        url = page_url(raw)
        members.setdefault(d.article_id, {})[url] = Member(
            url, raw.docid, raw.rendering, raw.template in current_templates
        )
        if d.is_canonical:
            canonical[d.article_id] = url
        if d.body_replaced:
            content[d.article_id] = d
    return [
        KnownArticle(
            article_id=article_id,
            canonical_url=canonical[article_id],
            title=c.article.title,
            published_at=c.article.published_at,
            body_hash=c.body_hash,
            signature=c.signature,
            body_len=len(c.article.body_text),
            content_docid=c.article.raw.docid,
            members=list(members[article_id].values()),
        )
        for article_id, c in content.items()
    ]
