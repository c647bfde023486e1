"""A small async client for LangGraph servers (no Reflex import)."""

from .client import LangGraphClient
from .errors import (
    APIStatusError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RunError,
    RunNotFoundError,
    ServerUnreachableError,
    StreamInterruptedError,
    UnprocessableEntityError,
    run_error,
)
from .schema import Assistant, Run, RunStatus, StreamPart, Thread, ThreadState, event_time

__all__ = [
    "APIStatusError",
    "Assistant",
    "AuthenticationError",
    "ConflictError",
    "LangGraphClient",
    "NotFoundError",
    "Run",
    "RunError",
    "RunNotFoundError",
    "RunStatus",
    "ServerUnreachableError",
    "StreamInterruptedError",
    "StreamPart",
    "Thread",
    "ThreadState",
    "UnprocessableEntityError",
    "event_time",
    "run_error",
]
