"""Filing numbers: every footer number seen is an observation; one value per kind wins.

The portal shows two ICP and two public-security numbers (the seed page carries both
pairs, one per rendering), and nothing on the site says which pair is current.  The
evidence is where each value appears: the current template's pages are the site as it
is maintained now, older templates keep the footer they were published with.  So, per
kind, the canonical value is the one on the most pages of a current template, then the
most recently seen, then the one on most pages overall (then the smaller value, so the
verdict never depends on input order).  Every other value is kept, with its counts,
and flagged as conflicting, except a value that only adds or drops a ``-N`` site
suffix to the canonical filing (``桂ICP备19011773号-1``): that is the same filing.

The site's profile may name the filings it is known to show (``SiteProfile.filings``):
``unexpected_filings`` says where the verdict disagrees with it, for the crawl to report.

Pure: no storage, no Scrapy; ``storage`` feeds it observations and stores the verdicts.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from liuzhou_spider.items import Observation, RegistrationKind
from pipelines.dedup.keys import key64

_SPACE = re.compile(r"\s+")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "‑": "-", "−": "-"})
_ICP = re.compile(r"^(.*?)ICP备(\d+)号?(?:-(\d+))?$", re.IGNORECASE)
_PSB = re.compile(r"^(.*?)公网安备(\d+)号?$")


def normalize_value(kind: RegistrationKind, raw: str) -> str:
    """One spelling per filing number: ``桂ICP备19011773号-1``, ``桂公网安备45020502000153号``.

    Folds full-width characters (NFKC), removes every space, unifies dashes, upper-cases
    ICP and restores a missing 号.  Idempotent, and a fixed point on what
    ``liuzhou_spider.pages.registrations.find_registrations`` returns.
    """
    text = _SPACE.sub("", unicodedata.normalize("NFKC", raw).translate(_DASHES))
    if kind == "icp":
        match = _ICP.match(text)
        if not match:
            return text
        prefix, number, site = match.groups()
        return f"{prefix}ICP备{number}号" + (f"-{site}" if site else "")
    match = _PSB.match(text)
    return f"{match.group(1)}公网安备{match.group(2)}号" if match else text


def filing_of(kind: RegistrationKind, value: str) -> str:
    """The filing a value belongs to: the ICP value without its ``-N`` site suffix."""
    return value.rsplit("-", 1)[0] if kind == "icp" and "号-" in value else value


def _instant(seen_at: str) -> datetime:
    """A comparable instant; a time written without an offset is taken as UTC."""
    when = datetime.fromisoformat(seen_at)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Verdict:
    """What is known of one value of one kind."""

    kind: RegistrationKind
    value: str
    page_count: int  # distinct pages showing it
    current_page_count: int  # of which on a current template
    first_seen: str
    last_seen: str
    is_canonical: bool
    conflicting: bool  # another filing than the canonical one


@dataclass
class _Tally:
    """One value's sightings.  Every page of the site shows a footer, so the pages are
    kept as 64-bit URL keys (8 bytes a sighting) and counted once, at the end."""

    first: tuple[datetime, str]
    last: tuple[datetime, str]
    pages: array = field(default_factory=lambda: array("Q"))
    current_pages: array = field(default_factory=lambda: array("Q"))


def _distinct(keys: array) -> int:
    return len(np.unique(np.frombuffer(keys, dtype=np.uint64))) if keys else 0


def reconcile(
    observations: Iterable[Observation], current_templates: frozenset[str]
) -> dict[RegistrationKind, list[Verdict]]:
    """Per kind, every value with its counts and the verdict; the canonical value first.

    ``current_templates``: the names of the site's current design (its profile's).

    ``observations`` may be a stream: it is read once, and nothing is kept per sighting
    but its URL's key.
    """
    tallies: dict[tuple[RegistrationKind, str], _Tally] = {}
    for obs in observations:
        value = normalize_value(obs.kind, obs.value)
        when = (_instant(obs.seen_at), obs.seen_at)
        tally = tallies.get((obs.kind, value))
        if tally is None:
            tally = tallies[(obs.kind, value)] = _Tally(when, when)
        url = key64(obs.url)
        tally.pages.append(url)
        if obs.template in current_templates:
            tally.current_pages.append(url)
        tally.first, tally.last = min(tally.first, when), max(tally.last, when)

    verdicts: dict[RegistrationKind, list[Verdict]] = {}
    for kind in sorted({k for k, _ in tallies}):
        values = {v: t for (k, v), t in tallies.items() if k == kind}
        pages = {v: _distinct(t.pages) for v, t in values.items()}
        current = {v: _distinct(t.current_pages) for v, t in values.items()}
        ranked = sorted(
            values,
            key=lambda v: (-current[v], -values[v].last[0].timestamp(), -pages[v], v),
        )
        canonical_filing = filing_of(kind, ranked[0])
        verdicts[kind] = [
            Verdict(
                kind=kind,
                value=value,
                page_count=pages[value],
                current_page_count=current[value],
                first_seen=values[value].first[1],
                last_seen=values[value].last[1],
                is_canonical=rank == 0,
                conflicting=filing_of(kind, value) != canonical_filing,
            )
            for rank, value in enumerate(ranked)
        ]
    return verdicts


def unexpected_filings(verdicts: Mapping[RegistrationKind, list[Verdict]],
                       expected: Mapping[str, Iterable[str]]) -> list[str]:
    """One line per kind whose canonical value is not a filing the site is known to
    show (the site changed its filing, or a page is not what it claims): for a person
    to check, never a reason to override what the pages say."""
    lines = []
    for kind, values in verdicts.items():  # the canonical value first
        known = {filing_of(kind, normalize_value(kind, v)) for v in expected.get(kind, ())}
        if known and values and filing_of(kind, values[0].value) not in known:
            lines.append(f"{kind}: the pages show {values[0].value}, the profile expects "
                         f"{' or '.join(sorted(known))}")
    return lines
