"""Following one run's stream: folding its events into the run tree and the chat, and
flushing them to the browser a few times a second. The loop behind ChatState's streaming."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

import httpx
import reflex as rx
from reflex.event import EventSpec

from app.lg_client import (
    APIStatusError,
    LangGraphClient,
    NotFoundError,
    ServerUnreachableError,
    StreamPart,
)
from app.run_tree import RunTree
from app.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from app.state.chat import ChatState

log = logging.getLogger(__name__)

#: At most this many state updates a second reach the browser while a run streams.
FLUSHES_PER_SECOND = 20
#: While the stream is quiet, the follower still shows it is alive this often.
HEARTBEAT_SECONDS = 1.0
MODEL_STREAM_EVENTS = ("on_chat_model_stream", "on_llm_stream")

OpenStream = Callable[[LangGraphClient, Settings], Awaitable[AsyncIterator[StreamPart]]]


class RunFailed(Exception):
    """The server reported ``event: error`` for the run."""


class Superseded(Exception):
    """Another task took over following the run (this one was thought dead)."""


async def follow(state: ChatState, open_stream: OpenStream):
    """Fold a run's stream into its tree and the chat until it ends, then settle the status.

    ``open_stream(client, settings)`` returns the stream. Every way a run can end leaves a
    status, a readable error if any, and everything received so far on screen.
    """
    tree, follower, started = RunTree(), uuid.uuid4().hex, time.monotonic()
    async with state:
        state._follower, state._heartbeat_at = follower, time.time()
        thread_id = state.thread_id
    log.info("following a run", extra={"thread_id": thread_id})
    try:
        settings = load_settings()
        async with client_for(settings) as client:
            parts = await open_stream(client, settings)
            async with state:
                thread_id = state.thread_id
            yield show_thread_in_url(thread_id)
            async for script in _consume(state, parts, tree, follower):
                yield script
        outcome, error = "done", None
    except Superseded:
        return
    except RunFailed as exc:
        outcome, error = "error", str(exc)
    except NotFoundError as exc:
        outcome, error = "error", _lost_run_text(exc.detail)
    except (httpx.HTTPError, SettingsError) as exc:
        outcome, error = "error", error_text(exc)
    except Exception as exc:  # the UI must end every run in a readable state
        log.exception("run stream failed")
        outcome, error = "error", f"Unexpected error: {type(exc).__name__}: {exc}"
    async with state:
        if state._follower != follower:
            return
        if outcome == "done" and state._stop_requested:
            outcome = "cancelled"
        tree.finish(outcome, error)
        scripts = state._flush(tree)
        if outcome == "done" and len(tree) == 0 and state._saved_messages:
            state.messages, outcome = state._saved_messages, "idle"  # nothing could be replayed
        state._saved_messages, state.pending_question = [], ""
        state.status = outcome
        state.error_message = error or ""
        thread_id = state.thread_id
    log.info(
        "run %s",
        outcome,
        extra={
            "thread_id": thread_id,
            "run_id": tree.run_id,
            "status": outcome,
            "nodes": len(tree),
            "seconds": round(time.monotonic() - started, 3),
            "error": error,
        },
    )
    for script in scripts:
        yield script
    yield show_thread_in_url(thread_id)


async def _consume(
    state: ChatState, parts: AsyncIterator[StreamPart], tree: RunTree, follower: str
):
    """Fold stream parts into ``tree``, flushing to the browser at most FLUSHES_PER_SECOND
    (and at once when a model's first text arrives); yields the live-text scripts. Each flush,
    and a heartbeat when the stream is quiet, also checks for Stop and for a newer follower."""
    queue: asyncio.Queue[StreamPart | BaseException] = asyncio.Queue()
    reader = asyncio.create_task(_read_into(parts, queue))
    interval = 1.0 / FLUSHES_PER_SECOND
    loop = asyncio.get_running_loop()
    last_flush, dirty, ended, urgent = 0.0, False, False, False
    shown: set[str] = set()  # model runs whose first text was flushed
    try:
        while not ended:
            wake_at = last_flush + (interval if dirty else HEARTBEAT_SECONDS)
            timeout = max(0.0, wake_at - loop.time())
            try:
                item = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                item = None
            while item is not None:
                if isinstance(item, BaseException):
                    raise item
                ended = await _apply_part(state, item, tree) or ended
                urgent = urgent or _shows_first_text(item, tree, shown)
                dirty = True
                due = ended or urgent or loop.time() >= last_flush + interval
                item = None if due or queue.empty() else queue.get_nowait()
            due = ended or urgent or loop.time() >= last_flush + interval
            if (dirty and due) or loop.time() >= last_flush + HEARTBEAT_SECONDS:
                async with state:
                    if state._follower != follower:
                        raise Superseded
                    state._heartbeat_at = time.time()
                    scripts = state._flush(tree) if dirty else []
                    stop = state._stop_requested
                for script in scripts:
                    yield script
                last_flush, dirty, urgent = loop.time(), False, False
                if stop:
                    return  # Stop was clicked: stop showing now; the server's cancel follows
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)  # closes the HTTP stream


async def _apply_part(state: ChatState, part: StreamPart, tree: RunTree) -> bool:
    """Apply one stream part; True once the stream is over."""
    if part.event == "metadata" and isinstance(part.data, dict):
        run_id = str(part.data.get("run_id", ""))
        tree.run_id = tree.run_id or run_id
        async with state:
            state.run_id, state.pending_question = run_id, ""  # the server has the question
            state._start_viewing(tree)
    elif part.event == "events" and isinstance(part.data, dict):
        tree.apply(part.data, time.monotonic())
    elif part.event == "error":
        raise RunFailed(_run_error_text(part.data))
    elif part.event == "end":
        return True
    else:
        async with state:
            state.stream_notes.append(_note_for(part))
    return False


async def _read_into(
    parts: AsyncIterator[StreamPart], queue: asyncio.Queue[StreamPart | BaseException]
) -> None:
    """Read the stream into ``queue`` so reading never waits on a flush to the browser."""
    try:
        async for part in parts:
            queue.put_nowait(part)
    except Exception as exc:  # noqa: BLE001 - handed to the consumer, which raises it
        queue.put_nowait(exc)


def _shows_first_text(part: StreamPart, tree: RunTree, shown: set[str]) -> bool:
    """Whether ``part`` gave a model run its first text (worth a flush right away)."""
    if part.event != "events" or part.data.get("event") not in MODEL_STREAM_EVENTS:
        return False
    run_id = str(part.data.get("run_id", ""))
    node = tree.get(run_id)
    if run_id in shown or node is None or not node.streamed_text:
        return False
    shown.add(run_id)
    return True


def live_text_script(action: str, *args: object) -> EventSpec:
    return rx.call_script(f"window.liveText.{action}({', '.join(map(json.dumps, args))})")


def client_for(settings: Settings) -> LangGraphClient:
    return LangGraphClient(settings.api_url, api_key=settings.api_key, headers=settings.headers)


def show_thread_in_url(thread_id: str):
    """Keep the thread's id in the address bar: shareable, and a reload opens it again."""
    url = f"?thread={thread_id}" if thread_id else "/"
    return rx.call_script(f"window.history.replaceState(null, '', '{url}')")


def error_text(exc: Exception) -> str:
    if isinstance(exc, APIStatusError):
        if exc.status_code == 409:
            return f"This thread is busy with another run (409): {exc.detail}"
        return f"The LangGraph server refused the request ({exc.status_code}): {exc.detail}"
    if isinstance(exc, SettingsError):
        return str(exc)
    if isinstance(exc, ServerUnreachableError):
        return f"{exc}. Is the LangGraph server running?"
    return str(exc)


def _run_error_text(data: object) -> str:
    if isinstance(data, dict):
        kind, message = data.get("error", "Error"), str(data.get("message", ""))
        if kind == "HTTPException" and message.startswith("404"):
            return _lost_run_text(message)  # a rejoined run the server no longer has
        return f"The run failed: {kind}: {message}" if message else f"The run failed: {kind}"
    return f"The run failed: {data}"


def _lost_run_text(detail: str) -> str:
    return f"The LangGraph server no longer knows this run (did it restart?): {detail}"


def _note_for(part: StreamPart) -> str:
    if part.event == "reconnecting":
        return (
            "The connection to the LangGraph server dropped; rejoining the run "
            f"(try {part.data.get('attempt')})…"
        )
    if part.event == "malformed":
        return f"Skipped a malformed '{part.data.get('event')}' frame: {part.data.get('reason')}"
    return f"Skipped an unknown '{part.event}' frame"
