"""The ``liuzhou`` command line (interfaces.md): crawl, demo, export, stats, db, extract,
reprocess, sites.

Scheduled jobs depend on these names, options and exit codes (``health.ExitCode``):
extend them, never change them.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from liuzhou_spider.health import ExitCode
from liuzhou_spider.messages import redact, safe_url
from liuzhou_spider.profile import SiteProfile
from liuzhou_spider.runner import (
    CrawlOptions,
    Locked,
    LockUnavailable,
    check_database,
    run_crawl,
)
from liuzhou_spider.sites import (
    DEFAULT_SITE,
    ProfileError,
    Registry,
    UnknownSite,
    load_registry,
)
from storage.db import DatabaseUnavailable, default_url
from storage.migrate import SchemaError

err = Console(stderr=True)


def db_option(func: Any) -> Any:
    """``--db URL``: SQLAlchemy URL; default LIUZHOU_DB, else sqlite:///liuzhou.db."""
    return click.option(
        "--db", "db_url", default=None, metavar="URL",
        help="Database URL (default: $LIUZHOU_DB, else sqlite:///liuzhou.db).",
    )(func)


def resolve_db(db_url: str | None) -> str:
    """The database URL a command uses, refused at once (exit 2) when it is not one."""
    from storage.db import normalize_url

    url = db_url or os.environ.get("LIUZHOU_DB") or default_url()
    try:
        normalize_url(url).get_dialect()
    except (ValueError, SQLAlchemyError) as exc:
        fail(f"--db: not a database URL this program can use: {url!r} ({first_line(exc)}; "
             f"try sqlite:///liuzhou.db or postgresql://user@host/db)", ExitCode.USAGE)
    return url


def sites_dir_option(func: Any) -> Any:
    """``--sites-dir DIR``: the user's site profiles (default $LIUZHOU_SITES_DIR)."""
    return click.option(
        "--sites-dir", default=None, metavar="DIR", type=click.Path(file_okay=False),
        help="A folder of site profiles (*.toml) besides the bundled ones "
             "(default: $LIUZHOU_SITES_DIR; docs/profiles.md).",
    )(func)


def site_option(default: str | None = DEFAULT_SITE, help_text: str = "") -> Any:
    """``--site NAME`` and ``--sites-dir DIR``: which site profile a command uses."""
    def decorate(func: Any) -> Any:
        func = sites_dir_option(func)
        return click.option(
            "--site", default=default, metavar="NAME", show_default=default is not None,
            help=help_text or "The site's profile (liuzhou sites lists them).",
        )(func)
    return decorate


def sites_registry(sites_dir: str | None) -> Registry:
    """The known sites, or exit 2 with the broken profile's file, key and problem."""
    try:
        return load_registry(sites_dir)
    except ProfileError as exc:
        fail(str(exc), ExitCode.USAGE)


def resolve_site(site: str, sites_dir: str | None) -> SiteProfile:
    """The profile called ``site``, or exit 2 naming the known sites."""
    try:
        return sites_registry(sites_dir).profile(site)
    except UnknownSite as exc:
        fail(str(exc), ExitCode.USAGE)


