"""One spider per known site: ``scrapy crawl NAME`` crawls the site of that profile.

There is one crawl, ``TrsSpider``; a site is its profile.  Scrapy finds spiders by
name, so this loader (``SPIDER_LOADER_CLASS``) answers every name of the site registry
(``liuzhou_spider.sites``) with the TRS spider bound to that site's profile: a portal
added as a profile file is crawlable by ``scrapy crawl`` and scrapyd without code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from scrapy import Request
from scrapy.settings import BaseSettings

from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.sites import Registry, UnknownSite, load_registry
from liuzhou_spider.spiders.trs import TrsSpider
from liuzhou_spider.urls import is_site_url


def spider_for(profile: SiteProfile) -> type[TrsSpider]:
    """The TRS spider of one site: named as the site, its profile as the base profile."""
    return type(f"{profile.name.title().replace('-', '').replace('_', '')}Spider",
                (TrsSpider,), {"name": profile.name, "base_profile": profile,
                               "__module__": __name__})


def site_spider(site: str, sites_dir: str | Path | None = None) -> type[TrsSpider]:
    """The spider of the site called ``site`` (``UnknownSite`` if none is)."""
    return spider_for(load_registry(sites_dir).profile(site))


class SiteSpiderLoader:
    """Scrapy's spider loader over the site registry (``LIUZHOU_SITES_DIR`` setting,
    else the environment variable of that name)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(load_registry(settings.get("LIUZHOU_SITES_DIR")))

    def load(self, spider_name: str) -> type[TrsSpider]:
        try:
            return spider_for(self.registry.profile(spider_name))
        except UnknownSite as exc:
            raise KeyError(str(exc)) from None

    def list(self) -> list[str]:
        return self.registry.names()

    def find_by_request(self, request: Request, **_: Any) -> list[str]:
        return [name for name in self.registry.names()
                if is_site_url(request.url, self.registry.profile(name))]
