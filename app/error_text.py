"""Readable sentences for what can go wrong while talking to a deployment, told apart by
exception class (no Reflex import)."""

from __future__ import annotations

from app.lg_client import (
    APIStatusError,
    ConflictError,
    NotFoundError,
    RunError,
    RunNotFoundError,
    ServerUnreachableError,
)
from app.settings import SettingsError


def error_text(exc: BaseException) -> str:
    """What the error banner says about ``exc``."""
    if isinstance(exc, RunNotFoundError):
        return lost_run_text(exc.message)
    if isinstance(exc, RunError):
        return f"The run failed: {exc}"
    if isinstance(exc, ConflictError):
        return f"This thread is busy with another run (409): {exc.detail}"
    if isinstance(exc, NotFoundError):
        return lost_run_text(exc.detail)
    if isinstance(exc, APIStatusError):
        return f"The LangGraph server refused the request ({exc.status_code}): {exc.detail}"
    if isinstance(exc, ServerUnreachableError):
        return f"{exc}. Is the LangGraph server running?"
    if isinstance(exc, SettingsError):
        return str(exc)
    return str(exc) or type(exc).__name__


def lost_run_text(detail: str) -> str:
    return f"The LangGraph server no longer knows this run (did it restart?): {detail}"
