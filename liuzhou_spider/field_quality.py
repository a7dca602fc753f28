"""Field-quality monitoring: per-field coverage and anomalies of the articles a run read.

A template change rarely breaks a crawl: it quietly fills a field with the wrong thing
(the site's name as every title, an empty column, no date).  So every run counts, per
field and per column, how many articles have the field and how many show an anomaly a
careful reader would notice, as spidermon's field-coverage monitors do; the counts are
stored with the run (its checks), and a run whose coverage falls below a floor, or far
below the last run's, is unhealthy, naming the field (and the column).

Coverage of a field is the share of articles whose value is present and not
anomalous.  The anomalies:

- ``title_is_site_name``, ``title_is_column_name``: the title is the site's or a
  column's name (a template whose heading is not the article's);
- ``title_not_list_text``: the title disagrees with the list page's link text (when the
  reader knows it);
- ``title_not_on_page``: only the list page's link text gave the title: the page shows
  none of its own (a template that lost its heading, read right only thanks to the list);
- ``no_title``, ``empty_column``, ``no_date``, ``date_only``, ``no_source``;
- ``short_body``: little text and no image or attachment to carry the content.

``date_only`` and ``no_source`` are normal on many sites: they are shown, and only a
fall far below the last run's share fails a run (their floors are 0 by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from liuzhou_spider.items import CleanArticle
from liuzhou_spider.pages.text import compact_key

FIELDS = ("title", "date", "time", "source", "column", "body")
# Each anomaly, and the field whose coverage it lowers.
ANOMALY_FIELD = {
    "no_title": "title",
    "title_is_site_name": "title",
    "title_is_column_name": "title",
    "title_not_list_text": "title",
    "title_not_on_page": "title",
    "no_date": "date",
    "date_only": "time",
    "no_source": "source",
    "empty_column": "column",
    "short_body": "body",
}
_SEPARATORS = "-_|–—·:：,，.。>»/\\"
EXAMPLES = 5  # URLs kept per anomaly, for the summary and the analyst
FIELD_QUALITY = "liuzhou/field_quality"  # stats key: the run's FieldTally.to_json()


@dataclass(frozen=True)
class Thresholds:
    """When field coverage fails a run (settings ``LIUZHOU_FIELD_*``)."""

    floors: Mapping[str, float]  # field → least share of articles that must have it
    max_drop: float = 0.25  # a share this much below the last run's fails the run
    min_articles: int = 20  # fewer articles (in the run, in a column) are not judged


def anomalies(
    clean: CleanArticle, *, site_names: Iterable[str] = (), column_names: Iterable[str] = (),
    list_title: str | None = None, short_body_chars: int = 40,
) -> list[str]:
    """The anomalies of one cleaned article (see the module docstring).

    ``column_names``: the site's column names known so far (a heading of the sidebar
    taken for the title is some other column's name); the article's own are added.
    """
    found: list[str] = []
    title = _bare(clean.title)
    if not title:
        found.append("no_title")
    else:
        sites = {_bare(name) for name in (*site_names, clean.raw.meta.get("SiteName"))}
        if title in sites:
            found.append("title_is_site_name")
        columns = {_bare(c) for c in (*column_names, *clean.column, clean.raw.column_heading)}
        if title in columns:
            found.append("title_is_column_name")
        if list_title and not _same_title(title, _bare(list_title)):
            found.append("title_not_list_text")
        if clean.title_from == "list_link":
            found.append("title_not_on_page")
    if not clean.column:
        found.append("empty_column")
    if not clean.published_at:
        found.append("no_date")
    elif clean.published_precision == "date":
        found.append("date_only")
    if not (clean.source or "").strip():
        found.append("no_source")
    if len(clean.body_text) < short_body_chars and not (clean.images or clean.attachments):
        found.append("short_body")  # a photo story or a notice of attached files is not
    return found


def _bare(text: str | None) -> str:
    """A comparison key without the separators a ``<title>`` puts around names: the
    title ``- 柳州统战网`` of a page that lost its own is the site's name."""
    return compact_key(text or "").strip(_SEPARATORS)


def _same_title(title: str, listed: str) -> bool:
    """A list shortens long titles (``…`` or ``...``): a prefix agrees."""
    listed = listed.rstrip("….")
    return bool(listed) and (title == listed or title.startswith(listed))


