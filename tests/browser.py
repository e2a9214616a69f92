"""Headless Debian Chromium for the tests: the rendered DOM of a page, the requests it made, a local server."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="headless Chromium not installed (make test installs it with apt-get)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def rendered_dom(url: str, net_log: Path | None = None) -> str:
    """The page's DOM after its scripts ran; with net_log, Chromium also records every request there."""
    command = ["chromium", *FLAGS, f"--user-data-dir={tempfile.mkdtemp()}", "--virtual-time-budget=5000",
               *([f"--log-net-log={net_log}"] if net_log else []), "--dump-dom", url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120).stdout


def page_requests(net_log: Path, origin: str) -> list[str]:
    """URLs the page itself asked for: requests initiated by its origin or made for its site.

    Chromium's own background traffic (update checks, account lookups) has neither and is left out."""
    document = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = document["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    site = f"site={urlsplit(origin).scheme}://{urlsplit(origin).hostname}"
    urls = []
    for event in document["events"]:
        params = event.get("params") or {}
        if event["type"] == start_job and (params.get("initiator") == origin
                                           or site in params.get("site_for_cookies", "")):
            urls.append(params["url"])
    return urls


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path):
    """folder over http://127.0.0.1:<free port>/ for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