def first_line(exc: BaseException) -> str:
    """An exception as one line for a person: its message's first line, or its type."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_existing(db_url: str) -> Any:
    """An engine on a database that must already exist (``stats``, ``export``): a
    misspelt SQLite path is "no database at PATH" (exit 1, through ``fails_cleanly``),
    and no file is created."""
    from storage.db import make_engine

    return make_engine(db_url, must_exist=True)


def fail(message: str, code: ExitCode = ExitCode.FAILED) -> NoReturn:
    """One line on stderr and the exit code: what a cron mail should show (never a
    password: every message passes ``redact``)."""
    err.print(f"[bold red]error:[/] {escape(redact(message))}", highlight=False,
              soft_wrap=True)
    sys.exit(int(code))


def fails_cleanly(command: Callable[..., None]) -> Callable[..., None]:
    """Every command ends a failure the same way: one line naming the problem (and the
    option), a documented exit code, no traceback.

    A database that cannot be opened or used (``--db``) and a file that cannot be
    written exit 1; a run holding the lock exits 5; Ctrl-C exits 6 (an export removes its
    ``.part`` file, a reprocess's one transaction is rolled back).  Bad command lines are
    refused before anything starts, by the commands themselves (exit 2).
    """
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except Locked as exc:
            fail(f"{exc}; try again when it has finished", ExitCode.LOCKED)
        except (DatabaseUnavailable, SchemaError, SQLAlchemyError) as exc:
            fail(f"--db: {first_line(exc)}")
        except BrokenPipeError:  # `liuzhou export | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no 2nd error
            fail("stdout: the reader closed the pipe before the end")
        except (LockUnavailable, ValueError, OSError) as exc:
            fail(first_line(exc))
        except KeyboardInterrupt:  # a crawl handles Ctrl-C itself; the others end here
            fail("interrupted (Ctrl-C); what was not finished was not written",
                 ExitCode.INTERRUPTED)

    return wrapper


def checked_date(option: str, value: str | None) -> str | None:
    """A ``--since``/``--until`` value, refused at once (exit 2) when it is not a date."""
    from storage.timefmt import since_bound

    if value is not None:
        try:
            since_bound(value)
        except ValueError:
            fail(f"{option} wants a date like 2026-02-25, not {value!r}", ExitCode.USAGE)
    return value


def checked_http_url(option: str, url: str) -> str:
    """An absolute http(s) URL with a host, or one line naming ``option`` and exit 2."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:  # an unclosed IPv6 bracket, a port out of range
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fail(f"{option} wants an http(s) URL like https://www.lztz.gov.cn/, not {url!r}",
             ExitCode.USAGE)
    return url


def checked_start_urls(urls: tuple[str, ...]) -> list[str]:
    """``--start-url`` values, each an absolute http(s) URL, or exit 2."""
    return [checked_http_url("--start-url", url) for url in urls]


def print_summary(result: Any, db_url: str) -> None:
    """The end-of-run summary: what this run did, then what the database holds."""
    from liuzhou_spider.field_quality import FIELD_QUALITY, summary_lines
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
        ("unreadable pagers", "liuzhou/pager_unreadable"),
        ("decoded with U+FFFD", "liuzhou/decode_replaced"),
        ("robots.txt refusals", "robotstxt/forbidden"),
    ):
        table.add_row(label, str(stats.get(key, 0)))
    for line in summary_lines(stats.get(FIELD_QUALITY) or {}):
        label, _, value = line.partition(": ")
        table.add_row(label, value)
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
    """Crawl, clean, deduplicate and store the articles of TRS government portals
    (www.lztz.gov.cn unless --site names another: liuzhou sites)."""


def crawl_and_report(options: CrawlOptions, report: str | None = None,
                     serve_hint: bool = False) -> None:
    """Run a crawl, print the summary, write the HTML report if asked, exit with the run's
    code (a report that cannot be written is said on stderr; the run's code stands)."""
    result = run_crawl(options)
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


def checked_host_aliases(aliases: tuple[str, ...]) -> list[str]:
    """``--host-alias`` values: HOST or HOST:PORT, no scheme or path, or exit 2."""
    from liuzhou_spider.urls import is_host

    for alias in aliases:
        if not is_host(alias):
            fail(f"--host-alias wants HOST or HOST:PORT like lztz.gov.cn, not {alias!r}",
                 ExitCode.USAGE)
    return list(aliases)


@main.command()
@db_option
@site_option()
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
@fails_cleanly
def crawl(db_url: str | None, site: str, sites_dir: str | None, start_url: tuple[str, ...],
          host_alias: tuple[str, ...], max_pages: int | None, jobdir: str | None, full: bool,
          log_file: str | None, log_level: str, report_file: str | None) -> None:
    """Crawl the site, clean, deduplicate, store; print a summary."""
    if log_file is not None and not Path(log_file).resolve().parent.is_dir():
        fail(f"--log-file: the folder of {log_file} does not exist", ExitCode.USAGE)
    resolve_site(site, sites_dir)  # an unknown site or a broken profile: one line, exit 2
    crawl_and_report(CrawlOptions(
        db_url=resolve_db(db_url), site=site, sites_dir=sites_dir,
        start_urls=checked_start_urls(start_url),
        host_aliases=checked_host_aliases(host_alias),
        max_pages=max_pages, jobdir=jobdir, full=full, log_file=log_file,
        log_level=log_level.upper(),
    ), report=report_file)


