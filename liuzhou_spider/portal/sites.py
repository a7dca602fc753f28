"""Which portal the generator renders: names, hosts, columns, templates, filing numbers.

Why a specification: the analysts' portals (the united-front department's, the municipal
government's, and whatever a user adds) run on the same TRS CMS and differ in exactly
these things, so one generator renders them all and a test can invent a portal with
names the crawler has never seen.  ``LZTZ`` is www.lztz.gov.cn (the default: its pages
are byte-identical to those built before sites existed), ``LZGOV`` the Liuzhou
municipal government portal.  ``spec_from_file`` reads a TOML or JSON specification::

    key = "hzgov"                       # folder name, truth key (letters, digits, -, _)
    site_name = "贺州市人民政府门户网站"    # <title> suffix, header, SiteName meta, footer
    short_name = "贺州政府网"             # legacy <title> suffix, mobile header, repost credit
    host = "www.gxhz.gov.cn"            # SiteDomain meta; what a profile names
    aliases = ["gxhz.gov.cn"]
    template = "gov"                    # current design: "current" (lztz's) or "gov"
    icp = ["桂ICP备05000002号", "桂ICP备05000002号"]        # current, legacy footers
    psb = ["桂公网安备 45110202000001号", "桂公网安备 45110202000001号"]
    [[columns]]                         # parents before their children
    path = "xwzx"
    names = ["新闻中心"]
    kind = "parent"                     # "list" (default), "parent" or "topic"
    [[columns]]
    path = "xwzx/hzyw"
    names = ["新闻中心", "贺州要闻"]
    weight = 10                         # share of the articles (list and topic columns)

Required: ``key``, ``site_name``, ``host``, ``columns`` (``short_name`` defaults to the
site name, ``template`` to ``gov``, ``icp``/``psb`` to placeholder numbers; a string
for both footers, or ``[current, legacy]``).  Optional: ``site_id_code``, ``address``,
``phone``, ``mobile_name``, ``channel_id``, ``offsite`` (footer links, ``[[url, name],
...]``), ``moved_column`` (``[old, new, link text]``: the old path answers 301),
``meeting_column`` (where the weekly meeting reports go; default the last list
column), ``repost_columns`` (where reposts of other sites' stories go; default the
first list column), ``docid_start``, ``redesign`` (``YYYY-MM-DD``: older articles use
the legacy template), ``stream`` (salt of the random stream; default the key); a
column may name a ``cross_post`` column and a ``pager`` form (``written``, ``inline``,
``one_based``).  Unknown keys and malformed values are refused in one line.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from liuzhou_spider.portal.content import TOPIC_PAGES

TEMPLATES = ("current", "gov")  # the current designs a spec may choose
REDESIGN_RANGE = (datetime(2012, 3, 1), datetime(2026, 2, 1))  # within the articles' years
GENERIC_OFFSITE = (  # footer links of a site unless it names its own
    ("http://www.gov.cn/", "中国政府网"),
    ("http://www.gxzf.gov.cn/", "广西壮族自治区人民政府"),
)


@dataclass(frozen=True)
class Column:
    """A column (栏目): ``path`` without slashes, e.g. ``tzdt/szjj/bs``."""

    path: str
    names: tuple[str, ...]  # the breadcrumb after 首页
    kind: str  # "list" (its own articles), "parent" (lists sub-columns), "topic"
    weight: int = 0  # share of the articles
    cross_post: str | None = None  # the column its articles are sometimes cross-posted to
    pager: str | None = None  # a less common pager form (see ``render.pager_form``)

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def url(self) -> str:
        return f"/{self.path}/"

    @property
    def parent(self) -> str | None:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


@dataclass(frozen=True)
class SiteSpec:
    """One portal as the generator renders it (a hashable value: render caches by it)."""

    key: str
    site_name: str  # <title> suffix of current pages, header, SiteName meta, footer
    short_name: str  # the older pages' <title> (suffix), and how reposts credit the site
    host: str  # the canonical host name (SiteDomain meta); served pages use tokens
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    icp: tuple[str, str]  # (current footer, legacy footer): they may disagree
    psb: tuple[str, str]
    template: str = "current"  # the current design: "current" or "gov"
    site_id_code: str = "4500000000"  # the SiteIDCode meta tag
    address: str = ""  # footer lines
    phone: str = ""
    mobile_name: str = ""  # the phone pages' header (default: short_name)
    channel_id: str = "100001"  # the search form's TRS channel
    meeting_column: str = ""  # default: the last list column
    repost_columns: tuple[str, ...] = ()  # default: the first list column
    moved_column: tuple[str, str, str] | None = None  # (old path, new path, link text)
    redesign: datetime = datetime(2019, 7, 1)  # older articles keep the legacy template
    docid_start: int = 1_000_000  # docids start in [docid_start, docid_start + 500,000)
    stream: str = ""  # salt of the plan's random stream ("" = the seed alone)
    offsite: tuple[tuple[str, str], ...] = GENERIC_OFFSITE  # the footer's friend links

    @functools.cached_property
    def _by_path(self) -> dict[str, Column]:
        return {c.path: c for c in self.columns}

    def column(self, path: str) -> Column:
        return self._by_path[path]

    @property
    def list_columns(self) -> list[Column]:
        """Columns holding articles (list and topic columns), in spec order."""
        return [c for c in self.columns if c.weight]

    @property
    def mobile_title(self) -> str:
        return self.mobile_name or self.short_name

    @property
    def meeting(self) -> str:
        return self.meeting_column or [c for c in self.columns if c.kind == "list"][-1].path

    @property
    def repost_targets(self) -> tuple[str, ...]:
        return self.repost_columns or (self.list_columns[0].path,)

    def children(self, path: str | None) -> list[Column]:
        return [c for c in self.columns if c.parent == path]

    @property
    def tops(self) -> list[Column]:
        return [c for c in self.columns if "/" not in c.path]

    def to_json(self) -> dict[str, Any]:
        """The spec as ``spec_from_file`` reads it back (written next to a generated site)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "columns":
                value = [
                    {k: v for k, v in vars(c).items() if v is not None and v != 0}
                    for c in self.columns
                ]
            elif f.name == "redesign":
                value = value.strftime("%Y-%m-%d")
            data[f.name] = value
        return data


