"""A recorded run streamed again, as the follower reads a live one: the same parts, each when
it came (or faster), never touching the LangGraph server (no Reflex)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from app.archive.recording import Recording, part_of, server_time
from app.lg_client import StreamPart
from app.run_follower import Pace

#: Replay speeds the page offers: a factor of the recorded pace, or None for no waiting.
SPEEDS: dict[str, float | None] = {"1": 1.0, "5": 5.0, "max": None}


async def replay_parts(
    recording: Recording,
    speed: float | None,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> AsyncIterator[StreamPart]:
    """The run's ``metadata`` part, then its recorded frames at ``speed`` times their pace
    (``None``: as fast as they can be read)."""
    yield StreamPart("metadata", {"run_id": recording.run_id})
    began = clock()
    first = recording.frames[0].at if recording.frames else 0.0
    for frame in recording.frames:
        if speed:
            wait = began + (frame.at - first) / speed - clock()
            if wait > 0:
                await sleep(wait)
        yield part_of(frame)


def replay_pace(recording: Recording, now: float) -> Pace:
    """Pace for following a replay: its tree is timed by the recording, shifted to start at
    ``now`` on the follower's clock, so durations are the recorded ones at any speed."""
    offset = now - (recording.frames[0].at if recording.frames else 0.0)
    return Pace(stamp=lambda part: (server_time(part.id) or 0.0) + offset)
