"""The site profile: everything the crawler knows about one portal, in one place.

The spider holds only the crawl strategy and page parsing only generic rules; what is
particular to www.lztz.gov.cn (hosts, start pages, URL shapes, tracking parameters,
selectors of its known templates, chrome markers) lives here, so another TRS portal,
or the offline copy, is another profile rather than another spider.
"""

from __future__ import annotations

import re
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
    """Hosts, URL shapes and selectors of one portal."""

    name: str
    start_urls: tuple[str, ...]
    hosts: tuple[str, ...]  # the primary host first: "host" or "host:port"
    aliases: tuple[str, ...] = ()  # other names of the same site, mapped to the primary
    scheme: str = "https"  # the scheme canonical URLs use
    article_re: re.Pattern[str] = re.compile(r"/t(\d{8})_(\d+)(?:_(print|m))?\.s?html?$")
    column_re: re.Pattern[str] = re.compile(r"/(?:index(?:_\d+)?\.s?html?)?$")
    print_query: tuple[str, ...] = ("print",)  # ?print=1 renders for printing
    mobile_prefixes: tuple[str, ...] = ("/m/", "/wap/")  # /m/<path> renders for phones
    tracking_params: tuple[str, ...] = (
        "from", "isappinstalled", "spm", "share", "source", "timestamp", "utm_source",
        "utm_medium", "utm_campaign", "utm_term", "utm_content", "scene", "clicktime",
        "enterid", "wxfrom", "ivk_sa", "t",
    )
    attachment_exts: tuple[str, ...] = (
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".7z", ".ppt", ".pptx",
        ".wps", ".et", ".txt", ".csv",
    )
    image_exts: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")
    disallow_prefixes: tuple[str, ...] = ("/search/",)  # besides what robots.txt says
    templates: tuple[Template, ...] = ()
    site_name_suffixes: tuple[str, ...] = (
        "中共柳州市委统战部", "柳州市委统战部", "柳州统战网", "柳州统一战线",
    )
    chrome_markers: tuple[str, ...] = (
        "分享本文至", "打印正文", "【打印", "关闭窗口", "当前位置", "版权所有", "ICP备",
        "公网安备", "联系我们", "上一篇", "下一篇", "责任编辑",
    )
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def primary_host(self) -> str:
        """The host every alias is mapped to."""
        return self.hosts[0]

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


# Known templates of the portal.  Class names follow what TRS WCM sites publish;
# page parsing falls back to text anchors (当前位置, 发布日期, 来源) and then to the
# generic extractor when none of these match, so a redesign degrades, never breaks.
TRS_TEMPLATES: tuple[Template, ...] = (
    Template(
        name="current",
        detect=".article-content, .TRS_Editor, #zoom, .xl-content, .detail-content",
        body=(".article-content", ".xl-content", ".detail-content", "#zoom", ".TRS_Editor"),
        title=(".article-title", ".xl-title", "h1"),
        info=(".article-info", ".xl-info", ".info"),
        breadcrumb=(".breadcrumb", ".position", ".location", ".crumb"),
        current=True,
    ),
    Template(
        name="legacy",
        detect="#Zoom, .zoom, .content_text, #content, .TRS_PreAppend",
        body=("#Zoom", ".zoom", ".content_text", "#content"),
        title=(".biaoti", ".title", "h2", "h1"),
        info=(".shijian", ".laiyuan", ".time", ".source"),
        breadcrumb=(".dqwz", ".weizhi", ".position"),
        current=False,
    ),
    Template(
        name="topic",
        detect=".zt-article, .special-content, .zt_content",
        body=(".zt-article .content", ".special-content", ".zt_content"),
        title=(".zt-article h1", "h1", "h2"),
        info=(".zt-info", ".info"),
        breadcrumb=(".zt-position", ".position"),
        current=True,
    ),
)

LZTZ = SiteProfile(
    name="lztz",
    start_urls=("https://www.lztz.gov.cn/",),
    hosts=("www.lztz.gov.cn",),
    aliases=("lztz.gov.cn",),
    scheme="https",
    templates=TRS_TEMPLATES,
)


def offline_profile(base_url: str, alias_base_url: str | None = None) -> SiteProfile:
    """The profile of the offline portal served on loopback (``liuzhou demo``, tests)."""
    aliases = [urlsplit(alias_base_url).netloc] if alias_base_url else []
    return LZTZ.with_start_urls([base_url], aliases)
