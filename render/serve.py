"""Live preview: serve a built gallery on localhost and rebuild it when its sources change.

`ReloadServer` knows nothing about specs. It serves one folder over HTTP on a
loopback address, runs a builder callable on a single build thread whenever
`request_rebuild()` is called (debounced), and keeps a small state: how many
builds succeeded, whether the latest one failed, and why. Every served .html
page gets a tiny script, added to the response only, that long-polls
`/__archcat__/state`, reloads the page when a newer build is up, and shows an
error banner while the latest build is failing. The builder swaps its output
in atomically (see `archcat.build.build`), so a half-built site is never
served and the last good site stays up while an error is shown.

`serve()` wires it to a project: a first build into a folder of its own
(`.archcat-serve/`, so `output/` is left alone), a `watchfiles` watcher on the
specs, icons, templates and vocabularies, and a clean stop on Ctrl-C.
"""

from __future__ import annotations

import io
import ipaddress
import json
import os
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from archcat.diagnostics import BuildFailed
from archcat.discover import Project

SERVE_DIR = ".archcat-serve"
STATE_PATH = "/__archcat__/state"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "127.0.0.1", "::1"})
SWAP_GRACE = 2.0  # seconds a request waits for the site folder while a build swaps it in
POLL_TIMEOUT = 25.0  # seconds a long-poll is held open before it answers "no change"

Builder = Callable[[], object]
Log = Callable[[str], None]

# Added before </body> of every served page. Only two integers are filled in; the error text arrives
# as JSON and is shown with textContent, so it is never parsed as HTML.
RELOAD_SCRIPT = """<script data-archcat-reload>
(function () {
  "use strict";
  var build = %(build)d, since = -1, shown = null, dismissed = null;
  function hide() {
    if (shown) { shown.remove(); shown = null; }
  }
  function show(text, warning) {
    if (dismissed === text) return;
    if (shown && shown.getAttribute("data-text") === text) return;
    hide();
    var box = document.createElement("div");
    box.id = "archcat-build-error";
    box.setAttribute("role", "alert");
    box.setAttribute("data-text", text);
    box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:60vh;overflow:auto;" +
      "margin:0;padding:0.75rem 1rem;background:" + (warning ? "#6b4e00" : "#8b0000") + ";color:#fff;" +
      "font:14px/1.4 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.4);text-align:left";
    if (warning) box.id = "archcat-build-warnings";
    var title = document.createElement("strong");
    title.textContent = warning ? "Content warnings: the site is built, but `archcat validate --strict` would fail."
      : "Build failed: showing the last good version of the site.";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.setAttribute("aria-label", warning ? "Dismiss the warnings" : "Dismiss the build error");
    close.style.cssText = "float:right;margin-left:1rem;font:inherit;color:#000;background:#fff;" +
      "border:0;border-radius:3px;padding:0.2rem 0.6rem;cursor:pointer";
    close.addEventListener("click", function () { dismissed = text; hide(); });
    var pre = document.createElement("pre");
    pre.textContent = text;
    pre.style.cssText = "margin:0.5rem 0 0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace;" +
      "color:#fff;background:none";
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(pre);
    document.body.appendChild(box);
    shown = box;
  }
  function poll() {
    fetch("%(state)s?since=" + since, {cache: "no-store"}).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (state) {
      since = state.version;
      if (state.build !== build) { location.reload(); return; }
      if (!state.ok) { show(state.error, false); }
      else if (state.warnings) { show(state.warnings, true); }
      else { dismissed = null; hide(); }
      poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
"""

