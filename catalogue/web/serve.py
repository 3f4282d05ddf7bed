"""`catalogue serve`: the web edition on http://127.0.0.1:PORT/, to look at before it is
published; with --watch, built again on every save (a build that fails says why and the
last good site stays).

Only this machine can reach it (127.0.0.1). Nothing is cached by the browser, so a reload
shows the last build."""

from __future__ import annotations

import errno
import functools
import http.server
import threading
from pathlib import Path
from typing import Callable, Iterable

from ..errors import CatalogueError
from ..i18n import _
from ..paths import layouts_dir
from .site import FOLDER

HOST = "127.0.0.1"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the site, never kept by the browser, without a line per request."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base's name
        pass


def server(site: Path, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server of the folder site on 127.0.0.1:port (0: any free port)."""
    handler = functools.partial(_Handler, directory=str(site))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CatalogueError(_("port {port} is already in use; choose another with "
                                   "--port, e.g. --port {other}").format(
                port=port, other=port + 1)) from None
        raise


def serve(root: Path, port: int = 8000, watch: bool = False,
          say: Callable[[str], None] = print, changes: Iterable | None = None,
          started: Callable[[http.server.HTTPServer], None] | None = None) -> None:
    """Serve root's output/web/ until Ctrl-C; build it first when there is none, and, with
    watch, again on every change (changes: watchfiles' by default)."""
    site = root / "output" / FOLDER
    if watch or not (site / "index.html").is_file():
        _build(root, say)
    httpd = server(site, port)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    say(_("The web edition: http://{host}:{port}/ (stop with Ctrl-C)").format(
        host=HOST, port=httpd.server_address[1]))
    if started:
        started(httpd)
    try:
        if watch:
            for _change in changes if changes is not None else _changes(root):
                _build(root, say)
        else:
            thread.join()
    finally:
        httpd.shutdown()
        httpd.server_close()


def _changes(root: Path):
    import watchfiles

    paths = [root / "entries", root / "images", root / "catalogue.yaml", layouts_dir(root)]
    return watchfiles.watch(*[p for p in paths if p.exists()])


def _build(root: Path, say: Callable[[str], None]) -> None:
    """A build as `make` does it (with the booklets), its errors said, never raised."""
    from ..build import build

    try:
        build(root, say=say, booklet=True)
        say(_("The web edition is built; reload the page in the browser."))
    except CatalogueError as error:
        say(error.report())
        say(_("Waiting for the next save ..."))
