"""A hostile site on loopback: what a broken or malicious server can answer a crawler.

``HostileSite`` serves a small, well-formed TRS-like site (a home page, one column,
articles in the current template) and, on routes a test adds, the answers the crawler
must refuse or survive: maintenance pages served with 200, binaries as ``text/html``,
empty and NUL-only bodies, a declared charset the bytes do not follow, a gzip bomb, a
page far over any sane size, connection resets, slow answers, and traps (a calendar, a
pager claiming 100,000 pages, articles that link new articles forever).

The server runs in a thread of the test process (blocking sockets, off the reactor) and
logs every request, so a test can assert what the crawler asked for.

    with HostileSite() as site:
        site.add_articles(5)
        site.route("/tzdt/t20240102_900.html", Raw(PNG_BYTES))
        ... crawl site.base_url ...
"""

from __future__ import annotations

import gzip
import html
import io
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

COLUMN = "/tzdt/"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    + bytes(range(256)) * 8
)
MAINTENANCE_HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>系统维护</title></head>"
    "<body><h1>系统维护中</h1><p>网站正在进行系统升级维护，请稍后访问。给您带来不便，敬请谅解。</p>"
    "</body></html>"
)


def article_url(docid: int, day: str = "20240102", column: str = COLUMN) -> str:
    """The path of an article in the site's URL shape (``/t{YYYYMMDD}_{docid}.html``)."""
    return f"{column}t{day}_{docid}.html"


def paragraphs_for(docid: int, count: int = 6) -> list[str]:
    """Distinct, plausible body paragraphs for one article (no two articles alike)."""
    return [
        f"第{docid}号稿件第{i}段：柳州市统一战线围绕中心服务大局，"
        f"在第{docid * 7 + i}次专题协商会上就民营经济发展、民族团结进步创建等议题深入交流，"
        f"与会人员结合工作实际提出意见建议{docid % 13 + i}条，相关部门逐条研究办理。"
        for i in range(count)
    ]


def page_shell(title: str, main: str) -> str:
    """The site's chrome around a page's main part: menu, breadcrumb, footer."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} - 柳州统战网</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/tzdt/'>统战动态</a></div>"
        f"{main}"
        "<div class='footer'><p>主办单位：中共柳州市委统战部</p>"
        "<p>桂ICP备 19011773号 桂公网安备 45020502000153号</p></div></body></html>"
    )


def article_html(docid: int, title: str | None = None, paragraphs: list[str] | None = None,
                 links: Sequence[str] = (), day: str = "2024-01-02") -> str:
    """An article page in the portal's current template."""
    title = title or f"统战工作动态第{docid}期"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in (paragraphs or paragraphs_for(docid)))
    related = "".join(f"<li><a href='{u}'>相关稿件</a></li>" for u in links)
    return page_shell(title, (
        "<div class='breadcrumb'>当前位置：<a href='/'>首页</a> &gt; "
        "<a href='/tzdt/'>统战动态</a></div>"
        f"<h1 class='article-title'>{html.escape(title)}</h1>"
        f"<div class='article-info'>发布日期：{day} 来源：市委统战部</div>"
        f"<div class='article-content'>{body}</div>"
        f"<ul class='related'>{related}</ul>"
    ))


def column_html(links: list[str], page_count: int = 1, current: int = 0,
                extra_links: Sequence[str] = ()) -> str:
    """A column list page with the TRS ``createPageHTML`` pager."""
    items = "".join(f"<li><a href='{u}'>稿件</a></li>" for u in links)
    more = "".join(f"<a href='{u}'>more</a>" for u in extra_links)
    return page_shell("统战动态", (
        f"<ul class='list'>{items}</ul>{more}"
        f"<div class='page'><script>createPageHTML({page_count}, {current}, "
        "\"index\", \"html\");</script></div>"
    ))


# -- behaviours -----------------------------------------------------------------------

Handler = BaseHTTPRequestHandler


