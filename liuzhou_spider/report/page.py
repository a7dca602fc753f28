"""The report as one HTML page: inline CSS and SVG, no script, no request to anywhere.

Each section pairs a chart with the table of its numbers (``storage.report_data``), so a
figure can be read exactly and copied.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from liuzhou_spider.report.charts import Series, bar_chart, legend, point_chart
from storage.report_data import FIELD_QUALITY_KEY, ReportData

STYLE = """
body{font:14px/1.5 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;
color:#1d2733;background:#f6f7f9}
header{background:#23395d;color:#fff;padding:16px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}header span{color:#fff;font-weight:700}
main{padding:8px 32px 32px;max-width:1100px}
section{background:#fff;border:1px solid #dde2e8;border-radius:6px;margin:16px 0;
padding:12px 20px}h2{font-size:17px;margin:4px 0 8px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;
padding:3px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}th{background:#f0f3f6}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{width:100%;height:auto;display:block}svg .grid{stroke:#e3e7ec}
svg .axis{font-size:11px;fill:#5b6878}ul.legend{list-style:none;padding:0;margin:4px 0;
display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.status-success,.status-reprocessed{color:#2e7d32}.status-partial,.status-unhealthy,
.status-interrupted{color:#b26a00}.status-failed,.status-blocked,.status-running{color:#c62828}
.muted{color:#7a8696}figure{margin:8px 0 16px}figcaption{font-weight:600;color:#3b4a5c}
details summary{cursor:pointer;color:#23395d}
"""


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="muted">–</td>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="n">{value:g}</td>' if isinstance(value, float) else \
            f'<td class="n">{value}</td>'
    return f"<td>{escape(str(value))}</td>"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, raw: bool = False) -> str:
    """An HTML table; ``raw`` cells are HTML already (links), the rest are escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" if raw and isinstance(c, str) else _cell(c)
                         for c in row) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def figure(caption: str, chart: str, *notes: str) -> str:
    """A chart under its caption, with its legend or notes after it."""
    return (f'<figure><figcaption>{escape(caption)}</figcaption>{chart}{"".join(notes)}'
            "</figure>")


def section(anchor: str, title: str, *parts: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


def months_section(data: ReportData) -> str:
    months = sorted({row["month"] for row in data.months})
    totals: dict[str, int] = {}
    for row in data.months:
        totals[row["column_path"]] = totals.get(row["column_path"], 0) + row["articles"]
    columns = sorted(totals, key=lambda c: (-totals[c], c))
    cells = {(row["column_path"], row["month"]): row["articles"] for row in data.months}
    series = [Series(c, [cells.get((c, m)) for m in months]) for c in columns]
    if not months:
        return section("months", "Articles per month per column",
                       '<p class="muted">No article with a publication date.</p>')
    rows = [(row["month"], row["column_path"], row["articles"]) for row in data.months]
    return section(
        "months", "Articles per month per column",
        figure("Articles per month, stacked by column",
               bar_chart("months", "Articles per month, stacked by column", months, series,
                         stacked=True), legend(series)),
        "<details><summary>The numbers (query 1 of docs/analysts.md)</summary>",
        table(["month", "column", "articles"], rows), "</details>",
    )


def _run_label(run: dict[str, Any]) -> str:
    return f"#{run['run_id']} {(run['started_at'] or '')[:10]}"


def changes_section(data: ReportData) -> str:
    labels = [_run_label(run) for run in data.runs]
    series = [Series("new", [run["articles_new"] for run in data.runs]),
              Series("updated", [run["articles_updated"] for run in data.runs]),
              Series("gone", [run["pages_gone"] for run in data.runs])]
    if not data.runs:
        return section("changes", "New, updated and gone per run",
                       '<p class="muted">No run in this period.</p>')
    return section("changes", "New, updated and gone per run",
                   figure("Articles new and updated, pages gone, per run",
                          bar_chart("changes", "New, updated and gone per run", labels,
                                    series), legend(series)))


def _status(status: str) -> str:
    return f'<span class="status-{escape(status)}">{escape(status)}</span>'


def health_section(data: ReportData) -> str:
    if not data.runs:
        return section("health", "Crawl health per run",
                       '<p class="muted">No run in this period.</p>')
    labels = [_run_label(run) for run in data.runs]
    problems = [Series("errors", [run["errors"] for run in data.runs]),
                Series("blocked", [run["blocked"] for run in data.runs])]
    durations = [Series("duration (s)", [run["duration_seconds"] for run in data.runs])]
    rows = [(str(run["run_id"]), escape(run["started_at"] or ""), _status(run["status"]),
             run["duration_seconds"], run["pages_fetched"], run["pages_not_modified"],
             run["errors"], run["error_rate"], run["blocked"], run["articles_new"],
             run["articles_updated"], run["duplicates_merged"], run["pages_gone"])
            for run in reversed(data.runs)]
    return section(
        "health", "Crawl health per run",
        figure("Pages failed and bot challenges (HTTP 412/521) per run",
               point_chart("problems", "Errors and blocked answers per run", labels,
                           problems), legend(problems)),
        figure("Duration per run, seconds",
               point_chart("durations", "Duration per run in seconds", labels, durations)),
        table(["run", "started (UTC)", "status", "seconds", "pages", "not modified",
               "errors", "error rate", "blocked", "new", "updated", "merged", "gone"],
              rows, raw=True),
    )


def _quality(value: Any) -> str:
    """One field's coverage as the run stored it: a share as a percentage, else as is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:g}"
    return json.dumps(value, ensure_ascii=False)


def quality_section(data: ReportData) -> str:
    rows = []
    for run in reversed(data.runs):
        quality = run["field_quality"]
        if quality is None:
            text = '<span class="muted">not measured</span>'
        else:
            text = ", ".join(f"{escape(str(k))}: {escape(_quality(v))}"
                             for k, v in quality.items())
        rows.append((str(run["run_id"]), _status(run["status"]), text))
    return section("quality", "Field quality per run",
                   f'<p class="muted">From each run\'s checks (<code>{FIELD_QUALITY_KEY}</code>)'
                   '.</p>', table(["run", "status", "coverage by field"], rows, raw=True))


def merges_section(data: ReportData) -> str:
    causes = [row["cause"] for row in data.merges]
    if not causes:
        return section("merges", "Duplicates merged by cause",
                       '<p class="muted">No page was merged into another.</p>')
    series = [Series("pages", [row["pages"] for row in data.merges])]
    return section("merges", "Duplicates merged by cause",
                   figure("Pages merged into another page's article, by cause",
                          bar_chart("merges", "Pages merged by cause", causes, series)),
                   table(["cause", "pages"], [(row["cause"], row["pages"])
                                              for row in data.merges]))


def registrations_section(data: ReportData) -> str:
    rows = [(row["kind"], row["value"], row["page_count"], row["first_seen_at"],
             row["last_seen_at"], "canonical" if row["is_canonical"] else
             ("conflicting" if row["kind"] in data.conflicts else ""))
            for row in data.registrations]
    note = (f"<p>More than one value seen for: {escape(', '.join(data.conflicts))}. "
            "The canonical one is reconciliation's verdict from the evidence.</p>"
            if data.conflicts else "")
    return section("registrations", "Filing numbers", note,
                   table(["kind", "value", "pages", "first seen", "last seen", "verdict"],
                         rows))


def latest_section(data: ReportData) -> str:
    rows = [(escape(row["published_at"] or "–"),
             f'<a href="{escape(row["canonical_url"])}" rel="noopener">'
             f"{escape(row['title'])}</a>",
             escape(row["column_path"] or ""), escape(row["source"] or "–"),
             str(row["url_count"]))
            for row in data.latest]
    return section("latest", f"Latest {len(rows)} articles",
                   table(["published", "title", "column", "source", "URLs"], rows, raw=True))


def render(data: ReportData, *, database: str, generated_at: str) -> str:
    """The whole page."""
    bounds = " · ".join(part for part in (
        f"published/started from {data.since}" if data.since else "",
        f"until {data.until}" if data.until else "") if part) or "all dates"
    bounds += f" · site {data.site}" if data.site else " · every site"
    runs = data.runs[-1] if data.runs else None
    last = (f"last run #{runs['run_id']}: {_status(runs['status'])}" if runs else "no run")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>liuzhou-spider report</title>"
        f"<style>{STYLE}</style></head><body>"
        "<header><h1>liuzhou-spider report</h1>"
        f"<p>{escape(database)} · generated {escape(generated_at)} · {escape(bounds)} · "
        f"{data.articles} articles · {last}</p></header><main>"
        + months_section(data) + changes_section(data) + health_section(data)
        + quality_section(data) + merges_section(data) + registrations_section(data)
        + latest_section(data)
        + "</main></body></html>\n"
    )