@main.command()
@db_option
@site_option(help_text="The site the offline portal renders and the crawl reads.")
@click.option("--size", type=click.IntRange(min=1), default=150, show_default=True,
              help="Articles in the offline portal.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--log-level", default="WARNING",
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              default="liuzhou-report.html", show_default=True, metavar="FILE",
              help="Where to write the HTML report of the database.")
@fails_cleanly
def demo(db_url: str | None, site: str, sites_dir: str | None, size: int, seed: int,
         log_level: str, report_file: str) -> None:
    """Serve the bundled offline portal on loopback, crawl it, print the summary, write the
    HTML report and name the command that serves the data.

    The demo fills a database of its own (``liuzhou-demo.db`` unless ``--db`` names
    another), never ``$LIUZHOU_DB`` or ``liuzhou.db``, and starts it afresh each time: the
    portal's port changes from run to run, so its URLs would pile up as new articles.
    """
    from liuzhou_spider.portal.demo import offline_portal
    from liuzhou_spider.portal.sites import BUNDLED as PORTAL_SITES

    resolve_site(site, sites_dir)
    if site not in PORTAL_SITES:
        fail(f"--site {site}: the offline portal renders {', '.join(PORTAL_SITES)}",
             ExitCode.USAGE)
    url = resolve_db(db_url or DEMO_DB)
    fresh_demo_database(url, replace=db_url is None)
    check_database(url)  # before the portal starts: a bad --db is one line, not a crawl
    with offline_portal(size=size, seed=seed, site=PORTAL_SITES[site]) as server:
        err.print(f"Offline portal of {site} ({size} articles) at {server.base_url}, "
                  f"alias {server.alias_base_url}; database {safe_url(url)}")
        crawl_and_report(CrawlOptions(
            db_url=url, site=site, sites_dir=sites_dir, start_urls=[server.base_url],
            host_aliases=[server.alias_base_url.split("//", 1)[1].rstrip("/")],
            log_level=log_level.upper(),
        ), report=report_file, serve_hint=True)


DEMO_DB = "sqlite:///liuzhou-demo.db"


def fresh_demo_database(url: str, *, replace: bool) -> None:
    """Make sure the demo crawls into an empty database: ``replace`` removes the demo's
    own file (and its WAL and journal files); a database named by ``--db`` that already
    holds articles is refused (exit 2), never filled with the demo's."""
    from storage.db import make_engine
    from storage.stats import collect

    if replace:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return
    engine = make_engine(url)
    try:
        articles = collect(engine).get("articles", 0)
    except SQLAlchemyError:
        articles = 0  # no schema yet: an empty database
    finally:
        engine.dispose()
    if articles:
        fail(f"--db {safe_url(url)} already holds {articles} article(s); the demo fills a "
             f"database of its own (leave out --db for {DEMO_DB.removeprefix('sqlite:///')})",
             ExitCode.USAGE)


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", default="-", show_default=True, help="File, or - for stdout.")
@click.option("--since", default=None, metavar="DATE", help="Published on or after this date.")
@click.option("--column", default=None, metavar="NAME", help="Only articles of this column.")
@click.option("--site", "site", default=None, metavar="NAME",
              help="Only articles of this site (default: every site).")
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte-order mark (spreadsheets).")
@click.option("--spreadsheet-safe/--no-spreadsheet-safe", "spreadsheet", default=None,
              help="CSV: a quote before cells starting with = + - @ tab CR, so a spreadsheet "
                   "never runs them as formulas (default: on with --bom, off without).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@fails_cleanly
def export(db_url: str | None, fmt: str, output: str, since: str | None, column: str | None,
           site: str | None, bom: bool, spreadsheet: bool | None, force: bool) -> None:
    """Write the canonical records as JSON, JSON Lines or CSV."""
    from storage.export import export_articles

    if bom and fmt != "csv":
        fail("--bom is for CSV only (JSON readers reject a byte-order mark)", ExitCode.USAGE)
    if spreadsheet and fmt != "csv":
        fail("--spreadsheet-safe is for CSV only", ExitCode.USAGE)
    checked_date("--since", since)
    path = None if output == "-" else checked_output(Path(output), force)
    engine = open_existing(resolve_db(db_url))
    try:
        if site is not None:
            check_site(engine, site)
        if column is not None:
            check_column(engine, column)
        if path is None:
            rows = export_articles(engine, fmt, sys.stdout.buffer, since=since, column=column,
                                   site=site, bom=bom, spreadsheet=spreadsheet)
            sys.stdout.buffer.flush()
        else:
            tmp = path.with_name(path.name + ".part")
            try:
                with tmp.open("wb") as out:
                    rows = export_articles(engine, fmt, out, since=since, column=column,
                                           site=site, bom=bom, spreadsheet=spreadsheet)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)  # a failed export leaves nothing behind
    finally:
        engine.dispose()
    err.print(f"{rows} article(s) exported")


