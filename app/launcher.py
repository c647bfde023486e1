"""``make run``: start the demo LangGraph server when no deployment is configured, then the app.

Usage: ``python -m app.launcher [--redis]`` with ``HOST`` (default 127.0.0.1) and ``PORT``
(default 3000). With ``LANGGRAPH_API_URL`` set, no local server starts. ``--redis`` (``make
run-prod``) runs several workers sharing state in Redis: ``REFLEX_REDIS_URL``, or a local
``redis-server`` started for the purpose.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from app.access import AccessSettingsError, launch_environment
from app.embedded_server import REPO_ROOT, start_demo_server, start_redis, stop_process_group


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
        reflex_command(host, port), cwd=REPO_ROOT, env=env, start_new_session=True
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