@dataclass
class Raw:
    """Exactly these bytes, with this status and these headers."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def __call__(self, handler: Handler, path: str) -> None:
        handler.send_response(self.status)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Content-Length", str(len(self.body)))
        for name, value in self.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(self.body)


def Page(text: str, status: int = 200, charset: str = "utf-8",
         declared: str | None = None) -> Raw:
    """HTML text encoded in ``charset``, declared (header) as ``declared`` (default: the same)."""
    return Raw(text.encode(charset, errors="replace"),
               content_type=f"text/html; charset={declared or charset}", status=status)


@dataclass
class GzipBomb:
    """A small gzip body that inflates to ``inflated`` bytes (``Content-Encoding: gzip``)."""

    inflated: int
    _body: bytes = b""

    def body(self) -> bytes:
        if not self._body:
            out = io.BytesIO()
            chunk = b"<p>" + b"\x20" * ((1 << 20) - 3)
            with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as stream:
                for _ in range(self.inflated // len(chunk)):
                    stream.write(chunk)
            self._body = out.getvalue()
        return self._body

    def __call__(self, handler: Handler, path: str) -> None:
        Raw(self.body(), headers={"Content-Encoding": "gzip"})(handler, path)


@dataclass
class Huge:
    """An HTML page of ``size`` bytes, streamed in chunks (no Content-Length when
    ``declare`` is False: the crawler learns the size only by reading)."""

    size: int
    declare: bool = True

    def __call__(self, handler: Handler, path: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        if self.declare:
            handler.send_header("Content-Length", str(self.size))
        else:
            handler.close_connection = True
        handler.end_headers()
        chunk = b"<p>" + "大".encode() * 20000 + b"</p>"
        sent = 0
        try:
            while sent < self.size:
                part = chunk[: self.size - sent]
                handler.wfile.write(part)
                sent += len(part)
        except OSError:
            pass  # the crawler hung up: what a size bound does


@dataclass
class Reset:
    """Close the connection with a TCP reset before any answer, ``times`` times, then
    serve ``then`` (None: reset forever)."""

    times: int = 1_000_000
    then: Callable[[Handler, str], None] | None = None

    def __call__(self, handler: Handler, path: str) -> None:
        if self.times <= 0 and self.then is not None:
            self.then(handler, path)
            return
        self.times -= 1
        handler.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()


@dataclass
class Slow:
    """Wait ``delay`` seconds, then serve ``then``."""

    delay: float
    then: Callable[[Handler, str], None]

    def __call__(self, handler: Handler, path: str) -> None:
        time.sleep(self.delay)
        self.then(handler, path)


_CALENDAR = re.compile(r"^/calendar/(\d{4})-(\d{2})/$")
_CHAIN = re.compile(r"^/chain/t20240301_(\d+)\.html$")


def calendar(handler: Handler, path: str) -> None:
    """A calendar whose every month links the next and the previous one, forever."""
    match = _CALENDAR.match(path)
    if not match:
        Raw(b"not found", status=404)(handler, path)
        return
    year, month = int(match.group(1)), int(match.group(2))
    nxt = (year + month // 12, month % 12 + 1)
    prv = (year - (month == 1), (month - 2) % 12 + 1)
    links = [f"/calendar/{y:04d}-{m:02d}/" for y, m in (nxt, prv)]
    Page(column_html([], extra_links=links))(handler, path)


def chain(handler: Handler, path: str) -> None:
    """Articles that each link two new articles: an endless, branching archive."""
    match = _CHAIN.match(path)
    if not match:
        Raw(b"not found", status=404)(handler, path)
        return
    n = int(match.group(1))
    links = [f"/chain/t20240301_{2 * n + 1}.html", f"/chain/t20240301_{2 * n + 2}.html"]
    Page(article_html(n, links=links))(handler, path)


def endless_pager(handler: Handler, path: str) -> None:
    """A column whose pager claims 100,000 pages; every page answers (and lists nothing)."""
    match = re.search(r"index(?:_(\d+))?\.html$", path) or re.search(r"/$", path)
    current = int(match.group(1) or 0) if match and match.groups() else 0
    Page(column_html([], page_count=100_000, current=current))(handler, path)


# -- the server -----------------------------------------------------------------------

Behaviour = Callable[[Handler, str], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A crawler hanging up mid-answer (a size bound, a closing run) is expected."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HostileSite:
    """A loopback site whose routes a test chooses; every request is logged."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Behaviour] = {}
        self.prefixes: dict[str, Behaviour] = {}
        self.column_links: list[str] = []
        self.home_links: list[str] = [COLUMN]
        self.requests: list[str] = []
        self.override: Behaviour | None = None  # answers every path but / and robots.txt
        self.lock = threading.Lock()
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with site.lock:
                    site.requests.append(self.path)
                site.behaviour(path)(self, path)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server((host, 0), _Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def __enter__(self) -> HostileSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what the site serves ---------------------------------------------------------

    def route(self, path: str, behaviour: Behaviour, *, listed: bool = True) -> str:
        """Serve ``path`` with ``behaviour``; listed on the column page unless told not."""
        self.routes[path] = behaviour
        if listed and path not in self.column_links:
            self.column_links.append(path)
        return path

    def route_prefix(self, prefix: str, behaviour: Behaviour, *, link: str | None = None) -> None:
        """Serve every path under ``prefix``; ``link`` (a path) is linked from the home page."""
        self.prefixes[prefix] = behaviour
        if link:
            self.home_links.append(link)

    def add_articles(self, count: int, first: int = 1000) -> list[str]:
        """``count`` good articles, listed on the column page; returns their paths."""
        return [self.route(article_url(docid), Page(article_html(docid)))
                for docid in range(first, first + count)]

    def behaviour(self, path: str) -> Behaviour:
        if path == "/robots.txt":
            return Raw(b"User-agent: *\nDisallow: /search/\n", content_type="text/plain")
        if path == "/":
            return Page(column_html([], extra_links=self.home_links))
        if self.override is not None:
            return self.override
        if path in (COLUMN, COLUMN + "index.html"):
            return Page(column_html(self.column_links))
        if path in self.routes:
            return self.routes[path]
        for prefix, behaviour in self.prefixes.items():
            if path.startswith(prefix):
                return behaviour
        return Raw(b"<html><body>not found</body></html>", status=404)

    def fetched(self, prefix: str = "") -> list[str]:
        """Paths requested so far (query strings dropped), optionally under ``prefix``."""
        with self.lock:
            return [p.split("?", 1)[0] for p in self.requests if p.startswith(prefix)]