LZTZ = SiteSpec(
    key="lztz",
    site_name="中共柳州市委统战部",
    short_name="柳州统战网",
    host="www.lztz.gov.cn",
    aliases=("lztz.gov.cn",),
    icp=("桂ICP备19011773号", "桂ICP备05009280号"),
    psb=("桂公网安备 45020502000153号", "桂公网安备 45020502000013号"),
    site_id_code="4502000047",
    address="地址:柳州市柳北区三中路66号2号办公楼3楼",
    phone="联系我们:0772-2818756",
    mobile_name="柳州统战",
    channel_id="200343",
    offsite=(
        *GENERIC_OFFSITE,
        ("http://www.liuzhou.gov.cn/", "柳州市人民政府"),
        ("http://www.zytzb.gov.cn/", "中共中央统战部"),
        ("http://www.gxtzb.gov.cn/", "中共广西区委统战部"),
    ),
    columns=(
        Column("tzdt", ("统战动态",), "parent"),
        Column("tzdt/szjj", ("统战动态", "时政聚焦"), "list", 14, "tzdt/szjj/bs", "written"),
        Column("tzdt/szjj/bs", ("统战动态", "时政聚焦", "本市"), "list", 12, "tzdt/szjj",
               "inline"),
        Column("tzdt/xqdt", ("统战动态", "县区动态"), "list", 10, "xshjc/gzdt"),
        Column("gzsx", ("工作实务",), "list", 10, "tzdt/szjj", "one_based"),
        Column("dptt", ("党派团体",), "parent"),
        Column("dptt/mzdp", ("党派团体", "民主党派"), "list", 8, "tzdt/szjj", "written"),
        Column("dptt/gsl", ("党派团体", "工商联"), "list", 7, None),
        Column("mzzj", ("民族宗教",), "parent"),
        Column("mzzj/mzgz", ("民族宗教", "民族工作"), "list", 8, "zt/zlgt"),
        Column("mzzj/zjgz", ("民族宗教", "宗教工作"), "list", 6, None, "written"),
        Column("gatq", ("港澳台侨",), "list", 7, None, "inline"),
        Column("xshjc", ("县市和基层",), "parent"),
        Column("xshjc/gzdt", ("县市和基层", "工作动态"), "list", 6, "tzdt/xqdt", "one_based"),
        Column("zt", ("专题专栏",), "parent"),
        *(
            Column(f"zt/{slug}", ("专题专栏", name), "topic", 3, None,
                   "inline" if slug == "xxgc" else None)
            for slug, name in TOPIC_PAGES
        ),
    ),
    meeting_column="gzsx",
    repost_columns=("tzdt/szjj", "tzdt/szjj/bs"),
    moved_column=("tzdt/bs", "tzdt/szjj/bs", "本市动态"),
)

