"""Stories from links: the connected groups of linked articles, first publisher first.

A story is every article reachable through links (a repost of a repost is the same
story).  Its members are ordered by publication time (none last), then first sighting,
site and id, so the order never depends on the order links were found in; the story is
named after its first member, the first publisher.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple


class Member(NamedTuple):
    """What orders an article within its story (times in their stored shape, which sorts
    chronologically)."""

    published_at: str | None
    first_seen_at: str
    site: str
    article_id: str

    def order(self) -> tuple[bool, str, str, str, str]:
        return (self.published_at is None, self.published_at or "", self.first_seen_at,
                self.site, self.article_id)


def stories(links: Iterable[tuple[str, str]], members: Mapping[str, Member]
            ) -> list[tuple[str, str, int]]:
    """(article id, story id, position from 1) of every linked article."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[str, list[Member]] = {}
    for node in parent:
        groups.setdefault(root(node), []).append(members[node])
    rows = []
    for group in groups.values():
        ordered = sorted(group, key=Member.order)
        story_id = ordered[0].article_id
        rows += [(m.article_id, story_id, position)
                 for position, m in enumerate(ordered, start=1)]
    return rows
