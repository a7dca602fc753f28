"""The spider of www.lztz.gov.cn: the TRS crawl with the lztz profile."""

from __future__ import annotations

from typing import ClassVar

from liuzhou_spider.profile import LZTZ, SiteProfile
from liuzhou_spider.spiders.trs import TrsSpider


class LztzSpider(TrsSpider):
    """``scrapy crawl lztz`` / ``liuzhou crawl``."""

    name = "lztz"
    base_profile: ClassVar[SiteProfile] = LZTZ
