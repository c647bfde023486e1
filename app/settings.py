"""Where the app finds its LangGraph deployment: read from the environment at run time."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_ASSISTANT_ID = "agent"


class SettingsError(ValueError):
    """A setting in the environment cannot be used."""


@dataclass(frozen=True)
class Settings:
    api_url: str
    assistant_id: str = DEFAULT_ASSISTANT_ID
    api_key: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Read ``LANGGRAPH_API_URL``, ``LANGGRAPH_ASSISTANT_ID``, the API key
    (``LANGGRAPH_API_KEY``, else ``LANGSMITH_API_KEY``) and ``LANGGRAPH_HEADERS``
    (a JSON object of extra request headers, e.g. for a gateway)."""
    api_url = environ.get("LANGGRAPH_API_URL", "").strip()
    if not api_url:
        raise SettingsError(
            "LANGGRAPH_API_URL is not set: start the app with `make run`, which starts "
            "a demo LangGraph server, or point LANGGRAPH_API_URL at a deployment."
        )
    raw_headers = environ.get("LANGGRAPH_HEADERS", "").strip() or "{}"
    try:
        headers = json.loads(raw_headers)
    except ValueError as exc:
        raise SettingsError(f"LANGGRAPH_HEADERS is not a JSON object: {exc}") from exc
    if not isinstance(headers, dict):
        raise SettingsError("LANGGRAPH_HEADERS must be a JSON object of header names to values")
    return Settings(
        api_url=api_url,
        assistant_id=environ.get("LANGGRAPH_ASSISTANT_ID", "").strip() or DEFAULT_ASSISTANT_ID,
        api_key=environ.get("LANGGRAPH_API_KEY") or environ.get("LANGSMITH_API_KEY") or None,
        headers={str(k): str(v) for k, v in headers.items()},
    )


@dataclass(frozen=True)
class ArchiveSettings:
    """Whether runs are recorded, and how long the run archive keeps them: the newest
    ``keep_runs`` and none older than ``keep_days`` (0 turns a limit off)."""

    record: bool = True
    keep_runs: int = 1000
    keep_days: float = 30.0


def load_archive_settings(environ: Mapping[str, str] = os.environ) -> ArchiveSettings:
    """Read ``ARCHIVE_RECORD`` (``false`` turns recording off), ``ARCHIVE_KEEP_RUNS`` and
    ``ARCHIVE_KEEP_DAYS``."""
    defaults = ArchiveSettings()
    try:
        keep_runs = int(environ.get("ARCHIVE_KEEP_RUNS", "").strip() or defaults.keep_runs)
        keep_days = float(environ.get("ARCHIVE_KEEP_DAYS", "").strip() or defaults.keep_days)
    except ValueError as exc:
        raise SettingsError(
            f"ARCHIVE_KEEP_RUNS / ARCHIVE_KEEP_DAYS must be numbers: {exc}"
        ) from exc
    if keep_runs < 0 or keep_days < 0:
        raise SettingsError("ARCHIVE_KEEP_RUNS / ARCHIVE_KEEP_DAYS cannot be negative")
    record = environ.get("ARCHIVE_RECORD", "").strip().lower() not in ("false", "0", "no", "off")
    return ArchiveSettings(record, keep_runs, keep_days)
