"""The ground truth of a generated portal: what a perfect crawl must store.

Written by the generator as ``ground_truth.json`` with in-site URLs as paths
(``/tzdt/...``) or with host tokens (``https://__ALIAS__/...``), because the port is
only known when the site is served; ``load_ground_truth`` makes them absolute.
The canonical choices follow "Canonical article rules" in docs/architecture.md, the
same rules deduplication applies, so a test can compare records field by field.

Several sites (``generate.build_sites``) have one ``ground_truth.json`` each, in which
a repost is an ordinary article of the reposting site, and a combined ``sites.json``::

    {"params": {"size": 150, "seed": 0, "revision": 1},
     "sites": {"lztz": {"dir": "lztz", "site_name": "中共柳州市委统战部",
                        "host": "www.lztz.gov.cn", "aliases": ["lztz.gov.cn"]},
               "lzgov": {...}},
     "reposts": [{"original": "lztz",            # the site that wrote the story
                  "first": "lztz",               # the earliest published_at (ties: the
                                                 #   smaller site key)
                  "articles": {"lzgov": "a000152", "lztz": "a000017"},   # record ids
                  "canonical_urls": {"lzgov": "/zwdt/bmdt/...", "lztz": "/tzdt/..."},
                  "published_at": {"lzgov": "...+08:00", "lztz": "...+08:00"},
                  "edits": {"lzgov": null}}]}    # per reposting site, read from the
                                                 #   records: null (same record but the
                                                 #   source line), "photos" (no photos),
                                                 #   "punctuation" (the body in half-width
                                                 #   punctuation) or "title" (reworded)

One record per story published on more than one site; a repost's body is its
original's, its source line credits the original site by name (``来源：柳州统战网``,
text, not a link), its date is one or two days later, so ``first`` is always the
original and no two sites' ``published_at`` tie (the tie rule is only a definition).
``load_sites_truth`` makes the canonical URLs absolute on each site's server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from liuzhou_spider.portal.links import ALIAS, PRIMARY


@dataclass(frozen=True)
class PageRef:
    """What the canonical rules need to know about one article page."""

    path: str
    docid: int
    current: bool  # the current template (topic pages count as current)
    body_len: int


def url_rank(page: PageRef) -> tuple[bool, int, int, str]:
    """Canonical-URL order: current template, oldest docid, shortest path, smallest URL."""
    return (not page.current, page.docid, len(page.path), page.path)


def canonical_page(pages: list[PageRef]) -> PageRef:
    """The page whose URL stands for the article."""
    return min(pages, key=url_rank)


def content_page(pages: list[PageRef]) -> PageRef:
    """The most recent complete version: largest docid among bodies >= 90% of the longest."""
    longest = max(p.body_len for p in pages)
    complete = [p for p in pages if p.body_len >= 0.9 * longest]
    newest = max(p.docid for p in complete)
    return min((p for p in complete if p.docid == newest), key=url_rank)


@dataclass
class GroundTruth:
    """Everything ``ground_truth.json`` holds (see README.md for each field)."""

    params: dict[str, int]
    articles: list[dict[str, Any]]
    pages: list[dict[str, Any]]
    lookalike_pairs: list[list[str]]
    registrations: dict[str, dict[str, Any]]
    robots_disallowed: list[str]
    column_urls: list[str]
    list_page_urls: list[str]
    pager_only_article_urls: list[str]
    dead_links: list[str]
    redirects: dict[str, str]
    changes: dict[str, list[str]] | None = None
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON document (fields hold JSON values already: no deep copy needed)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "_index"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroundTruth:
        return cls(**data)

    def article_for(self, url: str) -> dict[str, Any] | None:
        """The article a URL (any of its urls or variant_urls) belongs to."""
        if not self._index:
            for article in self.articles:
                for known in (*article["urls"], *article["variant_urls"]):
                    self._index[known] = article
        return self._index.get(url)


def _absolute(url: str, base: str, primary: str, alias: str) -> str:
    if url.startswith("/"):
        return base + url
    return url.replace(PRIMARY, primary).replace(ALIAS, alias)


def absolutize(truth: GroundTruth, base_url: str, alias_base_url: str) -> GroundTruth:
    """A copy of ``truth`` whose in-site URLs are absolute on the served hosts."""
    base = base_url.rstrip("/")
    primary, alias = urlsplit(base_url).netloc, urlsplit(alias_base_url).netloc

    def fix(url: str) -> str:
        return _absolute(url, base, primary, alias)

    articles = []
    for record in truth.articles:
        record = dict(record)
        record["canonical_url"] = fix(record["canonical_url"])
        for key in ("urls", "variant_urls"):
            record[key] = [fix(u) for u in record[key]]
        for key in ("images", "attachments"):
            record[key] = [{**item, "url": fix(item["url"])} for item in record[key]]
        articles.append(record)
    changes = None
    if truth.changes is not None:
        changes = {kind: [fix(u) for u in urls] for kind, urls in truth.changes.items()}
    return GroundTruth(
        params=truth.params,
        articles=articles,
        pages=[{**page, "url": fix(page["url"])} for page in truth.pages],
        lookalike_pairs=truth.lookalike_pairs,
        registrations=truth.registrations,
        robots_disallowed=truth.robots_disallowed,
        column_urls=[fix(u) for u in truth.column_urls],
        list_page_urls=[fix(u) for u in truth.list_page_urls],
        pager_only_article_urls=[fix(u) for u in truth.pager_only_article_urls],
        dead_links=[fix(u) for u in truth.dead_links],
        redirects={fix(k): fix(v) for k, v in truth.redirects.items()},
        changes=changes,
    )


def load_ground_truth(out_dir: Path, base_url: str, alias_base_url: str) -> GroundTruth:
    """``out_dir/ground_truth.json`` with absolute URLs for a server at ``base_url``."""
    data = json.loads((Path(out_dir) / "ground_truth.json").read_text(encoding="utf-8"))
    return absolutize(GroundTruth.from_json(data), base_url, alias_base_url)


@dataclass
class SitesTruth:
    """The truths of several sites served at once, and the stories they share."""

    sites: dict[str, GroundTruth]
    reposts: list[dict[str, Any]]
    params: dict[str, int]


def load_sites_truth(out_dir: Path, served: dict[str, tuple[str, str]]) -> SitesTruth:
    """``out_dir/sites.json`` and each site's truth, with absolute URLs.

    ``served``: site key → (base URL, alias base URL) of the server of that site.
    """
    data = json.loads((Path(out_dir) / "sites.json").read_text(encoding="utf-8"))
    missing = sorted(set(data["sites"]) - set(served))
    if missing:
        raise ValueError(f"no server given for site(s) {', '.join(missing)}")
    sites = {
        key: load_ground_truth(Path(out_dir) / info["dir"], *served[key])
        for key, info in data["sites"].items()
    }
    reposts = []
    for record in data["reposts"]:
        urls = {
            key: _absolute(url, served[key][0].rstrip("/"), urlsplit(served[key][0]).netloc,
                           urlsplit(served[key][1]).netloc)
            for key, url in record["canonical_urls"].items()
        }
        reposts.append({**record, "canonical_urls": urls})
    return SitesTruth(sites=sites, reposts=reposts, params=data["params"])
