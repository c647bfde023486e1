"""Operations: a health endpoint for load balancers and JSON log lines (no Reflex import)."""

from __future__ import annotations

import json
import logging
import sys

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.settings import SettingsError, load_settings

#: Fields a log call may pass in ``extra`` that the JSON lines carry.
LOG_FIELDS = (
    "thread_id", "run_id", "status", "nodes", "seconds", "error",
    "person", "client", "origin", "path", "reason", "failures",
)  # fmt: skip


async def health(_request: Request) -> JSONResponse:
    """200 while this app process serves; the body says whether LangGraph answers too.

    The app stays in rotation when the deployment is down: its pages explain the outage
    better than a load balancer's error page would."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        return JSONResponse({"status": "misconfigured", "error": str(exc)}, status_code=503)
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            response = await client.get(f"{settings.api_url.rstrip('/')}/ok")
        langgraph = "ok" if response.status_code == 200 else f"status {response.status_code}"
    except httpx.HTTPError as exc:
        langgraph = f"unreachable ({type(exc).__name__})"
    return JSONResponse({"status": "ok", "langgraph": langgraph})


health_api = Starlette(routes=[Route("/health", health)])


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the known extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: getattr(record, k) for k in LOG_FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """Send the ``app`` loggers' records to stderr as JSON lines (once)."""
    logger = logging.getLogger("app")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
