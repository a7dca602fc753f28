"""A profile file (TOML) → ``SiteProfile``, checked key by key (docs/profiles.md).

Every problem is one ``ProfileError`` line naming the file, the key and what is wrong,
so a user who adds a portal sees what to fix without reading code.  A site file extends
the base (``base.toml``): its vocabulary lists are added to the base's, its templates
replace the base's of the same name and add the others, anything else it sets replaces.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import SelectorError
from lxml.cssselect import CSSSelector

from liuzhou_spider.profile import SiteProfile, Template
from liuzhou_spider.urls import is_host

# A profile file: a path, or a file of the installed package (inside a zipped egg under
# scrapyd), read the same way.
ProfileFile = Path | Traversable


class ProfileError(ValueError):
    """A profile file that cannot be used: ``FILE: KEY: problem``, one line."""

    def __init__(self, source: ProfileFile | str, key: str, problem: str) -> None:
        where = f"{source}: {key}" if key else str(source)
        super().__init__(f"{where}: {problem}")


# Lists of vocabulary: a site's are added to the base's.
ADDED_LISTS = ("print_query", "mobile_prefixes", "tracking_params", "attachment_exts",
               "image_exts", "disallow_prefixes", "chrome_markers")
# What only a site's own file may say.
SITE_KEYS = ("site_name", "site_name_suffixes", "hosts", "aliases", "scheme", "start_urls",
             "columns", "filings")
BASE_KEYS = ("article_re", "templates", *ADDED_LISTS)
TEMPLATE_KEYS = ("name", "detect", "body", "title", "info", "breadcrumb", "current")
FILING_KINDS = ("icp", "psb")  # what pages.registrations finds
SCHEMES = ("http", "https")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def read_toml(path: ProfileFile) -> dict[str, Any]:
    """The file's table, or a ProfileError saying why it is not TOML."""
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "", f"not valid TOML ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, "", f"cannot be read ({exc})") from exc


def site_name_of(path: ProfileFile) -> str:
    """A site's name is its file's name without ``.toml``."""
    return path.name.removesuffix(".toml")


def check_name(path: ProfileFile) -> str:
    """The site's name (``site_name_of``), if it is lower-case letters, digits, ``-`` and
    ``_``."""
    name = site_name_of(path)
    if not _NAME.match(name):
        raise ProfileError(path, "", f"the file name {name!r} is not a site name "
                                     "(lower-case letters, digits, - and _)")
    return name


