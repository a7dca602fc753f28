"""A loopback HTTP server for the generated portal, with the faults real sites have.

It answers on 127.0.0.1 and 127.0.0.2 on the same port, so the alias host of the site is
a second host name a crawler must treat as the same site.  Like the real server it sends
no charset for GBK pages, validators (ETag, Last-Modified) and 304s, redirects a moved
column; on request it fails the way government portals do (500, 503 + Retry-After, slow
or truncated responses, 404, 301, a 412 bot challenge).  Control endpoints under
``/__portal__/`` (never linked, disallowed in robots.txt) let tests drive it from another
process; the same operations are methods of ``PortalServer``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import re
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from liuzhou_spider.portal.assets import CONTENT_TYPES
from liuzhou_spider.portal.links import ALIAS, PRIMARY

FAULT_KINDS = ("500", "503", "slow", "truncated", "404", "301", "412")
LOGGED_HEADERS = ("If-None-Match", "If-Modified-Since", "User-Agent")
CST = timezone(timedelta(hours=8))
_ARTICLE_DATE = re.compile(r"/t(\d{8})_\d+(?:_print)?\.html$")
_GBK_DECLARED = re.compile(rb"charset=[\"']?gb", re.IGNORECASE)
_HTML_EXTS = ("", ".html", ".htm", ".shtml", ".jsp")
NOT_FOUND = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head>'
    '<body><h1>您访问的页面不存在</h1><a href="/">返回首页</a></body></html>'
).encode()
CHALLENGE = (
    b'<html><head><meta charset="utf-8"></head><body><script>'
    b'document.cookie="__jsl_clearance_s=1767225600.123|0|portal;max-age=3600;path=/";'
    b"location.href=location.pathname+location.search</script></body></html>"
)


@dataclass
class Fault:
    """A failure to inject: on ``path`` ("*" = any, else a path prefix), ``times`` times."""

    path: str
    kind: str
    times: int | None = 1  # None: every time
    retry_after: int = 1
    delay: float = 2.0
    location: str | None = None

    def matches(self, path: str) -> bool:
        return self.path == "*" or path.startswith(self.path)


def site_dirs(root: Path) -> dict[int, Path]:
    """Revision → site folder, from any of the layouts the generator writes.

    ``root`` may be a site folder, a ``build_site`` output folder (``site/`` inside), or a
    ``build_revisions`` folder (``rev1/site``, ``rev2/site``).
    """
    root = Path(root)
    revisions = {
        int(p.name[3:]): p / "site" for p in root.glob("rev[0-9]*") if (p / "site").is_dir()
    }
    if revisions:
        return revisions
    if (root / "site").is_dir():
        return {1: root / "site"}
    return {1: root}


class _Site:
    """The files of one revision and its manifest (Last-Modified overrides, redirects)."""

    def __init__(self, site_dir: Path) -> None:
        self.dir = site_dir.resolve()
        manifest = site_dir.parent / "manifest.json"
        data = json.loads(manifest.read_text()) if manifest.exists() else {}
        self.redirects: dict[str, str] = data.get("redirects", {})
        self.last_modified: dict[str, str] = data.get("last_modified", {})
        self.default_last_modified = datetime.fromisoformat(
            data.get("default_last_modified", "2026-04-30T09:00:00+08:00")
        )

    def file(self, path: str) -> Path | None:
        target = (self.dir / unquote(path).lstrip("/")).resolve()
        if not target.is_relative_to(self.dir):
            return None
        return target

    def modified(self, path: str) -> datetime:
        """Deterministic per page: the manifest's value, else the article's date."""
        path = path + "index.html" if path.endswith("/") else path
        if path in self.last_modified:
            return datetime.fromisoformat(self.last_modified[path])
        match = _ARTICLE_DATE.search(path)
        if match:
            return datetime.strptime(match.group(1), "%Y%m%d").replace(
                hour=23, minute=59, second=59, tzinfo=CST
            )
        return self.default_last_modified


class _State:
    """What every request thread shares: the served revision, the log, the faults."""

    def __init__(self, revisions: dict[int, Path], verbose: bool) -> None:
        self.lock = threading.Lock()
        self.revisions = dict(revisions)
        self.sites = {n: _Site(p) for n, p in revisions.items()}
        self.revision = min(revisions)
        self.log: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.verbose = verbose
        self.port = 0
        self.connections: set[socket.socket] = set()  # open keep-alive connections

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(path):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def site(self, revision: int | None = None) -> _Site:
        revision = revision or self.revision
        if revision not in self.sites:
            self.sites[revision] = _Site(self._generate(revision))
        return self.sites[revision]

    def _generate(self, revision: int) -> Path:
        """Build a missing revision next to revision 1, from its ground truth's params."""
        from liuzhou_spider.portal.generate import SPEC_FILE, build_site
        from liuzhou_spider.portal.sites import LZTZ, spec_from_file

        out_dir = self.sites[min(self.sites)].dir.parent
        truth = json.loads((out_dir / "ground_truth.json").read_text(encoding="utf-8"))
        params = truth["params"]
        if "sites" in params:  # its reposts depend on the other sites' plans
            raise ValueError("a site of a build_sites folder has revision 1 only")
        spec = out_dir / SPEC_FILE
        site = spec_from_file(spec) if spec.exists() else LZTZ
        target = out_dir / f"rev{revision}"
        build_site(target, size=params["size"], seed=params["seed"], revision=revision,
                   site=site)
        return target / "site"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    state: _State  # set on the subclass made per server

    # ------------------------------------------------------------ plumbing
    def setup(self) -> None:
        super().setup()
        with self.state.lock:
            self.state.connections.add(self.connection)

    def finish(self) -> None:
        with self.state.lock:
            self.state.connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        if self.state.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/__portal__/"):
            self._control(parts.path[len("/__portal__/") :], parts.query)
            return
        self._entry: dict[str, Any] | None = {
            "host": self.headers.get("Host", ""),
            "path": parts.path,
            "query": parts.query,
            "status": 0,
            "method": self.command,
            "headers": {h: self.headers[h] for h in LOGGED_HEADERS if self.headers.get(h)},
        }
        self._serve(parts.path, parts.query)

    def _record(self, status: int) -> None:
        """Log the request before answering, so the log order is the order of answers."""
        entry, self._entry = getattr(self, "_entry", None), None
        if entry is not None:
            entry["status"] = status
            with self.state.lock:
                self.state.log.append(entry)

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        *,
        content_type: str = "text/html; charset=utf-8",
    ) -> int:
        self._record(status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(body)
        return status

    # ------------------------------------------------------------ control endpoints
    def _control(self, name: str, query: str) -> None:
        state = self.state
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"null") if length else None
        if name == "requests":
            with state.lock:
                body = json.dumps(state.log, ensure_ascii=False).encode()
            self._send(200, body, content_type="application/json")
            return
        if self.command != "POST":
            self._send(405, b"{}", content_type="application/json")
            return
        if name == "reset":
            with state.lock:
                state.log.clear()
                state.faults.clear()
                state.revision = min(state.revisions)
        elif name == "revision":
            number = int(parse_qs(query).get("n", [(payload or {}).get("n", 1)])[0])
            try:
                state.site(number)
            except ValueError as error:  # no such revision, or none for this site
                body = json.dumps({"error": str(error)}, ensure_ascii=False).encode()
                self._send(400, body, content_type="application/json")
                return
            state.revision = number
        elif name == "fault":
            try:
                fault = Fault(**(payload or {}))
            except TypeError as error:
                self._send(
                    400, json.dumps({"error": str(error)}).encode(), content_type="application/json"
                )
                return
            if fault.kind not in FAULT_KINDS:
                self._send(400, b'{"error": "unknown fault kind"}', content_type="application/json")
                return
            with state.lock:
                state.faults.append(fault)
        else:
            self._send(404, b"{}", content_type="application/json")
            return
        self._send(
            200,
            json.dumps({"ok": True, "revision": state.revision}).encode(),
            content_type="application/json",
        )

    # ------------------------------------------------------------ the site
    def _serve(self, path: str, query: str) -> int:
        fault = self.state.take_fault(path)
        if fault and fault.kind not in ("slow", "truncated"):
            return self._fault(fault)
        if fault and fault.kind == "slow":
            time.sleep(fault.delay)
        site = self.state.site()
        if path in site.redirects:
            return self._send(301, b"", {"Location": site.redirects[path]})
        target = site.file(path + "index.html" if path.endswith("/") else path)
        if target is not None and "print=1" in query and target.name.endswith(".html"):
            printed = target.with_name(target.name[:-5] + "_print.html")
            target = printed if printed.is_file() else target
        if target is None or not target.is_file():
            if target is not None and target.is_dir():
                return self._send(301, b"", {"Location": path + "/"})
            return self._send(404, NOT_FOUND)
        body, content_type = self._content(target)
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        modified = site.modified(path)
        headers = {"ETag": etag, "Last-Modified": format_datetime(modified.astimezone(UTC), True)}
        if self._not_modified(etag, modified):
            return self._send(304, b"", headers, content_type=content_type)
        if fault and fault.kind == "truncated":  # promise the whole body, send half, hang up
            self.close_connection = True
            self._record(200)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            return 200
        return self._send(200, body, headers, content_type=content_type)

    def _content(self, target: Path) -> tuple[bytes, str]:
        """The file's bytes (host tokens filled in) and its Content-Type."""
        body = target.read_bytes()
        ext = target.suffix.lower()
        if ext not in _HTML_EXTS:
            guessed = CONTENT_TYPES.get(ext) or mimetypes.guess_type(target.name)[0]
            return body, guessed or "application/octet-stream"
        port = self.state.port
        body = body.replace(PRIMARY.encode(), f"127.0.0.1:{port}".encode())
        body = body.replace(ALIAS.encode(), f"127.0.0.2:{port}".encode())
        if _GBK_DECLARED.search(body[:1024]):
            return body, "text/html"  # like the real site: the charset is only in the page
        return body, "text/html; charset=utf-8"

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        match = self.headers.get("If-None-Match")
        if match:
            return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _fault(self, fault: Fault) -> int:
        if fault.kind == "500":
            return self._send(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>")
        if fault.kind == "503":
            return self._send(
                503,
                b"<html><body><h1>503 Service Unavailable</h1></body></html>",
                {"Retry-After": str(fault.retry_after)},
            )
        if fault.kind == "404":
            return self._send(404, NOT_FOUND)
        if fault.kind == "301":
            return self._send(301, b"", {"Location": fault.location or "/"})
        return self._send(
            412, CHALLENGE, {"Set-Cookie": "__jsluid_s=5f1c0ad4e2b7; path=/; HttpOnly"}
        )


class PortalServer:
    """The portal on 127.0.0.1:PORT and 127.0.0.2:PORT, served from background threads.

    ``site_dir``: a site folder, a ``build_site`` folder or a ``build_revisions`` folder
    (see ``site_dirs``).  A revision that is not on disk is generated on first switch.
    """

    def __init__(self, site_dir: Path | str, port: int = 0, *, verbose: bool = False) -> None:
        self._state = _State(site_dirs(Path(site_dir)), verbose)
        self._requested_port = port
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self._state.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def alias_base_url(self) -> str:
        return f"http://127.0.0.2:{self.port}/"

    def start(self) -> PortalServer:
        handler = type("Handler", (_Handler,), {"state": self._state})
        for _attempt in range(20):
            first = ThreadingHTTPServer(("127.0.0.1", self._requested_port), handler)
            port = first.server_address[1]
            try:
                second = ThreadingHTTPServer(("127.0.0.2", port), handler)
            except OSError:
                first.server_close()
                if self._requested_port:
                    raise
                continue
            break
        else:
            raise OSError("no port free on both 127.0.0.1 and 127.0.0.2")
        self._state.port = port
        self._servers = [first, second]
        for server in self._servers:
            server.daemon_threads = True
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                daemon=True,
                name=f"portal-{server.server_address[0]}",
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop listening and drop keep-alive connections (a stopped site answers nothing)."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        with self._state.lock:
            connections = list(self._state.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> PortalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ the control API
    def requests(self) -> list[dict[str, Any]]:
        """Every request served so far (control endpoints excluded)."""
        with self._state.lock:
            return [dict(entry) for entry in self._state.log]

    def reset(self) -> None:
        """Forget the request log and the faults; serve revision 1 again."""
        with self._state.lock:
            self._state.log.clear()
            self._state.faults.clear()
            self._state.revision = min(self._state.revisions)

    def set_revision(self, number: int) -> None:
        """Serve another revision on the same port (generated if not on disk)."""
        self._state.site(number)
        self._state.revision = number

    def add_fault(
        self,
        path: str,
        kind: str,
        *,
        times: int | None = 1,
        retry_after: int = 1,
        delay: float = 2.0,
        location: str | None = None,
    ) -> None:
        """Fail the next ``times`` requests under ``path`` ("*" for any) with ``kind``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}")
        fault = Fault(path, kind, times, retry_after, delay, location)
        with self._state.lock:
            self._state.faults.append(fault)

    def faults(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return [asdict(f) for f in self._state.faults]
