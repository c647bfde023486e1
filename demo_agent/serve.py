"""Run the demo graphs on a real local LangGraph API server (in-memory runtime, offline).

Usage: ``PYTHONPATH=<repo root> python -m demo_agent.serve --port PORT [--host H] [--workdir DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from pathlib import Path

from langgraph_api.cli import run_server

from demo_agent.auth import API_KEY_ENV, HEADER_ENV, USER_HEADER_ENV

AGENT_DIR = Path(__file__).resolve().parent
REPO_ROOT = AGENT_DIR.parent
QUIET_ENV = {
    "LANGSMITH_TRACING": "false",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LOG_LEVEL": "WARNING",
}


def graph_paths(config: Path = AGENT_DIR / "langgraph.json") -> dict[str, str]:
    """The `graphs` map of langgraph.json with file paths made absolute."""
    graphs = json.loads(config.read_text())["graphs"]
    absolute = {}
    for graph_id, spec in graphs.items():
        path, variable = spec.rsplit(":", 1)
        absolute[graph_id] = f"{(config.parent / path).resolve()}:{variable}"
    return absolute


def port_is_free(host: str, port: int) -> bool:
    """Whether `port` can be bound on `host` (the server would silently move otherwise)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    """Serve the graphs of langgraph.json until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="folder for the runtime's .langgraph_api files (default: a new temp dir)",
    )
    parser.add_argument("--api-key", help="require this x-api-key on every request")
    parser.add_argument(
        "--require-header", metavar="NAME=VALUE", help="also require this header (a gateway's)"
    )
    parser.add_argument(
        "--user-header",
        metavar="NAME",
        help="with --api-key: the header naming the person; each sees only their own threads",
    )
    args = parser.parse_args(argv)
    if args.user_header and not args.api_key:
        parser.error("--user-header needs --api-key: only holders of the key may name people")
    if not port_is_free(args.host, args.port):
        print(f"demo_agent.serve: port {args.port} is in use", file=sys.stderr)
        return 1

    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    sys.path.insert(0, str(REPO_ROOT))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="demo-agent-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.chdir(workdir)
    auth = None
    if args.api_key:
        os.environ[API_KEY_ENV] = args.api_key
        os.environ[HEADER_ENV] = args.require_header or ""
        os.environ[USER_HEADER_ENV] = args.user_header or ""
        auth = {"path": f"{AGENT_DIR / 'auth.py'}:auth"}
    # uvicorn re-raises SIGTERM after its graceful shutdown: exit normally so `finally` runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        run_server(
            host=args.host,
            port=args.port,
            reload=False,
            graphs=graph_paths(),
            n_jobs_per_worker=32,
            open_browser=False,
            disable_persistence=True,
            auth=auth,
        )
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
