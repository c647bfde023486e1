"""Access-control fixtures: the app started with other settings (one at a time: each start
rebuilds the page the others serve), a real LangGraph server, and helpers to read the app's
log and to serve a page from another local origin."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.embedded_server import (
    DemoServer,
    free_port,
    start_app,
    start_demo_server,
    stop_process_group,
)
from tests.e2e.conftest import browser_type_launch_args  # noqa: F401 - the system Chromium

HERE = Path(__file__).resolve().parent


@dataclass
class RunningApp:
    url: str
    log_path: Path

    def log_lines(self) -> list[dict]:
        """The app's JSON log lines (other output is skipped)."""
        lines = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue
        return lines


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    server = start_demo_server()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def running_app(
    api_url: str, env: dict[str, str], log_path: Path, port: int | None = None
) -> Iterator[RunningApp]:
    """The app as `make run` starts it, with ``env`` added, logging into ``log_path``."""
    port = port or free_port()
    with log_path.open("wb") as log:
        process = start_app(api_url, port, env, log_file=log)
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