NO_SITE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>archcat: no site yet</title></head>
<body><main><h1>No site yet</h1><p>The first build has not succeeded. Fix the problems shown in the
terminal; this page reloads when a build succeeds.</p></main></body></html>
"""


@dataclass(frozen=True)
class BuildState:
    """What the pages poll: `build` counts successful builds that changed the site; `version` every change."""

    build: int = 0
    version: int = 0
    ok: bool = True
    error: str = ""
    warnings: str = ""  # content warnings of the last good build, as `archcat validate` prints them

    def as_json(self) -> dict[str, Any]:
        return {"build": self.build, "version": self.version, "ok": self.ok, "error": self.error,
                "warnings": self.warnings}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def inject(html: bytes, script: bytes) -> bytes:
    """The page with the script before its last </body>, or at the end when it has none."""
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


def _print(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class ReloadServer:
    """Serve `root_dir` on a loopback address, rebuild with `builder` on request, and tell open pages.

    The builder is called with no arguments on the build thread. It should replace `root_dir` atomically.
    It may raise `BuildFailed` (its diagnostics are shown on the pages and logged) or anything else
    (reported the same way); either way the last good site stays up. If it returns an object whose
    `up_to_date` is true, the pages are not reloaded.
    """

    def __init__(self, root_dir: Path, builder: Builder, *, host: str = "127.0.0.1", port: int = 8000,
                 allow_remote: bool = False, debounce: float = 0.15, log: Log | None = None,
                 poll_timeout: float = POLL_TIMEOUT):
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"refusing to serve on {host!r}: not a loopback address "
                             "(the preview server is for this machine only)")
        self.root = Path(os.path.abspath(root_dir))
        self.builder = builder
        self.allow_remote = allow_remote
        self.debounce = debounce
        self.poll_timeout = poll_timeout
        self.log: Log = log or _print
        self._state = BuildState()
        self._changed = threading.Condition()  # guards _state; notified whenever it changes
        self._wake = threading.Condition()  # guards _pending, _last_request, _closing
        self._pending = False
        self._last_request = 0.0
        self._closing = False
        self._build_lock = threading.Lock()  # one build at a time, even when rebuild() is called directly
        self._threads: list[threading.Thread] = []
        self._stop_watching = threading.Event()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.httpd = _HTTPServer((host.strip("[]"), port), _Handler, self, family)

    # --- addresses ---------------------------------------------------------------

    @property
    def host(self) -> str:
        return str(self.httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    # --- state -------------------------------------------------------------------

    @property
    def state(self) -> BuildState:
        with self._changed:
            return self._state

    def _set_state(self, *, ok: bool, error: str = "", new_build: bool = False,
                   warnings: str | None = None) -> BuildState:
        with self._changed:
            old = self._state
            self._state = BuildState(old.build + (1 if new_build else 0), old.version + 1, ok, error,
                                     old.warnings if warnings is None else warnings)
            self._changed.notify_all()
            return self._state

    def wait_for_change(self, since: int, timeout: float) -> BuildState:
        """The state once its version differs from `since`, or after `timeout` seconds, or on close."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._state.version == since and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return self._state

    # --- building ----------------------------------------------------------------

    def rebuild(self) -> BuildState:
        """Run the builder now, on the calling thread, and record the outcome."""
        with self._build_lock:
            started = time.monotonic()
            serving = "still serving the last good site" if self.state.build else "no site to serve yet"
            try:
                result = self.builder()
            except BuildFailed as failed:
                text = "\n".join(d.format() for d in failed.diagnostics) or "the build failed"
                self.log(f"{text}\nbuild failed; {serving}")
                return self._set_state(ok=False, error=text)
            except Exception as exc:  # a bug in a builder must not take the server down
                text = f"internal error while building: {type(exc).__name__}: {exc}"
                self.log(f"{text}\nbuild crashed; {serving}; please report this")
                return self._set_state(ok=False, error=text)
            warnings = [w.format() if hasattr(w, "format") else str(w) for w in getattr(result, "warnings", None) or []]
            for warning in warnings:
                self.log(warning)
            up_to_date = bool(getattr(result, "up_to_date", False))
            if up_to_date and self.state.ok and self.state.build > 0:
                return self.state
            state = self._set_state(ok=True, new_build=not up_to_date or self.state.build == 0,
                                    warnings="\n".join(warnings))
            self.log(f"build {state.build} ok in {time.monotonic() - started:.1f} s")
            return state

    def request_rebuild(self) -> None:
        """Ask for a rebuild; requests closer together than `debounce` seconds make one build."""
        with self._wake:
            self._pending = True
            self._last_request = time.monotonic()
            self._wake.notify_all()

    def _build_loop(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closing:
                    self._wake.wait()
                if self._closing:
                    return
                # Debounce: wait until no request came for `debounce` seconds.
                while not self._closing:
                    quiet_until = self._last_request + self.debounce
                    now = time.monotonic()
                    if now >= quiet_until:
                        break
                    self._wake.wait(quiet_until - now)
                if self._closing:
                    return
                self._pending = False
            self.rebuild()

    # --- watching ----------------------------------------------------------------

    def watch(self, paths: Iterable[Path], *, step_ms: int = 50, max_group_ms: int = 1600) -> None:
        """Watch folders with watchfiles on a thread of their own; any change requests a rebuild."""
        import watchfiles

        folders = sorted({Path(os.path.abspath(p)) for p in paths if Path(p).is_dir()})
        if not folders:
            return
        served = str(self.root)
        default = watchfiles.DefaultFilter()

        def interesting(change: watchfiles.Change, path: str) -> bool:
            inside_served = path == served or path.startswith(served + os.sep)
            return default(change, path) and not inside_served

        def run() -> None:
            try:
                for _changes in watchfiles.watch(*folders, watch_filter=interesting, debounce=max_group_ms,
                                                 step=step_ms, stop_event=self._stop_watching,
                                                 rust_timeout=500, raise_interrupt=False):
                    self.request_rebuild()
            except Exception as exc:
                if not self._stop_watching.is_set():
                    self.log(f"error: file watching stopped: {type(exc).__name__}: {exc}; restart `archcat serve`")

        self._spawn(run, "archcat-watch")

    # --- life cycle --------------------------------------------------------------

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def start(self) -> ReloadServer:
        """Serve and accept rebuild requests on background threads; returns at once."""
        self._spawn(lambda: self.httpd.serve_forever(poll_interval=0.2), "archcat-http")
        self._spawn(self._build_loop, "archcat-build")
        return self

    def close(self, timeout: float = 60.0) -> None:
        """Stop watching, let a running build finish (up to `timeout` s), stop serving."""
        self._stop_watching.set()
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        with self._changed:
            self._changed.notify_all()  # answer held long-polls now
        if any(t.name == "archcat-http" for t in self._threads):
            self.httpd.shutdown()
        self.httpd.server_close()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads.clear()

    def __enter__(self) -> ReloadServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- files ---------------------------------------------------------------------

    def resolve(self, url_path: str) -> Path | None:
        """The file or folder a URL path names inside the served folder, or None when it would leave it."""
        text = unquote(url_path, errors="strict")
        if "\x00" in text or "\\" in text:
            return None
        parts = [p for p in text.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None
        target = self.root.joinpath(*parts)
        real_root = os.path.realpath(self.root)
        real = os.path.realpath(target)
        if real != real_root and not real.startswith(real_root + os.sep):
            return None  # a symlink pointing out of the folder
        return target

    def wait_for_site(self) -> bool:
        """True once the served folder exists; waits out the instant a build swaps it in."""
        deadline = time.monotonic() + SWAP_GRACE
        while not self.root.is_dir():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[_Handler], reload: ReloadServer, family: int):
        self.address_family = family
        self.reload = reload
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the browser went away mid-answer, e.g. on reload
        super().handle_error(request, client_address)


class _Handler(SimpleHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the terminal is for build results

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _reply(self, status: HTTPStatus, body: bytes, content_type: str) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _host_allowed(self) -> bool:
        """Refuse Host names other than loopback ones, so a rebinding DNS name cannot read the server."""
        reload = self.server.reload
        if reload.allow_remote:
            return True
        host = self.headers.get("Host", "")
        name = host[1:].partition("]")[0] if host.startswith("[") else host.partition(":")[0]
        return is_loopback(name)

    def send_head(self) -> Any:
        reload = self.server.reload
        if not self._host_allowed():
            self.send_error(HTTPStatus.FORBIDDEN, "only loopback host names are served")
            return None
        url = urlsplit(self.path)
        if url.path == STATE_PATH:
            return self._state(url.query)
        try:
            target = reload.resolve(url.path)
        except UnicodeDecodeError:
            target = None
        if target is None:
            self.send_error(HTTPStatus.FORBIDDEN, "path outside the served folder")
            return None
        state = reload.state  # read before the file, so the page is at least as new as the build it names
        site = reload.wait_for_site()
        if site and target.is_dir():
            if not url.path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", url.path + "/" + (f"?{url.query}" if url.query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target = target / "index.html"
        try:
            data = self._read(target)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            if state.build == 0 and url.path in ("/", "/index.html"):
                page = inject(NO_SITE_PAGE.encode(), self._script(state))
                return self._reply(HTTPStatus.SERVICE_UNAVAILABLE, page, "text/html; charset=utf-8")
            self.send_error(HTTPStatus.NOT_FOUND, "file not found")
            return None
        except OSError:
            self.send_error(HTTPStatus.FORBIDDEN, "cannot read this file")
            return None
        if target.suffix.lower() in (".html", ".htm"):
            return self._reply(HTTPStatus.OK, inject(data, self._script(state)), "text/html; charset=utf-8")
        return self._reply(HTTPStatus.OK, data, self.guess_type(str(target)))

    @staticmethod
    def _read(target: Path) -> bytes:
        """The file's bytes; retried once when a build swapped the folder away between lookup and open."""
        try:
            return target.read_bytes()
        except FileNotFoundError:
            time.sleep(0.05)
            return target.read_bytes()

    @staticmethod
    def _script(state: BuildState) -> bytes:
        return (RELOAD_SCRIPT % {"build": state.build, "state": STATE_PATH}).encode()

    def _state(self, query: str) -> io.BytesIO:
        reload = self.server.reload
        try:
            since = int(parse_qs(query).get("since", ["-1"])[0])
        except ValueError:
            since = -1
        state = reload.wait_for_change(since, reload.poll_timeout) if since >= 0 else reload.state
        body = json.dumps(state.as_json()).encode()
        return self._reply(HTTPStatus.OK, body, "application/json")


# --- the project ------------------------------------------------------------------

def watched_folders(project: Project) -> list[Path]:
    """What a build reads that people edit: specs, icons, templates (the project's or the bundled) and vocabularies."""
    from archcat.paths import DATA_DIR, TEMPLATES_DIR

    return [project.architectures, project.icons, project.templates, project.vocabulary, TEMPLATES_DIR, DATA_DIR]


def start(project: Project, *, host: str = "127.0.0.1", port: int = 8000, out: Path | None = None,
          log: Log | None = None, allow_remote: bool = False) -> ReloadServer:
    """Build once, then serve and watch on background threads. The caller must `close()` the server."""
    from archcat.build import build

    site = out or project.root / SERVE_DIR

    def builder() -> object:
        """Build, then add the content warnings `archcat validate` would print for the same catalog."""
        from archcat.lint import lint
        from archcat.vocab import load_vocabulary

        result = build(project, out=site)
        specs = result.specs
        if result.up_to_date:  # nothing was loaded: load the catalog for its warnings (a second or two)
            from archcat.catalog import load_catalog

            specs, problems = load_catalog(project)
            result.warnings = problems
        result.warnings = sorted([*result.warnings, *lint(specs, load_vocabulary(project))])
        return result

    server = ReloadServer(site, builder, host=host, port=port, log=log, allow_remote=allow_remote)
    try:
        server.rebuild()
        server.watch(watched_folders(project))
        server.start()
    except BaseException:
        server.close()
        raise
    return server


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, out: Path | None = None,
          open_browser: bool = False) -> None:
    """`archcat serve`: build, serve on localhost, rebuild and reload on every save, until Ctrl-C."""
    server = start(project, host=host, port=port, out=out)
    try:
        _print(f"serving {server.root} at {server.url} (Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(server.url)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        _print("stopping")
    finally:
        server.close()
