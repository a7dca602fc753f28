"""The registry of sites: which portals the crawler knows, each one profile file.

Why files: a portal is data (hosts, URL shape, templates, names, vocabulary), so a user
adds one by writing a TOML file (docs/profiles.md), not code.  The bundled profiles sit
in this folder on the generic TRS base (``base.toml``); a user's folder
(``--sites-dir``, else ``$LIUZHOU_SITES_DIR``) adds more, and a user file with a bundled
profile's name replaces it.  Every file is checked when the registry is read: a broken
profile stops the command with one line, whichever site was asked for.

Only the spiders, the runner, the command line and reprocess read the registry; page
parsing and the pure steps get a ``SiteProfile`` (or the facts they need from one).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.sites.schema import (
    ProfileError,
    ProfileFile,
    base_values,
    site_name_of,
    site_profile,
)

__all__ = ["BUNDLED", "DEFAULT_SITE", "SITES_DIR_ENV", "ProfileError", "Registry", "SiteEntry",
           "UnknownSite", "load_registry", "offline_profile", "profile_for_stored"]

# The package's folder, read as package data (a zipped egg under scrapyd too).
BUNDLED = files(__name__)
BASE_FILE = "base.toml"
DEFAULT_SITE = "lztz"
SITES_DIR_ENV = "LIUZHOU_SITES_DIR"


class UnknownSite(LookupError):
    """A site name no profile has; the message lists the known ones."""


@dataclass(frozen=True)
class SiteEntry:
    """One known site: its profile, the file it came from (bundled or the user's), and
    the bundled file that file replaces (a user's profile of a bundled name), if any."""

    profile: SiteProfile
    source: ProfileFile
    bundled: bool
    replaces: ProfileFile | None = None


@dataclass(frozen=True)
class Registry:
    """Every known site by name."""

    entries: Mapping[str, SiteEntry]

    def names(self) -> list[str]:
        return sorted(self.entries)

    def entry(self, name: str) -> SiteEntry:
        """The site called ``name``, or ``UnknownSite`` naming the known ones."""
        try:
            return self.entries[name]
        except KeyError:
            raise UnknownSite(f"--site {name!r}: no such site; known: "
                              f"{', '.join(self.names())} (liuzhou sites)") from None

    def profile(self, name: str) -> SiteProfile:
        return self.entry(name).profile


def user_sites_dir(sites_dir: str | Path | None) -> Path | None:
    """The user's folder of profiles: ``sites_dir``, else ``$LIUZHOU_SITES_DIR``, else none."""
    chosen = sites_dir or os.environ.get(SITES_DIR_ENV) or None
    return Path(chosen) if chosen else None


def load_registry(sites_dir: str | Path | None = None) -> Registry:
    """The bundled profiles and the user's (``user_sites_dir``), every file checked.

    Raises ``ProfileError`` (one line: file, key, problem) for the first broken file, or
    for a user folder that does not exist.
    """
    base = base_values(BUNDLED / BASE_FILE)
    entries = {site_name_of(path): SiteEntry(site_profile(path, base), path, bundled=True)
               for path in _profile_files(BUNDLED.iterdir()) if path.name != BASE_FILE}
    folder = user_sites_dir(sites_dir)
    if folder is not None:
        if not folder.is_dir():
            raise ProfileError(folder, "", f"no such folder (--sites-dir or ${SITES_DIR_ENV})")
        for path in _profile_files(folder.iterdir()):
            if path.name == BASE_FILE:
                raise ProfileError(path, "", f"{BASE_FILE} is the bundled TRS base; "
                                             "name the site's file otherwise")
            bundled = entries.get(site_name_of(path))
            entries[site_name_of(path)] = SiteEntry(
                site_profile(path, base), path, bundled=False,
                replaces=bundled.source if bundled else None)
    return Registry(entries)


def _profile_files(found: Iterable[ProfileFile]) -> list[ProfileFile]:
    """The ``*.toml`` files of a folder's listing, by name."""
    return sorted((p for p in found if p.name.endswith(".toml") and p.is_file()),
                  key=lambda p: p.name)


def offline_profile(base_url: str, alias_base_url: str | None = None,
                    site: str = DEFAULT_SITE) -> SiteProfile:
    """The profile of ``site`` served by the offline portal on loopback (demo, tests)."""
    aliases = [alias_base_url.split("//", 1)[1].rstrip("/")] if alias_base_url else []
    return load_registry().profile(site).with_start_urls([base_url], aliases)


def profile_for_stored(site: str | None, starts: list[str], aliases: list[str],
                       sites_dir: str | Path | None = None) -> SiteProfile:
    """The profile a stored crawl used: its site's (the default site for a database
    from before runs named their site), re-pointed at its start URLs and host aliases as
    ``--start-url``/``--host-alias`` did (canonical URLs, so ids and merging, follow the
    hosts)."""
    profile = load_registry(sites_dir).profile(site or DEFAULT_SITE)
    return profile.with_start_urls(starts, aliases) if starts or aliases else profile