def checked_output(path: Path, force: bool) -> Path:
    """``--output`` as a file that can be written, or exit 2 before anything is read."""
    if path.is_dir():
        fail(f"--output {path} is a folder; name a file in it", ExitCode.USAGE)
    if not path.parent.is_dir():
        fail(f"--output {path}: the folder {path.parent} does not exist", ExitCode.USAGE)
    if path.exists() and not force:
        fail(f"--output {path} exists; use --force to overwrite it", ExitCode.USAGE)
    return path


def check_site(engine: Any, site: str) -> None:
    """Refuse (exit 2) a ``--site`` with no stored article: a misspelt name would
    otherwise select nothing, silently."""
    from storage.export import site_names

    names = site_names(engine)
    if site in names or not names:  # an empty database has nothing to select, rightly
        return
    fail(f"--site {site!r}: no article of that site is stored; sites: {', '.join(names)}",
         ExitCode.USAGE)


def check_column(engine: Any, column: str) -> None:
    """Refuse (exit 2) a ``--column`` no stored article is filed under, naming the
    closest: a misspelt name would otherwise export nothing, silently."""
    import difflib

    from storage.export import column_names

    names = column_names(engine)
    if column in names or not names:  # an empty database exports nothing, rightly
        return
    close = difflib.get_close_matches(column, names, n=3, cutoff=0.3)
    hint = (f"did you mean {', '.join(close)}?" if close
            else f"columns: {', '.join(names[:20])}{' ...' if len(names) > 20 else ''}")
    fail(f"--column {column!r}: no article is filed under it; {hint}", ExitCode.USAGE)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--site", "site", default=None, metavar="NAME",
              help="Only this site (default: every site, with counts per site).")
@fails_cleanly
def stats(db_url: str | None, as_json: bool, site: str | None) -> None:
    """What is stored: articles, URLs, duplicates merged, registrations, last runs."""
    from storage.stats import collect

    engine = open_existing(resolve_db(db_url))
    try:
        if site is not None:
            check_site(engine, site)
        data = collect(engine, site)
    except Exception as exc:  # not our schema, server gone meanwhile, ...
        fail(first_line(exc))
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print_stats(data)


@main.command()
@sites_dir_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def sites(sites_dir: str | None, as_json: bool) -> None:
    """The sites this program knows: the bundled profiles and those of --sites-dir (a
    user's profile of a bundled name replaces it)."""
    registry = sites_registry(sites_dir)
    described = [site_description(name, registry) for name in registry.names()]
    if as_json:
        click.echo(json.dumps(described, ensure_ascii=False, indent=2))
        return
    for site in described:
        aliases = f" (aliases: {', '.join(site['aliases'])})" if site["aliases"] else ""
        filings = "; ".join(f"{kind} {' '.join(values)}"
                            for kind, values in site["filings"].items())
        origin = ("user profile, replaces the bundled " + site["replaces"] if site["replaces"]
                  else "bundled" if site["bundled"] else "user profile")
        click.echo(f"{site['name']}: {site['site_name']}\n"
                   f"  hosts: {', '.join(site['hosts'])}{aliases}\n"
                   f"  start URLs: {', '.join(site['start_urls'])}\n"
                   + (f"  filings: {filings}\n" if filings else "")
                   + f"  file: {site['source']} ({origin})")


