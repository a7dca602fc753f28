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


def crawl_and_report(options: CrawlOptions) -> None:
    """Run a crawl, print the summary, exit with the run's code."""
    try:
        result = run_crawl(options)
    except Locked as exc:
        fail(f"{exc}; try again when it has finished", ExitCode.LOCKED)
    except Exception as exc:  # database unreachable, schema outdated, ...
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    print_summary(result, options.db_url)
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
def crawl(db_url: str | None, start_url: tuple[str, ...], host_alias: tuple[str, ...],
          max_pages: int | None, jobdir: str | None, full: bool, log_file: str | None,
          log_level: str) -> None:
    """Crawl the site, clean, deduplicate, store; print a summary."""
    crawl_and_report(CrawlOptions(
        db_url=resolve_db(db_url), start_urls=list(start_url), host_aliases=list(host_alias),
        max_pages=max_pages, jobdir=jobdir, full=full, log_file=log_file,
        log_level=log_level.upper(),
    ))


@main.command()
@db_option
@click.option("--size", type=click.IntRange(min=1), default=150, show_default=True,
              help="Articles in the offline portal.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--log-level", default="WARNING",
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
def demo(db_url: str | None, size: int, seed: int, log_level: str) -> None:
    """Serve the bundled offline portal on loopback, crawl it, print the summary."""
    from liuzhou_spider.portal.demo import offline_portal

    with offline_portal(size=size, seed=seed) as server:
        err.print(f"Offline portal ({size} articles) at {server.base_url}, "
                  f"alias {server.alias_base_url}")
        crawl_and_report(CrawlOptions(
            db_url=resolve_db(db_url), start_urls=[server.base_url],
            host_aliases=[server.alias_base_url.split("//", 1)[1].rstrip("/")],
            log_level=log_level.upper(),
        ))


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
@click.option("--link-title", default=None, metavar="TEXT",
              help="The list page's words for the article (title evidence).")
@click.option("--save-fixture", "fixture_dir", default=None, metavar="DIR",
              type=click.Path(file_okay=False),
              help="Also write a real-page fixture folder under DIR (page, source, expected "
                   "values pre-filled from this reading, marked unreviewed).")
@click.option("--licence", default="unknown: check before committing", show_default=True,
              help="The page's licence, for the fixture's source.json.")
def extract(page: str, url: str | None, link_title: str | None, fixture_dir: str | None,
            licence: str) -> None:
    """Print the clean article of one saved page as JSON (template or fallback)."""
    from liuzhou_spider.realpages import fixture_name, read_saved_page, save_fixture

    body = Path(page).read_bytes()
    page_url = url or Path(page).resolve().as_uri()
    record = read_saved_page(body, page_url, link_title=link_title)
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    if fixture_dir is not None:
        folder = Path(fixture_dir) / fixture_name(url, Path(page).stem)
        try:
            save_fixture(folder, body, url, record, licence=licence,
                         dataset=f"saved page {Path(page).name}", link_title=link_title)
        except FileExistsError as error:
            fail(str(error))
        err.print(f"fixture written: {folder} (unreviewed: check expected.json, then set "
                  '"reviewed": true)')


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
