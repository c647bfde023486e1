"""A recorded run streamed again, as the follower reads a live one: the same parts, each when
it came (or faster), never touching the LangGraph server (no Reflex)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from app.archive.recording import Frame, Recording, part_of
from app.lg_client import StreamPart

#: Replay speeds the page offers: a factor of the recorded pace, or None for no waiting.
SPEEDS: dict[str, float | None] = {"1": 1.0, "5": 5.0, "max": None}


async def replay_parts(
    recording: Recording,
    speed: float | None,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    wall_clock: Callable[[], float] = time.time,
) -> AsyncIterator[StreamPart]:
    """The run's ``metadata`` part, then its recorded frames at ``speed`` times their pace
    (``None``: as fast as they can be read). Their ids carry their recorded times moved to
    start now, so the follower times the tree as the run was timed: same durations, and
    open runs' clocks run from the replay's start."""
    yield StreamPart("metadata", {"run_id": recording.run_id})
    began = clock()
    first = recording.frames[0].at if recording.frames else 0.0
    shift = wall_clock() - first
    for frame in recording.frames:
        if speed:
            wait = began + (frame.at - first) / speed - clock()
            if wait > 0:
                await sleep(wait)
        yield part_of(Frame(frame.event, frame.data, None, frame.at + shift))