def site_description(name: str, registry: Registry) -> dict[str, Any]:
    """What ``liuzhou sites`` says of one site."""
    entry = registry.entry(name)
    profile = entry.profile
    return {
        "name": name, "site_name": profile.site_name, "hosts": list(profile.hosts),
        "aliases": list(profile.aliases), "start_urls": list(profile.start_urls),
        "filings": {kind: list(values) for kind, values in profile.filings.items()},
        "templates": [t.name for t in profile.templates],
        "source": str(entry.source), "bundled": entry.bundled,
        "replaces": str(entry.replaces) if entry.replaces else None,
    }


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command()
@db_option
@fails_cleanly
def upgrade(db_url: str | None) -> None:
    """Create or migrate the schema (Alembic); creates a new SQLite file if none exists.

    A database holding other tables than this program's is refused, untouched.
    """
    from storage.db import make_engine, sqlite_file
    from storage.migrate import upgrade as upgrade_schema

    url = resolve_db(db_url)
    path = sqlite_file(url)
    new = path is not None and not path.exists()
    engine = make_engine(url)  # a failure is one line through fails_cleanly
    try:
        upgrade_schema(engine)
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    err.print(f"new database created: {path}" if new else f"schema up to date: {where}",
              highlight=False)


@main.command()
@click.argument("page", type=click.Path(exists=True, dir_okay=False))
@site_option(help_text="The site's profile to read the page with (a page of another host "
                       "is read with it, re-pointed at that host).")
@click.option("--url", default=None, help="The URL the page was fetched from.")
@click.option("--link-title", default=None, metavar="TEXT",
              help="The list page's words for the article (title evidence).")
@click.option("--save-fixture", "fixture_dir", default=None, metavar="DIR",
              type=click.Path(file_okay=False),
              help="Also write a real-page fixture folder under DIR (page, source, expected "
                   "values pre-filled from this reading, marked unreviewed).")
@click.option("--licence", default="unknown: check before committing", show_default=True,
              help="The page's licence, for the fixture's source.json.")
@fails_cleanly
def extract(page: str, site: str, sites_dir: str | None, url: str | None,
            link_title: str | None, fixture_dir: str | None, licence: str) -> None:
    """Print the clean article of one saved page as JSON (template or fallback)."""
    from liuzhou_spider.realpages import fixture_name, read_saved_page, save_fixture

    profile = resolve_site(site, sites_dir)
    body = checked_page(Path(page))
    page_url = checked_http_url("--url", url) if url else Path(page).resolve().as_uri()
    record = read_saved_page(body, page_url, profile, link_title=link_title)
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


def checked_page(path: Path) -> bytes:
    """The bytes of a saved page, or exit 1 for an empty file or one that is not text."""
    from liuzhou_spider.pages.trust import EMPTY, sniff

    data = path.read_bytes()
    reason = sniff(data)  # the spider's own judgement of an answer's bytes
    if reason == EMPTY:
        fail(f"PAGE {path} is empty: nothing to extract")
    if reason:
        fail(f"PAGE {path} is not an HTML page ({reason} data)")
    return data


@main.command()
@db_option
@site_option(default=None, help_text="The site's profile to read the pages with (default: "
                                     "the site of the latest crawl, else lztz).")
@click.option("--column", default=None, metavar="NAME", help="Only articles of this column.")
@click.option("--since", default=None, metavar="DATE", help="Published on or after this date.")
@click.option("--until", default=None, metavar="DATE", help="Published on or before this date.")
@click.option("--workers", type=click.IntRange(min=0), default=None, metavar="N",
              help="Processes reading the pages (0: none; default: one per core from "
                   "1,000 pages on).")
@fails_cleanly
def reprocess(db_url: str | None, site: str | None, sites_dir: str | None,
              column: str | None, since: str | None, until: str | None,
              workers: int | None) -> None:
    """Re-run parsing, cleaning and merging over the stored pages (no network)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from pipelines.reprocess import reprocess as rebuild

    url = resolve_db(db_url)
    if site is None:
        sites_registry(sites_dir)  # a broken profile: one line, exit 2
    else:
        resolve_site(site, sites_dir)
    checked_date("--since", since)
    checked_date("--until", until)
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("reprocessing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = rebuild(url, column=column, since=since, until=until,
                         progress=progress, workers=workers, site=site, sites_dir=sites_dir)
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
