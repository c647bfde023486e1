"""Start and stop the bundled demo agent's real LangGraph server (no Reflex import)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent


class ServerStartError(RuntimeError):
    """The LangGraph server did not become ready."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail early if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise ServerStartError(f"{url} did not answer within {timeout:.0f} s")


def stop_process_group(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it spawned."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class DemoServer:
    """A running ``python -m demo_agent.serve`` in its own process group and scratch folder."""

    url: str
    process: subprocess.Popen
    workdir: Path
    options: list[str]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        stop_process_group(self.process)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def kill(self) -> None:
        """Stop it abruptly, as a crash would: open streams break mid-frame."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def restart(self, timeout: float = 60.0) -> None:
        """Start a fresh server (empty, as the in-memory runtime is) on the same port."""
        self.stop()
        self.process, self.workdir = _spawn(self.port, self.options)
        wait_until_ready(f"{self.url}/ok", self.process, timeout)


def _spawn(port: int, options: list[str]) -> tuple[subprocess.Popen, Path]:
    workdir = Path(tempfile.mkdtemp(prefix="langgraph-demo-"))
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "demo_agent.serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workdir", str(workdir), *options]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, start_new_session=True), workdir


def start_demo_server(
    port: int | None = None, options: list[str] | None = None, timeout: float = 60.0
) -> DemoServer:
    """Start the demo agent's LangGraph server on a free loopback port and wait for it.

    ``options`` go to ``demo_agent.serve`` (e.g. ``["--api-key", KEY]``)."""
    port = port or free_port()
    process, workdir = _spawn(port, options or [])
    server = DemoServer(f"http://127.0.0.1:{port}", process, workdir, options or [])
    try:
        wait_until_ready(f"{server.url}/ok", process, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def start_app(
    api_url: str,
    port: int,
    extra_env: dict[str, str] | None = None,
    launcher_args: tuple[str, ...] = (),
    log_file: IO[bytes] | None = None,
    timeout: float = 600.0,
) -> subprocess.Popen:
    """Start the app as ``make run`` does (``python -m app.launcher``), talking to ``api_url``,
    and wait until page and websocket answer. The launcher gives it a frontend build folder of
    its own (see ``app.launcher``); the first start in a folder builds the frontend: slow."""
    env = {**os.environ, **(extra_env or {}), "LANGGRAPH_API_URL": api_url, "PORT": str(port)}
    command = [sys.executable, "-m", "app.launcher", *launcher_args]
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,
        stdout=log_file,
        stderr=subprocess.STDOUT if log_file else None,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{url}/ping", process, timeout)
        wait_until_ready(f"{url}/favicon.ico", process, timeout)  # the built page is served
    except BaseException:
        stop_process_group(process)
        raise
    return process


def start_redis(port: int | None = None, timeout: float = 30.0) -> tuple[str, subprocess.Popen]:
    """Start Debian's ``redis-server`` on a free loopback port, in memory only; returns its URL."""
    port = port or free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, start_new_session=True, cwd=tempfile.gettempdir()
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"redis-server exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}", process
        except OSError:
            time.sleep(0.1)
    stop_process_group(process)
    raise ServerStartError(f"redis-server did not answer on port {port} within {timeout:.0f} s")
