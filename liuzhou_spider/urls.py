"""URL canonicalisation: one URL per page, whatever form a link used.

The portal answers under two hosts and two schemes, links carry tracking query strings,
and print/mobile renderings repeat the article.  Mapping every form to one canonical URL
*before* a request is made is what lets Scrapy's duplicate filter fetch each page once.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

from liuzhou_spider.items import Rendering
from liuzhou_spider.profile import SiteProfile

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_PRINT_SUFFIX = re.compile(r"_print(\.s?html?)$")
_INDEX = re.compile(r"/index\.s?html?$")


def host_of(url: str) -> str:
    """``host`` or ``host:port`` of a URL, lower-cased, default ports dropped."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is None or str(port) == _DEFAULT_PORTS.get(parts.scheme, ""):
        return host
    return f"{host}:{port}"


def is_host(value: str) -> bool:
    """True for ``HOST`` or ``HOST:PORT`` alone: no scheme, path, user or bad port."""
    try:
        parts = urlsplit("//" + value)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        return False
    return bool(parts.hostname) and parts.netloc == value and "@" not in value


def is_site_url(url: str, profile: SiteProfile | _UrlRules) -> bool:
    """True when the URL is on one of the site's hosts or aliases (never offsite)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    hosts = profile.all_hosts()
    host = host_of(url)
    return host in hosts or host.split(":")[0] in hosts


def rendering_of(url: str, profile: SiteProfile) -> Rendering:
    """Whether a URL is the article itself or a print/mobile rendering of it."""
    parts = urlsplit(url)
    if _PRINT_SUFFIX.search(parts.path) or any(
        f"{key}=" in parts.query for key in profile.print_query
    ):
        return "print"
    if any(parts.path.startswith(prefix) for prefix in profile.mobile_prefixes):
        return "mobile"
    return "article"


def article_ids(url: str, profile: SiteProfile) -> tuple[str, str] | None:
    """``(YYYY-MM-DD, docid)`` of an article URL, by the profile's article shape
    (``…/t{YYYYMMDD}_{docid}.html`` on TRS); None for any other page."""
    match = profile.article_re.search(urlsplit(url).path)
    if not match:
        return None
    day = match.group("day")
    return f"{day[:4]}-{day[4:6]}-{day[6:]}", match.group("docid")


def canonicalize(url: str, profile: SiteProfile) -> str:
    """The one URL that stands for the page behind ``url`` (memoised: every page repeats
    the same menu and column links)."""
    return _canonicalize(url.strip(), _profile_key(profile))


def _profile_key(profile: SiteProfile) -> tuple:
    """The parts of a profile canonicalisation reads, hashable for the cache."""
    return (profile.scheme, profile.hosts, profile.aliases, profile.mobile_prefixes,
            profile.print_query, profile.tracking_params)


# Menus and column links repeat on every page; article URLs come once or twice, so a
# larger cache would only grow with the site (memory is measured per article).
@lru_cache(maxsize=8192)
def _canonicalize(url: str, key: tuple) -> str:
    scheme, hosts, aliases, mobile_prefixes, print_query, tracking = key
    return _canonical_form(url, _UrlRules(scheme, hosts, aliases, mobile_prefixes,
                                          print_query, tracking))


class _UrlRules(NamedTuple):
    scheme: str
    hosts: tuple[str, ...]
    aliases: tuple[str, ...]
    mobile_prefixes: tuple[str, ...]
    print_query: tuple[str, ...]
    tracking_params: tuple[str, ...]

    @property
    def primary_host(self) -> str:
        return self.hosts[0]

    def all_hosts(self) -> frozenset[str]:
        return frozenset(h.lower() for h in (*self.hosts, *self.aliases))


def _canonical_form(url: str, profile: _UrlRules) -> str:
    """The canonical form, computed.

    Site hosts: alias → primary host, the profile's scheme, default port dropped, the
    path normalised (``./``, ``../``, ``index.html`` → ``/``), print and mobile
    renderings mapped to the article they render, tracking parameters and the fragment
    dropped, the remaining query sorted (w3lib).  Offsite URLs are only cleaned.
    """
    if not is_site_url(url, profile):
        return canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    path = posixpath.normpath(parts.path or "/")
    if parts.path.endswith("/") and not path.endswith("/"):
        path += "/"
    path = path.replace("//", "/")
    for prefix in profile.mobile_prefixes:
        if path.startswith(prefix):
            path = "/" + path[len(prefix):]
            break
    path = _PRINT_SUFFIX.sub(r"\1", path)
    path = _INDEX.sub("/", path)
    cleaned = urlunsplit((profile.scheme, profile.primary_host, path, parts.query, ""))
    drop = (*profile.tracking_params, *profile.print_query)
    cleaned = url_query_cleaner(cleaned, drop, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned, keep_fragments=False)