class _Checker:
    """Type checks of one file's values, each failing with the file and key named."""

    def __init__(self, source: ProfileFile) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ProfileError:
        return ProfileError(self.source, key, problem)

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], where: str = "") -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(f"{where}{key}", f"unknown key (known: {', '.join(allowed)})")

    def text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, not {value!r}")
        return value.strip()

    def texts(self, key: str, value: Any, *, non_empty: bool = False) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, f"must be a list of non-empty strings, not {value!r}")
        if non_empty and not value:
            raise self.fail(key, "must name at least one")
        return tuple(dict.fromkeys(v.strip() for v in value))

    def table(self, key: str, value: Any) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, not {value!r}")
        return value

    def flag(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def pattern(self, key: str, value: Any) -> re.Pattern[str]:
        try:
            compiled = re.compile(self.text(key, value))
        except re.error as exc:
            raise self.fail(key, f"not a regular expression ({exc})") from exc
        if not {"day", "docid"} <= set(compiled.groupindex):
            raise self.fail(key, "must have the groups (?P<day>YYYYMMDD) and (?P<docid>...)")
        return compiled

    def selectors(self, key: str, value: Any, *, non_empty: bool = False) -> tuple[str, ...]:
        found = (self.text(key, value),) if isinstance(value, str) else self.texts(
            key, value, non_empty=non_empty)
        for selector in found:
            try:
                CSSSelector(selector)
            except SelectorError as exc:
                raise self.fail(key, f"{selector!r} is not a CSS selector ({exc})") from exc
        return found

    def hosts(self, key: str, value: Any, *, non_empty: bool = False) -> tuple[str, ...]:
        found = self.texts(key, value, non_empty=non_empty)
        for host in found:
            if not is_host(host):
                raise self.fail(key, f"{host!r} is not HOST or HOST:PORT (no scheme, no path)")
        return tuple(h.lower() for h in found)


def base_values(path: ProfileFile) -> dict[str, Any]:
    """The base file's values, checked (it may not say what only a site says)."""
    check = _Checker(path)
    data = read_toml(path)
    check.keys(data, BASE_KEYS)
    return _shared_values(check, data)


def _shared_values(check: _Checker, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys a base and a site may both set, as ``SiteProfile`` values."""
    values: dict[str, Any] = {}
    if "article_re" in data:
        values["article_re"] = check.pattern("article_re", data["article_re"])
    for key in ADDED_LISTS:
        if key in data:
            values[key] = check.texts(key, data[key])
    if "templates" in data:
        if not isinstance(data["templates"], list):
            raise check.fail("templates", "must be an array of tables ([[templates]])")
        values["templates"] = tuple(_template(check, f"templates[{i}]", t)
                                    for i, t in enumerate(data["templates"]))
        names = [t.name for t in values["templates"]]
        if len(set(names)) != len(names):
            raise check.fail("templates", f"a template name is given twice: {names}")
    return values


def _template(check: _Checker, where: str, value: Any) -> Template:
    table = check.table(where, value)
    check.keys(table, TEMPLATE_KEYS, f"{where}.")
    for required in ("name", "detect", "body"):
        if required not in table:
            raise check.fail(f"{where}.{required}", "required")
    return Template(
        name=check.text(f"{where}.name", table["name"]),
        detect=check.selectors(f"{where}.detect", table["detect"])[0],
        body=check.selectors(f"{where}.body", table["body"], non_empty=True),
        **{key: check.selectors(f"{where}.{key}", table[key])
           for key in ("title", "info", "breadcrumb") if key in table},
        current=check.flag(f"{where}.current", table.get("current", True)),
    )


def site_profile(path: ProfileFile, base: Mapping[str, Any]) -> SiteProfile:
    """The profile of one site file on the base's values (see the module docstring)."""
    name = check_name(path)
    check = _Checker(path)
    data = read_toml(path)
    check.keys(data, (*SITE_KEYS, *BASE_KEYS))
    for required in ("site_name", "hosts"):
        if required not in data:
            raise check.fail(required, "required (docs/profiles.md)")
    own = _shared_values(check, data)
    values: dict[str, Any] = {**base, **own}
    for key in ADDED_LISTS:
        values[key] = tuple(dict.fromkeys((*base.get(key, ()), *own.get(key, ()))))
    values["templates"] = _templates(base.get("templates", ()), own.get("templates", ()))
    if "article_re" not in values:
        raise check.fail("article_re", "required (the base gives none)")
    hosts = check.hosts("hosts", data["hosts"], non_empty=True)
    scheme = check.text("scheme", data.get("scheme", "https"))
    if scheme not in SCHEMES:
        raise check.fail("scheme", f"must be http or https, not {scheme!r}")
    aliases = check.hosts("aliases", data.get("aliases", []))
    starts = _start_urls(check, data.get("start_urls", [f"{scheme}://{hosts[0]}/"]),
                         frozenset((*hosts, *aliases)))
    return SiteProfile(
        name=name,
        site_name=check.text("site_name", data["site_name"]),
        site_name_suffixes=check.texts("site_name_suffixes", data.get("site_name_suffixes", [])),
        start_urls=starts, hosts=hosts, aliases=aliases, scheme=scheme,
        column_names=_table_of(check, "columns", data.get("columns", {}), _column_names),
        filings=_table_of(check, "filings", data.get("filings", {}), _filings),
        **values,
    )


def _templates(base: tuple[Template, ...], own: tuple[Template, ...]) -> tuple[Template, ...]:
    """The base's templates with the site's of the same name in their place, then the
    site's new ones (order is the order page parsing tries them)."""
    mine = {t.name: t for t in own}
    merged = [mine.pop(t.name, t) for t in base]
    return (*merged, *mine.values())


def _start_urls(check: _Checker, value: Any, hosts: frozenset[str]) -> tuple[str, ...]:
    urls = check.texts("start_urls", value, non_empty=True)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES or not parts.netloc:
            raise check.fail("start_urls", f"{url!r} is not an http(s) URL")
        if parts.netloc.lower() not in hosts:
            raise check.fail("start_urls", f"{url!r} is not on the site's hosts or aliases")
    return urls


def _table_of(check: _Checker, key: str, value: Any,
              entry: Callable[[_Checker, str, Any], tuple[str, ...]]
              ) -> dict[str, tuple[str, ...]]:
    table = check.table(key, value)
    return {name: entry(check, f"{key}.{name}", item) for name, item in table.items()}


def _column_names(check: _Checker, key: str, value: Any) -> tuple[str, ...]:
    """``"统战动态 > 时政聚焦"`` or ``["统战动态", "时政聚焦"]``."""
    if isinstance(value, str):
        value = [part for part in value.split(">") if part.strip()]
    return check.texts(key, value, non_empty=True)


def _filings(check: _Checker, key: str, value: Any) -> tuple[str, ...]:
    if key.rsplit(".", 1)[1] not in FILING_KINDS:
        raise check.fail(key, f"unknown kind of filing number (known: {', '.join(FILING_KINDS)})")
    return check.texts(key, value)
