"""SSE for unit tests, one place: build frames for fake servers, serve bytes through
``httpx.MockTransport``, and decode recordings (``tests/recordings/*.sse``) through the real
``LangGraphClient``, so no test parses SSE by hand.

    handler = sse_response(frame("metadata", {"run_id": "r1"}), fail_with=httpx.ReadError("x"))
    parts = stream_parts(handler)            # what the client yields, in order
    events = recorded_events("weather")      # the `data` of a recording's `events` parts
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx

from app.lg_client import LangGraphClient, StreamPart

RECORDINGS = Path(__file__).resolve().parents[1] / "recordings"
SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8"}
#: The input the recordings were made with, and the default one ``stream_parts`` sends.
QUESTION = {"messages": [{"role": "human", "content": "What's the weather in SF?"}]}

Handler = Callable[[httpx.Request], httpx.Response]
T = TypeVar("T")


# -- bytes --------------------------------------------------------------------------------------


def frame(event: str, data: object, id: str | None = None, crlf: bool = True) -> bytes:
    """One SSE frame: ``data`` as JSON, or ``bytes`` sent verbatim (e.g. malformed data)."""
    newline = "\r\n" if crlf else "\n"
    raw = data.decode() if isinstance(data, bytes) else json.dumps(data)
    lines = [f"event: {event}", *(f"data: {line}" for line in raw.split("\n"))]
    if id is not None:
        lines.append(f"id: {id}")  # after `data:`, where the LangGraph server puts it
    return (newline.join(lines) + newline + newline).encode()


def comment(text: str = "heartbeat", crlf: bool = True) -> bytes:
    """An SSE comment frame (``: heartbeat``), which carries no event."""
    newline = "\r\n" if crlf else "\n"
    return f": {text}{newline}{newline}".encode()


def recording(name: str) -> bytes:
    """The exact bytes of ``tests/recordings/<name>`` (``.sse`` may be left off)."""
    return (RECORDINGS / (name if name.endswith(".sse") else f"{name}.sse")).read_bytes()


# -- serving bytes through httpx.MockTransport ---------------------------------------------------


class ChunkedStream(httpx.AsyncByteStream):
    """A response body sent chunk by chunk, then optionally failing as a dropped connection."""

    def __init__(self, chunks: list[bytes], fail_with: Exception | None = None) -> None:
        self.chunks, self.fail_with = chunks, fail_with

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.fail_with:
            raise self.fail_with


def sse_stream_response(*chunks: bytes, fail_with: Exception | None = None) -> httpx.Response:
    """A 200 ``text/event-stream`` response sending ``chunks`` (then raising ``fail_with``)."""
    return httpx.Response(200, headers=SSE_HEADERS, stream=ChunkedStream(list(chunks), fail_with))


def sse_response(*chunks: bytes, fail_with: Exception | None = None) -> Handler:
    """A MockTransport handler answering every request with ``sse_stream_response(...)``."""
    return lambda request: sse_stream_response(*chunks, fail_with=fail_with)


def client_for(handler: Handler, **options: Any) -> LangGraphClient:
    """The real client at ``http://lg.test`` whose requests ``handler`` answers."""
    return LangGraphClient("http://lg.test", transport=httpx.MockTransport(handler), **options)


# -- collecting what the real client yields ------------------------------------------------------


def run_sync(coroutine: Awaitable[T]) -> T:
    """Run a coroutine to completion from a sync test (in a thread if a loop already runs)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def acollect(
    parts: AsyncIterator[StreamPart], into: list[StreamPart] | None = None
) -> list[StreamPart]:
    """Every part of ``parts``, also appended to ``into`` as they come (kept if it raises)."""
    received = [] if into is None else into
    async for part in parts:
        received.append(part)
    return received


async def astream_parts(
    target: Handler | str,
    *,
    into: list[StreamPart] | None = None,
    thread_id: str = "t1",
    assistant_id: str = "agent",
    input: Mapping[str, Any] = QUESTION,
) -> list[StreamPart]:
    """``stream_run`` with the real client against a MockTransport handler or a server URL."""
    client = LangGraphClient(target) if isinstance(target, str) else client_for(target)
    async with client:
        return await acollect(client.stream_run(thread_id, assistant_id, input), into)


def stream_parts(target: Handler | str, **options: Any) -> list[StreamPart]:
    """``astream_parts`` from a sync test."""
    return run_sync(astream_parts(target, **options))


async def arecorded_parts(name: str) -> list[StreamPart]:
    """A recording as the real client decodes it: its parts, ``end`` last."""
    return await astream_parts(sse_response(recording(name)))


def recorded_parts(name: str) -> list[StreamPart]:
    """``arecorded_parts`` from a sync test."""
    return run_sync(arecorded_parts(name))


def recorded_events(name: str) -> list[dict]:
    """The ``data`` of a recording's ``events`` parts, in order."""
    return [part.data for part in recorded_parts(name) if part.event == "events"]
