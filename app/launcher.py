"""``make run``: start the demo LangGraph server when no deployment is configured, then the app.

Usage: ``python -m app.launcher [--redis]`` with ``HOST`` (default 127.0.0.1) and ``PORT``
(default 3000). With ``LANGGRAPH_API_URL`` set, no local server starts. ``--redis`` (``make
run-prod``) runs several workers sharing state in Redis: ``REFLEX_REDIS_URL``, or a local
``redis-server`` started for the purpose.

Each running instance builds its frontend into a folder of its own (a *build slot*), so two of
them from one checkout (``make run`` and ``make test``, say) never serve each other's build,
whose page would open its websocket to the other's port. Slot 0 is Reflex's default ``.web``
and ``.states``, slot N is ``.web-N`` and ``.states-N``. The launcher takes the lowest slot
nobody holds, with an exclusive ``flock`` on ``<folder>.lock`` kept for as long as it (or the
app) runs; a later instance reuses a free slot's existing build. Set ``REFLEX_WEB_WORKDIR``
yourself to choose a folder instead.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from app.access import AccessSettingsError, launch_environment
from app.archive import store
from app.embedded_server import REPO_ROOT, start_demo_server, start_redis, stop_process_group

#: At most this many instances run from one checkout at once.
BUILD_SLOTS = 16


def build_dirs(slot: int) -> dict[str, str]:
    """Reflex's frontend build and state folders for a build slot, as its environment names them."""
    suffix = f"-{slot}" if slot else ""
    return {"REFLEX_WEB_WORKDIR": f".web{suffix}", "REFLEX_STATES_WORKDIR": f".states{suffix}"}


def first_free_slot(take: Callable[[int], bool], slots: int = BUILD_SLOTS) -> int:
    """The lowest slot that ``take(slot)`` manages to take (it returns False when held)."""
    for slot in range(slots):
        if take(slot):
            return slot
    raise RuntimeError(f"all {slots} build slots are in use: stop an instance of the app")


def take_build_slot(root: Path = REPO_ROOT, slots: int = BUILD_SLOTS) -> tuple[int, int]:
    """Take the lowest free build slot under ``root``: its number and the open file descriptor
    holding its lock (closing it, or exiting, frees the slot)."""
    held: list[int] = []

    def take(slot: int) -> bool:
        lock_path = root / f"{build_dirs(slot)['REFLEX_WEB_WORKDIR']}.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        held.append(fd)
        return True

    slot = first_free_slot(take, slots)
    return slot, held[0]


def reflex_command(host: str, port: int) -> list[str]:
    """Reflex in prod mode, page and websocket on one loopback port."""
    reflex = str(Path(sys.executable).parent / "reflex")
    return [
        reflex, "run", "--env", "prod", "--single-port",
        "--frontend-port", str(port), "--backend-port", str(port), "--backend-host", host,
    ]  # fmt: skip


def main() -> int:
    """Start what is missing (demo server; Redis with ``--redis``), then the app, and stop
    everything it started when the app stops or this process is told to stop."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "3000"))
    env = dict(os.environ)
    try:
        env.update(launch_environment(env))
    except AccessSettingsError as exc:
        print(f"The app does not start: {exc}", file=sys.stderr)
        return 2
    slot_lock: tuple[int, ...] = ()
    if not env.get("REFLEX_WEB_WORKDIR"):
        slot, lock_fd = take_build_slot()
        slot_lock = (lock_fd,)  # the app inherits it: the slot stays taken while either runs
        env.update(build_dirs(slot))
    print(f"Frontend build folder {env['REFLEX_WEB_WORKDIR']}", flush=True)
    archive = store.engine()
    store.migrate(archive)  # once, before the workers start
    print(f"Run archive in {archive.url.render_as_string(hide_password=True)}", flush=True)
    archive.dispose()
    started: list[subprocess.Popen] = []
    demo_server = None
    if not env.get("LANGGRAPH_API_URL"):
        demo_server = start_demo_server()
        env["LANGGRAPH_API_URL"] = demo_server.url
        print(f"Demo LangGraph server (graph 'agent') at {demo_server.url}", flush=True)
    if "--redis" in sys.argv[1:] and not env.get("REFLEX_REDIS_URL"):
        env["REFLEX_REDIS_URL"], redis = start_redis()
        started.append(redis)
        print(f"Redis state manager at {env['REFLEX_REDIS_URL']}", flush=True)
    app = subprocess.Popen(
        reflex_command(host, port),
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,
        pass_fds=slot_lock,
    )
    print(f"App starting at http://{host}:{port}", flush=True)

    def forward_stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, forward_stop)
    try:
        return app.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_process_group(app)
        for process in started:
            stop_process_group(process)
        if demo_server:
            demo_server.stop()


if __name__ == "__main__":
    sys.exit(main())
