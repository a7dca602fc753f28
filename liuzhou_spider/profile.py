"""The site profile: everything the crawler knows about one portal, as one value.

The spider holds only the crawl strategy and page parsing only generic rules; what is
particular to a portal (hosts, start pages, URL shape, tracking parameters, selectors of
its templates, its names, chrome words, column names, filing numbers) is a profile.
Profiles are data: ``liuzhou_spider.sites`` reads them from TOML files (docs/profiles.md)
on the generic TRS base; this module is only their type, so page parsing and the pure
steps can take a profile without knowing where profiles come from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Template:
    """CSS selectors of one known page template; the first that matches wins."""

    name: str
    detect: str  # CSS selector present only on this template's article pages
    body: tuple[str, ...]  # body region candidates, most specific first
    title: tuple[str, ...] = ()
    info: tuple[str, ...] = ()  # the "发布日期 … 来源 …" line
    breadcrumb: tuple[str, ...] = ()
    current: bool = True  # the site's current design (preferred as canonical)


@dataclass(frozen=True)
class SiteProfile:
    """Hosts, URL shape, selectors and vocabulary of one portal."""

    name: str  # the registry's key: ``--site NAME``
    site_name: str  # the portal's own name, as its pages state it
    start_urls: tuple[str, ...]
    hosts: tuple[str, ...]  # the primary host first: "host" or "host:port"
    # An article URL; its groups ``day`` (YYYYMMDD) and ``docid`` identify the article.
    article_re: re.Pattern[str]
    aliases: tuple[str, ...] = ()  # other names of the same site, mapped to the primary
    scheme: str = "https"  # the scheme canonical URLs use
    print_query: tuple[str, ...] = ()  # ?print=1 renders for printing
    mobile_prefixes: tuple[str, ...] = ()  # /m/<path> renders for phones
    tracking_params: tuple[str, ...] = ()  # query parameters that never change the page
    attachment_exts: tuple[str, ...] = ()
    image_exts: tuple[str, ...] = ()
    disallow_prefixes: tuple[str, ...] = ()  # besides what robots.txt says
    templates: tuple[Template, ...] = ()
    site_name_suffixes: tuple[str, ...] = ()  # other names its <title> tags append
    chrome_markers: tuple[str, ...] = ()  # words that make a short line chrome
    # Column directory (``tzdt/szjj``) → its names, for pages that do not state them.
    column_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Filing numbers the site is known to show, by kind (``icp``, ``psb``).
    filings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def primary_host(self) -> str:
        """The host every alias is mapped to."""
        return self.hosts[0]

    @property
    def site_names(self) -> tuple[str, ...]:
        """Every name of the site: what a title's suffix or a logo line may say."""
        return tuple(dict.fromkeys(n for n in (self.site_name, *self.site_name_suffixes) if n))

    @property
    def current_templates(self) -> frozenset[str]:
        """Names of the templates of the site's current design (preferred as canonical,
        and where its filing numbers are read as the maintained ones)."""
        return frozenset(t.name for t in self.templates if t.current)

    def all_hosts(self) -> frozenset[str]:
        """Every host name (with port when given) that belongs to the site."""
        return frozenset(h.lower() for h in (*self.hosts, *self.aliases))

    def with_start_urls(self, urls: list[str], aliases: list[str]) -> SiteProfile:
        """The profile re-pointed at other start URLs (``--start-url``/``--host-alias``).

        The hosts of the start URLs become the site's hosts, the first one primary, and
        their scheme the canonical scheme.
        """
        if not urls:
            return replace(self, aliases=tuple(dict.fromkeys((*self.aliases, *aliases))))
        hosts = tuple(dict.fromkeys(urlsplit(u).netloc.lower() for u in urls))
        return replace(
            self,
            start_urls=tuple(urls),
            hosts=hosts,
            aliases=tuple(dict.fromkeys(a.lower() for a in aliases if a.lower() not in hosts)),
            scheme=urlsplit(urls[0]).scheme or "http",
        )
