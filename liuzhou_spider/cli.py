"""The ``liuzhou`` command line (interfaces.md): crawl, demo, export, stats, db, extract.

Scheduled jobs depend on these names, options and exit codes (``health.ExitCode``):
extend them, never change them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from liuzhou_spider.health import ExitCode
from liuzhou_spider.runner import CrawlOptions, Locked, run_crawl
from storage.db import default_url

err = Console(stderr=True)


def db_option(func: Any) -> Any:
    """``--db URL``: SQLAlchemy URL; default LIUZHOU_DB, else sqlite:///liuzhou.db."""
    return click.option(
        "--db", "db_url", default=None, metavar="URL",
        help="Database URL (default: $LIUZHOU_DB, else sqlite:///liuzhou.db).",
    )(func)


def resolve_db(db_url: str | None) -> str:
    """The database URL a command uses."""
    return db_url or os.environ.get("LIUZHOU_DB") or default_url()


def fail(message: str, code: ExitCode = ExitCode.FAILED) -> None:
    """One line on stderr and the exit code: what a cron mail should show."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(int(code))


def print_summary(result: Any, db_url: str) -> None:
    """The end-of-run summary: what this run did, then what the database holds."""
    from storage.db import make_engine
    from storage.stats import collect

    stats = result.stats
    table = Table(title="Crawl summary", show_header=False)
    table.add_row("outcome", f"{result.outcome.status} ({result.outcome.reason})")
    for label, key in (
        ("pages fetched", "liuzhou/pages"),
        ("not modified", "liuzhou/not_modified"),
        ("article pages", "liuzhou/articles_parsed"),
        ("new articles", "liuzhou/articles_new"),
        ("merged duplicates", "liuzhou/merged"),
        ("gone (404/410)", "liuzhou/gone"),
        ("blocked (412/521)", "liuzhou/blocked"),
        ("chrome leaks", "liuzhou/chrome_leaks"),
        ("robots.txt refusals", "robotstxt/forbidden"),
    ):
        table.add_row(label, str(stats.get(key, 0)))
    Console().print(table)
    engine = make_engine(db_url)
    try:
        print_stats(collect(engine))
    finally:
        engine.dispose()


def print_stats(data: dict[str, Any]) -> None:
    """Render ``storage.stats.collect`` for a person."""
    console = Console()
    table = Table(title="Database", show_header=False)
    for key, value in data.items():
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False, default=str)
        table.add_row(str(key), str(value))
    console.print(table)


@click.group()
@click.version_option(package_name="liuzhou-spider")
def main() -> None:
    """Crawl, clean, deduplicate and store the articles of www.lztz.gov.cn."""


def crawl_and_report(options: CrawlOptions, report: str | None = None,
                     serve_hint: bool = False) -> None:
    """Run a crawl, print the summary, write the HTML report if asked, exit with the run's
    code (a report that cannot be written is said on stderr; the run's code stands)."""
    try:
        result = run_crawl(options)
    except Locked as exc:
        fail(f"{exc}; try again when it has finished", ExitCode.LOCKED)
    except Exception as exc:  # database unreachable, schema outdated, ...
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    print_summary(result, options.db_url)
    if report:
        write_html_report(options.db_url, report)
    if serve_hint:
        err.print(f"Browse the data: liuzhou serve --db {options.db_url}"
                  if options.db_url.startswith("sqlite") else
                  "Browse the data: the analyst views (docs/analysts.md); liuzhou serve "
                  "needs SQLite", highlight=False)
    if result.outcome.exit_code != ExitCode.SUCCESS:
        fail(f"run {result.outcome.status}: {result.outcome.reason}", result.outcome.exit_code)


@main.command()
@db_option
@click.option("--start-url", multiple=True, help="Crawl from here (repeatable).")
@click.option("--host-alias", multiple=True, metavar="HOST[:PORT]",
              help="Another host name of the same site (repeatable).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None)
@click.option("--jobdir", type=click.Path(file_okay=False), default=None,
              help="Keep the crawl state here: Ctrl-C pauses, the same command resumes.")
@click.option("--full", is_flag=True, help="Ignore what earlier runs learned; fetch everything.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None)
@click.option("--log-level", default="INFO",
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--report", "report_file", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="After the run, write the HTML report here.")
def crawl(db_url: str | None, start_url: tuple[str, ...], host_alias: tuple[str, ...],
          max_pages: int | None, jobdir: str | None, full: bool, log_file: str | None,
          log_level: str, report_file: str | None) -> None:
    """Crawl the site, clean, deduplicate, store; print a summary."""
    crawl_and_report(CrawlOptions(
        db_url=resolve_db(db_url), start_urls=list(start_url), host_aliases=list(host_alias),
        max_pages=max_pages, jobdir=jobdir, full=full, log_file=log_file,
        log_level=log_level.upper(),
    ), report=report_file)


@main.command()
@db_option
@click.option("--size", type=click.IntRange(min=1), default=150, show_default=True,
              help="Articles in the offline portal.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--log-level", default="WARNING",
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              default="liuzhou-report.html", show_default=True, metavar="FILE",
              help="Where to write the HTML report of the database.")
def demo(db_url: str | None, size: int, seed: int, log_level: str, report_file: str) -> None:
    """Serve the bundled offline portal on loopback, crawl it, print the summary, write the
    HTML report and name the command that serves the data."""
    from liuzhou_spider.portal.demo import offline_portal

    with offline_portal(size=size, seed=seed) as server:
        err.print(f"Offline portal ({size} articles) at {server.base_url}, "
                  f"alias {server.alias_base_url}")
        crawl_and_report(CrawlOptions(
            db_url=resolve_db(db_url), start_urls=[server.base_url],
            host_aliases=[server.alias_base_url.split("//", 1)[1].rstrip("/")],
            log_level=log_level.upper(),
        ), report=report_file, serve_hint=True)


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", default="-", show_default=True, help="File, or - for stdout.")
@click.option("--since", default=None, metavar="DATE", help="Published on or after this date.")
@click.option("--column", default=None, metavar="NAME", help="Only articles of this column.")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte-order mark (spreadsheets).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def export(db_url: str | None, fmt: str, output: str, since: str | None, column: str | None,
           bom: bool, force: bool) -> None:
    """Write the canonical records as JSON, JSON Lines or CSV."""
    from storage.db import make_engine
    from storage.export import export_articles

    if bom and fmt != "csv":
        fail("--bom is for CSV only (JSON readers reject a byte-order mark)", ExitCode.USAGE)
    if since is not None:
        from datetime import date

        try:
            date.fromisoformat(since[:10])
        except ValueError:
            fail(f"--since wants a date like 2026-02-25, not {since!r}", ExitCode.USAGE)
    engine = make_engine(resolve_db(db_url))
    try:
        if output == "-":
            rows = export_articles(engine, fmt, sys.stdout.buffer, since=since, column=column,
                                   bom=bom)
            sys.stdout.buffer.flush()
        else:
            path = Path(output)
            if path.exists() and not force:
                fail(f"{output} exists; use --force to overwrite it", ExitCode.USAGE)
            tmp = path.with_name(path.name + ".part")
            with tmp.open("wb") as out:
                rows = export_articles(engine, fmt, out, since=since, column=column, bom=bom)
            tmp.replace(path)
    finally:
        engine.dispose()
    err.print(f"{rows} article(s) exported")


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(db_url: str | None, as_json: bool) -> None:
    """What is stored: articles, URLs, duplicates merged, registrations, last runs."""
    from storage.db import make_engine
    from storage.stats import collect

    engine = make_engine(resolve_db(db_url))
    try:
        data = collect(engine)
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print_stats(data)


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command()
@db_option
def upgrade(db_url: str | None) -> None:
    """Create or migrate the schema (Alembic)."""
    from storage.migrate import upgrade as upgrade_schema

    url = resolve_db(db_url)
    upgrade_schema(url)
    err.print(f"schema up to date: {url.split('@')[-1]}")


@main.command()
@click.argument("page", type=click.Path(exists=True, dir_okay=False))
@click.option("--url", default=None, help="The URL the page was fetched from.")
def extract(page: str, url: str | None) -> None:
    """Print the clean article of one saved page as JSON (template or fallback)."""
    from dataclasses import asdict

    from liuzhou_spider.pages.article import decode_html, parse_article
    from liuzhou_spider.profile import LZTZ
    from liuzhou_spider.urls import canonicalize
    from pipelines.cleaning import clean_article

    page_url = url or Path(page).resolve().as_uri()
    html = decode_html(Path(page).read_bytes(), None)
    raw = parse_article(html, page_url, LZTZ, canonical_url=canonicalize(page_url, LZTZ))
    clean = asdict(clean_article(raw, LZTZ))
    clean.pop("raw")
    clean["url"] = page_url
    clean["template"] = raw.template
    click.echo(json.dumps(clean, ensure_ascii=False, indent=2))


@main.command()
@db_option
@click.option("--column", default=None, metavar="NAME", help="Only articles of this column.")
@click.option("--since", default=None, metavar="DATE", help="Published on or after this date.")
@click.option("--until", default=None, metavar="DATE", help="Published on or before this date.")
@click.option("--workers", type=click.IntRange(min=0), default=None, metavar="N",
              help="Processes reading the pages (0: none; default: one per core from "
                   "1,000 pages on).")
def reprocess(db_url: str | None, column: str | None, since: str | None,
              until: str | None, workers: int | None) -> None:
    """Re-run parsing, cleaning and merging over the stored pages (no network)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from pipelines.reprocess import reprocess as rebuild

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("reprocessing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = rebuild(resolve_db(db_url), column=column, since=since, until=until,
                             progress=progress, workers=workers)
        except Locked as exc:
            fail(f"{exc}; try again when it has finished", ExitCode.LOCKED)
        except Exception as exc:
            fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    err.print(
        f"{result.pages} page(s) reprocessed in {result.seconds:.1f} s: "
        f"{result.articles_new} article(s), {result.duplicates_merged} merged, "
        f"{result.errors} error(s)"
    )
    if result.errors:
        sys.exit(int(ExitCode.PARTIAL))


# -- the report and the browser over the data (docs/report.md) --------------------------


def check_date(option: str, value: str | None) -> None:
    """Exit 2 unless ``value`` is absent or starts with a date like 2026-02-25."""
    from datetime import date

    if value is None:
        return
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        fail(f"{option} wants a date like 2026-02-25, not {value!r}", ExitCode.USAGE)


def write_html_report(db_url: str, output: str, since: str | None = None,
                      until: str | None = None) -> bool:
    """Write the report; say where, or why not (on stderr). True when written."""
    from liuzhou_spider.report import write_report

    try:
        path = write_report(db_url, output, since=since, until=until)
    except Exception as exc:
        err.print(f"[bold red]error:[/] report not written: "
                  f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                  highlight=False)
        return False
    err.print(f"Report: {path.resolve()} (open it in a browser)", highlight=False)
    return True


@main.command()
@db_option
@click.option("--output", "-o", default="report.html", show_default=True, metavar="FILE")
@click.option("--since", default=None, metavar="DATE",
              help="Articles published and runs started on or after this date.")
@click.option("--until", default=None, metavar="DATE",
              help="Articles published and runs started on or before this date.")
def report(db_url: str | None, output: str, since: str | None, until: str | None) -> None:
    """Write one self-contained HTML page: articles per month and column, runs and their
    health, merged duplicates, filing numbers, latest articles."""
    check_date("--since", since)
    check_date("--until", until)
    if not write_html_report(resolve_db(db_url), output, since, until):
        sys.exit(int(ExitCode.FAILED))


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback: this machine only).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8001, show_default=True)
def serve(db_url: str | None, host: str, port: int) -> None:
    """Browse a SQLite database read-only with Datasette: the views, the example queries,
    facets, full-text search. Exit 2 for a PostgreSQL URL (the views and `liuzhou report`
    serve it instead)."""
    from liuzhou_spider.serve import NotServable, NotSQLite, sqlite_file
    from liuzhou_spider.serve import serve as run_datasette

    url = resolve_db(db_url)
    try:
        sqlite_file(url)
    except NotServable as exc:
        fail(str(exc), ExitCode.USAGE if isinstance(exc, NotSQLite) else ExitCode.FAILED)
    try:
        import datasette  # noqa: F401
    except ImportError:
        fail("Datasette is not installed: pip install 'liuzhou-spider[serve]'")
    err.print(f"Serving {url} read-only at http://{host}:{port}/ (Ctrl-C stops)",
              highlight=False)
    run_datasette(url, host=host, port=port)