LZGOV = SiteSpec(
    key="lzgov",
    site_name="柳州市人民政府门户网站",
    short_name="柳州市人民政府网",
    host="www.liuzhou.gov.cn",
    aliases=("liuzhou.gov.cn",),
    icp=("桂ICP备05000591号", "桂ICP备05000591号"),
    psb=("桂公网安备 45020202000101号", "桂公网安备 45020202000101号"),
    template="gov",
    site_id_code="4502000001",
    address="地址:柳州市城中区三中路4号 柳州市人民政府办公室",
    phone="联系电话:0772-2825051",
    mobile_name="柳州政府",
    channel_id="100012",
    columns=(
        Column("zwdt", ("政务动态",), "parent"),
        Column("zwdt/lzyw", ("政务动态", "柳州要闻"), "list", 14, "zwdt/xqdt", "written"),
        Column("zwdt/bmdt", ("政务动态", "部门动态"), "list", 12, None, "one_based"),
        Column("zwdt/xqdt", ("政务动态", "县区动态"), "list", 10, "zwdt/lzyw"),
        Column("zcwj", ("政策文件",), "parent"),
        Column("zcwj/szfwj", ("政策文件", "市政府文件"), "list", 6, None, "inline"),
        Column("zcwj/zcjd", ("政策文件", "政策解读"), "list", 6, None),
        Column("tzgg", ("通知公告",), "list", 8, None, "written"),
    ),
    meeting_column="zwdt/bmdt",
    repost_columns=("zwdt/bmdt", "zwdt/lzyw"),
    moved_column=("xwzx/lzyw", "zwdt/lzyw", "柳州要闻"),
    redesign=datetime(2018, 1, 1),
    docid_start=5_000_000,
    stream="lzgov",
    offsite=(*GENERIC_OFFSITE, ("http://www.lztz.gov.cn/", "中共柳州市委统战部")),
)

BUNDLED: dict[str, SiteSpec] = {spec.key: spec for spec in (LZTZ, LZGOV)}


class SpecError(ValueError):
    """A site specification that cannot be rendered (the message is one line)."""


_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d+)?$")
_PATH = re.compile(r"^[a-z0-9_]+(?:/[a-z0-9_]+)*$")
_REQUIRED = ("key", "site_name", "host", "columns")
_PAGERS = ("written", "inline", "one_based")


def site_spec(name: str) -> SiteSpec:
    """A bundled spec by key, or the spec in file ``name`` (``.toml``/``.json``)."""
    if name in BUNDLED:
        return BUNDLED[name]
    if Path(name).suffix in (".toml", ".json"):
        return spec_from_file(Path(name))
    raise SpecError(f"unknown site {name!r}: bundled are {', '.join(BUNDLED)}, "
                    "or give a .toml/.json spec file")


