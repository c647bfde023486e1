"""Following one run's stream: its parts are folded into a run tree, and a few typed updates a
second say what happened. A pure async generator (no Reflex): it knows nothing of who shows
the tree, and whoever consumes it decides about Stop by closing it.

Pacing: at most one ``RunProgress`` per ``Pace.flush_interval`` however fast tokens arrive,
one at once when a model's first visible text arrives (the moment a person waits for; a
markdown marker such as ``## `` shows nothing yet; of first texts arriving together, only
the first), and a
``StillAlive`` every ``Pace.heartbeat_interval`` while the stream is quiet. The stream is read
by a task of its own, so a slow consumer never slows reading.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Literal

import httpx

from app.error_text import error_text
from app.lg_client import RunError, StreamPart, event_time, run_error
from app.run_tree import RunTree

log = logging.getLogger(__name__)

MODEL_STREAM_EVENTS = ("on_chat_model_stream", "on_llm_stream")
#: Characters that show nothing on their own at the start of a markdown answer.
_MARKERS = " \t\r\n#>*-+_=`|~"
END = StreamPart("end", None)


@dataclass(frozen=True)
class RunStarted:
    """The server accepted the run (its ``metadata`` frame)."""

    run_id: str


@dataclass(frozen=True)
class RunProgress:
    """The tree changed since the last update: time to show it."""


@dataclass(frozen=True)
class StillAlive:
    """Nothing changed for a while, and the follower is still there (a heartbeat)."""


@dataclass(frozen=True)
class StreamNote:
    """Worth a line under the banner: a dropped connection being rejoined, a skipped frame."""

    text: str


@dataclass(frozen=True)
class RunEnded:
    """The stream is over: ``done``, or ``error`` with a readable message. The tree is left
    open: the consumer finishes it with the outcome it decides (a Stop turns ``done`` into
    ``cancelled``)."""

    outcome: Literal["done", "error"]
    error: str | None = None


Update = RunStarted | RunProgress | StillAlive | StreamNote | RunEnded


@dataclass(frozen=True)
class Pace:
    """How often updates come (``clock`` paces them). Frames are stamped with the server's own
    time when their ids carry it (resumable streams), else with ``wall_clock`` on arrival:
    epoch seconds either way, so a replayed run keeps the durations it had live."""

    flush_interval: float = 1 / 20
    heartbeat_interval: float = 1.0
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time


DEFAULT_PACE = Pace()


async def follow(
    parts: AsyncIterator[StreamPart], tree: RunTree, pace: Pace = DEFAULT_PACE
) -> AsyncIterator[Update]:
    """Fold ``parts`` into ``tree`` and yield updates; the last one is always ``RunEnded``.

    Every way a stream can fail (unreachable server, refused request, ``event: error``, a
    connection that stays dropped) ends in ``RunEnded("error", <readable text>)``. Closing
    the generator early stops reading and closes the stream."""
    queue: asyncio.Queue[StreamPart | BaseException] = asyncio.Queue()
    reader = asyncio.create_task(_read_into(parts, queue))
    clock = pace.clock
    flushed_at, signed_at, urgent_at = -math.inf, clock(), -math.inf
    changed, ended = False, False
    with_text: set[str] = set()  # model runs whose first text was shown
    try:
        while not ended:
            wake_at = (
                flushed_at + pace.flush_interval if changed else signed_at + pace.heartbeat_interval
            )
            item = await _next(queue, wake_at - clock())
            urgent = False
            while item is not None:  # take what has arrived until an update is due
                if isinstance(item, BaseException):
                    raise item
                if item.event == "end":
                    ended = True
                    break
                if item.event == "events":
                    tree.apply(item.data, event_time(item.id) or pace.wall_clock())
                    changed = True
                    first_text = _gives_first_text(item, tree, with_text)
                    # At once, unless another first text just was (hundreds of parallel
                    # model calls start together): then at the usual pace.
                    urgent = urgent or (first_text and clock() >= urgent_at + pace.flush_interval)
                    urgent_at = clock() if urgent else urgent_at
                elif item.event == "error":
                    raise run_error(item.data)
                else:
                    update = _update_for(item, tree)
                    signed_at = clock()
                    yield update
                if urgent or clock() >= flushed_at + pace.flush_interval:
                    break
                item = None if queue.empty() else queue.get_nowait()
            now = clock()
            if changed and (ended or urgent or now >= flushed_at + pace.flush_interval):
                changed = False
                yield RunProgress()
                # Paced from when the consumer is done: a slow one (a tree of hundreds of
                # runs) gets a whole interval of events per update, not one.
                flushed_at = signed_at = clock()
            elif now >= signed_at + pace.heartbeat_interval:
                signed_at = now
                yield StillAlive()
        outcome: RunEnded = RunEnded("done")
    except (RunError, httpx.HTTPError) as exc:
        outcome = RunEnded("error", error_text(exc))
    except Exception as exc:  # every run must end in a readable state
        log.exception("run stream failed")
        outcome = RunEnded("error", f"Unexpected error: {type(exc).__name__}: {exc}")
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)  # closes the HTTP stream
    yield outcome


async def _next(
    queue: asyncio.Queue[StreamPart | BaseException], timeout: float
) -> StreamPart | BaseException | None:
    """The next item, or None if none arrives within ``timeout`` seconds."""
    if timeout <= 0:
        return None if queue.empty() else queue.get_nowait()
    try:
        return await asyncio.wait_for(queue.get(), timeout)
    except TimeoutError:
        return None


async def _read_into(
    parts: AsyncIterator[StreamPart], queue: asyncio.Queue[StreamPart | BaseException]
) -> None:
    """Read the stream into ``queue``, then ``END`` (or the error that stopped it)."""
    try:
        async for part in parts:
            queue.put_nowait(part)
        queue.put_nowait(END)
    except Exception as exc:  # noqa: BLE001 - handed to the follower, which raises it
        queue.put_nowait(exc)


def _update_for(part: StreamPart, tree: RunTree) -> RunStarted | StreamNote:
    """The update a part other than ``events``, ``error`` or ``end`` makes."""
    if part.event == "metadata" and isinstance(part.data, dict):
        run_id = str(part.data.get("run_id", ""))
        tree.run_id = tree.run_id or run_id
        return RunStarted(run_id)
    if part.event == "reconnecting":
        attempt = part.data.get("attempt") if isinstance(part.data, dict) else "?"
        return StreamNote(
            f"The connection to the LangGraph server dropped; rejoining the run (try {attempt})…"
        )
    if part.event == "malformed" and isinstance(part.data, dict):
        return StreamNote(
            f"Skipped a malformed '{part.data.get('event')}' frame: {part.data.get('reason')}"
        )
    return StreamNote(f"Skipped an unknown '{part.event}' frame")


def _gives_first_text(part: StreamPart, tree: RunTree, with_text: set[str]) -> bool:
    """Whether ``part`` gave a model run its first visible text (worth showing right away)."""
    if not isinstance(part.data, dict) or part.data.get("event") not in MODEL_STREAM_EVENTS:
        return False
    run_id = str(part.data.get("run_id", ""))
    node = tree.get(run_id)
    if run_id in with_text or node is None or not node.answers_in_chat:
        return False
    if not node.streamed_text.strip(_MARKERS):
        return False
    with_text.add(run_id)
    return True
