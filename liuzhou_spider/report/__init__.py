"""``liuzhou report``: one self-contained HTML page of the database's figures.

The figures come from ``storage.report_data`` (queries over the analyst views); this
package only draws them (``charts``: inline SVG) and lays them out (``page``).
"""

from __future__ import annotations

from pathlib import Path

from liuzhou_spider.report.page import render
from storage.db import make_engine, normalize_url
from storage.report_data import collect_report
from storage.timefmt import now_utc


def write_report(db_url: str, output: str | Path, *, since: str | None = None,
                 until: str | None = None, site: str | None = None) -> Path:
    """Write the report of ``db_url`` to ``output`` (whole or not at all) and return it.

    A SQLite file that does not exist is an error, not an empty database to create.
    """
    url = normalize_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).is_file():
        raise FileNotFoundError(f"no database at {url.database}")
    engine = make_engine(db_url)
    try:
        data = collect_report(engine, since=since, until=until, site=site)
    finally:
        engine.dispose()
    database = url.render_as_string(hide_password=True)
    path = Path(output)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(render(data, database=database, generated_at=now_utc()), encoding="utf-8")
    tmp.replace(path)
    return path
