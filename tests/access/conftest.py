"""Access-control fixtures: the app started with other settings, a real LangGraph server, the
app's log, and a page served from another local origin."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.embedded_server import free_port, start_app, stop_process_group
from tests.app_log import json_lines

# The system Chromium, and a demo LangGraph server for the apps without custom auth.
from tests.e2e.conftest import browser_type_launch_args, demo_server  # noqa: F401

HERE = Path(__file__).resolve().parent


@dataclass
class RunningApp:
    url: str
    log_path: Path

    def log_lines(self) -> list[dict]:
        """The app's JSON log lines."""
        return json_lines(self.log_path)


@contextmanager
def running_app(
    api_url: str, env: dict[str, str], log_path: Path, port: int | None = None
) -> Iterator[RunningApp]:
    """The app as `make run` starts it, with ``env`` added, logging into ``log_path``. Its run
    archive is a fresh SQLite file beside the log, never the project's own."""
    port = port or free_port()
    archive = {"REFLEX_DB_URL": f"sqlite:///{log_path.parent / 'runs.db'}"}
    with log_path.open("wb") as log:
        process = start_app(api_url, port, {**archive, **env}, log_file=log)
    try:
        yield RunningApp(f"http://127.0.0.1:{port}", log_path)
    finally:
        stop_process_group(process)


@pytest.fixture(scope="session")
def other_origin() -> Iterator[str]:
    """A plain web server on another loopback port serving tests/access (probe.html)."""
    handler = functools.partial(QuietHandler, directory=str(HERE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
