"""Scale fixtures: a real Redis server, a real PostgreSQL for the run archive, the app on several
workers behind a single-sign-on proxy, and a LangGraph server whose custom auth checks an API
key, a gateway header and the person, as a production deployment would."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.embedded_server import (
    DemoServer,
    free_port,
    start_app,
    start_demo_server,
    start_redis,
    stop_process_group,
)
from tests.access.sso_proxy import SsoProxy
from tests.app_log import json_lines
from tests.e2e.conftest import browser_type_launch_args  # noqa: F401 - the system Chromium
from tests.processes import children, command_line, process_table
from tests.scale.postgres import Postgres, start_postgres

API_KEY = "lg-scale-secret-41d2"
GATEWAY_HEADER = ("X-Gateway-Team", "demo")
ASSISTANT_ID = "nested"  # a graph id other than the default "agent"
IDENTITY_HEADER = "X-Forwarded-Email"  # set by the proxy
USER_HEADER = "X-Inspector-User"  # the person, as the app names them to the deployment


@dataclass
class RunningApp:
    url: str  # where people go: the proxy
    pid: int
    log_path: Path
    port: int  # where the app itself listens

    def log_lines(self) -> list[dict]:
        """The app's JSON log lines."""
        return json_lines(self.log_path)

    def worker_pids(self) -> list[int]:
        """The backend worker processes (the grandchildren that serve requests)."""
        started = children(process_table())
        reflex = [pid for pid in started.get(self.pid, []) if b"reflex" in command_line(pid)]
        return [worker for pid in reflex for worker in started.get(pid, [])]

    def busiest_worker(self) -> tuple[int, int]:
        """The worker holding the most open browser connections, and how many it holds."""
        listing = subprocess.run(
            ["ss", "-Htnp", "state", "established", f"( sport = :{self.port} )"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        counts = Counter(int(pid) for pid in re.findall(r"pid=(\d+)", listing))
        workers = self.worker_pids()
        return max(((counts[pid], pid) for pid in workers), default=(0, 0))[::-1]


@pytest.fixture(scope="session")
def deployment() -> Iterator[DemoServer]:
    name, value = GATEWAY_HEADER
    server = start_demo_server(
        options=[
            *("--api-key", API_KEY, "--require-header", f"{name}={value}"),
            *("--user-header", USER_HEADER),
        ]
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """The run archive's database, as several app servers would share it."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def scaled_app(
    deployment: DemoServer, postgres: Postgres, tmp_path_factory
) -> Iterator[RunningApp]:
    """The app as `make run-prod` runs it: Redis state, several workers, one port, the run
    archive in PostgreSQL; behind a single-sign-on proxy that names each person (access
    control on)."""
    port = free_port()
    proxy = SsoProxy(port, IDENTITY_HEADER)
    log_path = tmp_path_factory.mktemp("app") / "app.log"
    redis_url, redis = start_redis()
    env = {
        "REFLEX_REDIS_URL": redis_url,
        "REFLEX_DB_URL": postgres.url,
        "LANGGRAPH_API_KEY": API_KEY,
        "LANGGRAPH_HEADERS": json.dumps(dict([GATEWAY_HEADER])),
        "LANGGRAPH_ASSISTANT_ID": ASSISTANT_ID,
        "LANGGRAPH_USER_HEADER": USER_HEADER,
        "INSPECTOR_IDENTITY_HEADER": IDENTITY_HEADER,
        "INSPECTOR_TRUSTED_PROXIES": "127.0.0.1",
        "INSPECTOR_ORIGINS": proxy.url,
        "REFLEX_API_URL": proxy.url,  # the page opens its websocket through the proxy
    }
    with log_path.open("wb") as log:
        process = start_app(deployment.url, port, env, ("--redis",), log_file=log)
    try:
        yield RunningApp(proxy.url, process.pid, log_path, port)
    finally:
        stop_process_group(process)
        stop_process_group(redis)
        proxy.close()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