def spec_from_file(path: Path) -> SiteSpec:
    """Read a TOML or JSON site specification (schema in the module docstring)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text) if Path(path).suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as error:
        raise SpecError(f"{path}: {error}") from error
    try:
        return spec_from_dict(data)
    except SpecError as error:
        raise SpecError(f"{path}: {error}") from error


def _column(item: Any, known: set[str]) -> Column:
    if not isinstance(item, dict):
        raise SpecError(f"a column must be a table, not {item!r}")
    unknown = set(item) - {"path", "names", "kind", "weight", "cross_post", "pager"}
    if unknown:
        raise SpecError(f"column {item.get('path')!r}: unknown keys {sorted(unknown)}")
    path, names = item.get("path"), item.get("names")
    kind = item.get("kind", "list")
    weight = item.get("weight", 0 if kind == "parent" else 5)
    if not isinstance(path, str) or not _PATH.match(path):
        raise SpecError(f"column path {path!r} must be lower-case segments joined by '/'")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise SpecError(f"column {path!r}: names must be a list of strings")
    if len(names) != path.count("/") + 1:
        raise SpecError(f"column {path!r}: give one name per path segment ({names})")
    if "/" in path and path.rsplit("/", 1)[0] not in known:
        raise SpecError(f"column {path!r}: its parent must come first")
    if kind not in ("list", "parent", "topic"):
        raise SpecError(f"column {path!r}: kind must be list, parent or topic")
    if not isinstance(weight, int) or weight < 0 or (kind == "parent") != (weight == 0):
        raise SpecError(f"column {path!r}: weight must be a positive integer (0 for parents)")
    pager = item.get("pager")
    if pager is not None and pager not in _PAGERS:
        raise SpecError(f"column {path!r}: pager must be one of {', '.join(_PAGERS)}")
    return Column(path, tuple(names), kind, weight, item.get("cross_post"), pager)


def _pair(data: dict[str, Any], key: str, default: tuple[str, str]) -> tuple[str, str]:
    value = data.get(key, list(default))
    if isinstance(value, str):
        value = [value, value]
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise SpecError(f"{key} must be a string or [current, legacy]")
    return value[0], value[1]


def spec_from_dict(data: dict[str, Any]) -> SiteSpec:
    """A spec from parsed TOML/JSON, checked so a mistake fails here, not mid-render."""
    names = {f.name for f in fields(SiteSpec)}
    unknown = set(data) - names
    if unknown:
        raise SpecError(f"unknown keys {sorted(unknown)}")
    missing = [k for k in _REQUIRED if not data.get(k)]
    if missing:
        raise SpecError(f"missing {', '.join(missing)}")
    key = data["key"]
    if not isinstance(key, str) or not _KEY.match(key):
        raise SpecError(f"key {key!r} must be lower-case letters, digits, '-' or '_'")
    known: set[str] = set()
    columns = []
    for item in data["columns"]:
        column = _column(item, known)
        if column.path in known:
            raise SpecError(f"column {column.path!r} given twice")
        known.add(column.path)
        columns.append(column)
    for column in columns:
        if column.cross_post and column.cross_post not in known:
            raise SpecError(f"column {column.path!r}: cross_post {column.cross_post!r} unknown")
    for column in columns:
        if column.kind == "parent" and not any(c.parent == column.path for c in columns):
            raise SpecError(f"column {column.path!r}: a parent needs sub-columns")
    if not any(c.kind == "list" for c in columns):
        raise SpecError("at least one column must be a list column")
    template = data.get("template", "gov")
    if template not in TEMPLATES:
        raise SpecError(f"template must be one of {', '.join(TEMPLATES)}")
    options: dict[str, Any] = {}
    for name in ("site_id_code", "address", "phone", "mobile_name", "channel_id",
                 "meeting_column", "stream"):
        if name in data:
            if not isinstance(data[name], str):
                raise SpecError(f"{name} must be a string")
            options[name] = data[name]
    if "docid_start" in data:
        if not isinstance(data["docid_start"], int) or not 0 < data["docid_start"] < 10**8:
            raise SpecError("docid_start must be a positive integer below 100,000,000")
        options["docid_start"] = data["docid_start"]
    if "redesign" in data:
        try:
            redesign = datetime.strptime(str(data["redesign"]), "%Y-%m-%d")
        except ValueError as error:
            raise SpecError(f"redesign must be YYYY-MM-DD: {error}") from error
        if not REDESIGN_RANGE[0] <= redesign <= REDESIGN_RANGE[1]:
            raise SpecError("redesign must fall between 2012-03-01 and 2026-02-01, "
                            "the years the portal's articles span")
        options["redesign"] = redesign
    if data.get("moved_column"):
        moved = data["moved_column"]
        if not (isinstance(moved, list) and len(moved) == 3 and moved[1] in known):
            raise SpecError("moved_column must be [old path, existing new path, link text]")
        options["moved_column"] = tuple(moved)
    reposts = tuple(data.get("repost_columns", ()))
    lists = {c.path for c in columns if c.weight}
    for path in (*reposts, options.get("meeting_column") or next(iter(lists))):
        if path not in lists:
            raise SpecError(f"column {path!r} is not a list column of the spec")
    if "offsite" in data:
        offsite = data["offsite"]
        if not all(isinstance(o, list) and len(o) == 2 for o in offsite):
            raise SpecError("offsite must be a list of [url, name] pairs")
        options["offsite"] = tuple((str(url), str(name)) for url, name in offsite)
    aliases = data.get("aliases", [])
    if isinstance(aliases, str) or not isinstance(aliases, list):
        raise SpecError("aliases must be a list of host names")
    for host in (data["host"], *aliases):
        if not isinstance(host, str) or not _HOST.match(host):
            raise SpecError(f"{host!r} is not a host name (no scheme, no path)")
    site_name = data["site_name"]
    short_name = data.get("short_name", site_name)
    options.setdefault("address", f"主办单位：{site_name}")
    return SiteSpec(
        key=key,
        site_name=site_name,
        short_name=short_name,
        host=data["host"],
        aliases=tuple(aliases),
        columns=tuple(columns),
        icp=_pair(data, "icp", ("桂ICP备00000000号", "桂ICP备00000000号")),
        psb=_pair(data, "psb", ("桂公网安备 45000000000000号", "桂公网安备 45000000000000号")),
        template=template,
        repost_columns=reposts,
        stream=options.pop("stream", key),
        **options,
    )