def column_key(url: str) -> str:
    """The column an article's URL sits in: its directory, without a month folder."""
    path = urlsplit(url).path
    folder = path[: path.rfind("/")]
    last = folder.rsplit("/", 1)[-1]
    if last.isdigit():
        folder = folder[: -len(last) - 1]
    return folder.strip("/") or "/"


@dataclass
class _Counts:
    articles: int = 0
    anomalies: dict[str, int] = field(default_factory=dict)
    fields_bad: dict[str, int] = field(default_factory=dict)

    def add(self, found: list[str]) -> None:
        self.articles += 1
        for name in found:
            self.anomalies[name] = self.anomalies.get(name, 0) + 1
        for name in {ANOMALY_FIELD[n] for n in found}:
            self.fields_bad[name] = self.fields_bad.get(name, 0) + 1

    def coverage(self) -> dict[str, float]:
        if not self.articles:
            return {}
        return {f: round(1 - self.fields_bad.get(f, 0) / self.articles, 4) for f in FIELDS}


@dataclass
class FieldTally:
    """The counts of one run: overall, per column, and a few example URLs."""

    total: _Counts = field(default_factory=_Counts)
    columns: dict[str, _Counts] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, clean: CleanArticle, found: list[str]) -> None:
        """Count one article (an article rendering: print and mobile ones repeat it)."""
        self.total.add(found)
        column = column_key(clean.raw.url)
        self.columns.setdefault(column, _Counts()).add(found)
        for name in found:
            urls = self.examples.setdefault(name, [])
            if len(urls) < EXAMPLES:
                urls.append(clean.raw.url)

    def to_json(self) -> dict[str, Any]:
        """What is stored with the run (``checks["field_quality"]``)."""
        return {
            "articles": self.total.articles,
            "coverage": self.total.coverage(),
            "anomalies": dict(sorted(self.total.anomalies.items())),
            "columns": {
                path: {"articles": c.articles, "coverage": c.coverage(),
                       "anomalies": dict(sorted(c.anomalies.items()))}
                for path, c in sorted(self.columns.items())
            },
            "examples": dict(sorted(self.examples.items())),
        }


def failures(
    current: Mapping[str, Any], previous: Mapping[str, Any] | None, thresholds: Thresholds
) -> list[str]:
    """Why a run's field quality fails it, one line per field (and column); [] when not.

    ``current``/``previous`` are ``FieldTally.to_json()`` of this run and the last one.
    A column is judged on its own too: one column's template breaking is a tenth of
    the articles, which an overall floor would hide.
    """
    found: list[str] = []
    scopes = [("", current, (previous or {}))]
    before_columns = (previous or {}).get("columns") or {}
    for path, counts in (current.get("columns") or {}).items():
        scopes.append((path, counts, before_columns.get(path) or {}))
    for path, counts, before in scopes:
        if counts.get("articles", 0) < thresholds.min_articles:
            continue
        where = f" in column {path}" if path else ""
        now = counts.get("coverage") or {}
        then = before.get("coverage") or {} if before.get(
            "articles", 0) >= thresholds.min_articles else {}
        for name in FIELDS:
            share = now.get(name)
            if share is None:
                continue
            floor = thresholds.floors.get(name, 0.0)
            if share < floor:
                found.append(f"{name} coverage {share:.0%}{where} (floor {floor:.0%})")
            elif name in then and share < then[name] - thresholds.max_drop:
                found.append(f"{name} coverage {share:.0%}{where} "
                             f"(last run {then[name]:.0%})")
    return found


def summary_lines(quality: Mapping[str, Any]) -> list[str]:
    """The run summary's lines for field quality (``liuzhou crawl``, ``liuzhou stats``)."""
    if not quality or not quality.get("articles"):
        return []
    coverage = quality.get("coverage") or {}
    lines = ["field coverage: " + ", ".join(
        f"{name} {coverage[name]:.0%}" for name in FIELDS if name in coverage
    ) + f" of {quality['articles']} article(s)"]
    anomalies = quality.get("anomalies") or {}
    if anomalies:
        lines.append("anomalies: " + ", ".join(f"{k} {v}" for k, v in anomalies.items()))
    return lines
