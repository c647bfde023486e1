"""Value objects for what the LangGraph server sends, named as the server names them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

RunStatus = Literal["pending", "running", "success", "error", "timeout", "interrupted"]


@dataclass(frozen=True, slots=True)
class StreamPart:
    """One server-sent frame: its event name, decoded JSON data and optional id.

    ``event`` is the server's (``metadata``, ``events``, ``error``, or any other, passed on)
    or one of the client's own: ``end``, yielded once when the stream is over, whether the
    server closed it (today's servers) or sent ``event: end`` (older ones); ``malformed`` for
    a frame whose data was not JSON (the stream goes on); ``reconnecting`` while a dropped
    stream is being rejoined. ``raw`` is the data as the server sent it (JSON text), kept so
    that a recording need not encode it again; it takes no part in comparisons.
    """

    event: str
    data: Any
    id: str | None = None
    raw: str | None = field(default=None, compare=False, repr=False)


_EVENT_ID = re.compile(r"(\d{12,})-\d+")


def event_time(event_id: str | None) -> float | None:
    """When the server emitted a frame, in epoch seconds, from a resumable stream's event id
    (``<epoch-ms>-<n>``); None for other ids or none."""
    match = _EVENT_ID.fullmatch(event_id or "")
    return int(match[1]) / 1000 if match else None


class Thread(TypedDict, total=False):
    thread_id: str
    created_at: str
    updated_at: str
    metadata: dict[str, Any]
    status: str
    values: dict[str, Any]


class ThreadState(TypedDict, total=False):
    values: dict[str, Any]
    next: list[str]
    tasks: list[dict[str, Any]]
    metadata: dict[str, Any]  # the checkpoint's: its run_id, step, source


class Assistant(TypedDict, total=False):
    assistant_id: str
    graph_id: str
    name: str


class Run(TypedDict, total=False):
    run_id: str
    thread_id: str
    assistant_id: str
    status: RunStatus
    kwargs: dict[str, Any]  # as the run was asked for: its input, command, config
