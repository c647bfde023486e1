"""A small async client for LangGraph servers (no Reflex import)."""

from .client import LangGraphClient
from .errors import (
    APIStatusError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    ServerUnreachableError,
    StreamInterruptedError,
    UnprocessableEntityError,
)
from .schema import Assistant, Run, RunStatus, StreamPart, Thread, ThreadState

__all__ = [
    "APIStatusError",
    "Assistant",
    "AuthenticationError",
    "ConflictError",
    "LangGraphClient",
    "NotFoundError",
    "Run",
    "RunStatus",
    "ServerUnreachableError",
    "StreamInterruptedError",
    "StreamPart",
    "Thread",
    "ThreadState",
    "UnprocessableEntityError",
]
