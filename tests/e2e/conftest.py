"""End-to-end fixtures: a real LangGraph server with the demo agent, the app in prod mode,
and the system's Chromium driven by pytest-playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from app.embedded_server import (
    DemoServer,
    free_port,
    start_app,
    start_demo_server,
    stop_process_group,
)
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.cut_proxy import CutProxy
from tests.e2e.pages import open_app

#: Sent by the app's backend as x-api-key; the demo server ignores it, the browser must never see it.
API_KEY = "lg-e2e-secret-7f3a9c"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    server = start_demo_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def network(demo_server: DemoServer) -> Iterator[CutProxy]:
    """The connection between the app and the LangGraph server, which tests can cut."""
    proxy = CutProxy(demo_server.port)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's run archive: a SQLite file of the test session's own."""
    return tmp_path_factory.mktemp("archive") / "runs.db"


@pytest.fixture(scope="session")
def app_url(network: CutProxy, archive_path: Path) -> Iterator[str]:
    """The app, started the way `make run` starts it, talking to the demo server."""
    port = free_port()
    env = {"LANGGRAPH_API_KEY": API_KEY, "REFLEX_DB_URL": f"sqlite:///{archive_path}"}
    process = start_app(network.url, port, env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process_group(process)


@pytest.fixture
def chat(page: Page, app_url: str) -> Iterator[Page]:
    """A fresh tab on the app, hydrated (its websocket is up), failing on any page error."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_app(page, app_url)
    yield page
    assert not errors, f"the page raised: {errors}"
