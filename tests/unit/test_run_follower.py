"""The run follower's pacing and endings: recorded streams through the real client
(MockTransport) and the real follower, with a clock the test controls."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from app.lg_client import LangGraphClient, StreamPart
from app.run_follower import (
    DEFAULT_PACE,
    Pace,
    RunEnded,
    RunProgress,
    RunStarted,
    StillAlive,
    StreamNote,
    Update,
    follow,
)
from app.run_tree import RunTree
from tests.unit.sse import QUESTION, client_for, frame, recording, sse_response


class FrozenClock:
    """A clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def frozen_pace(clock: FrozenClock, flush_interval: float = 0.05) -> Pace:
    return Pace(flush_interval=flush_interval, heartbeat_interval=60.0, clock=clock)


async def follow_all(
    parts: AsyncIterator[StreamPart], tree: RunTree, pace: Pace = DEFAULT_PACE
) -> list[Update]:
    return [update async for update in follow(parts, tree, pace)]


def run(handler, pace: Pace = DEFAULT_PACE) -> tuple[list[Update], RunTree]:
    """Start a run against ``handler`` with the real client and follow it to its end."""

    async def go() -> tuple[list[Update], RunTree]:
        tree = RunTree()
        async with client_for(handler) as client:
            updates = await follow_all(client.stream_run("t1", "agent", QUESTION), tree, pace)
        return updates, tree

    return asyncio.run(go())


def of_type(updates: list[Update], kind: type) -> list[Update]:
    return [update for update in updates if isinstance(update, kind)]


# -- pacing -------------------------------------------------------------------------------------


def test_a_burst_of_frames_is_coalesced_into_one_update_for_the_first_text_and_one_at_the_end():
    clock = FrozenClock()  # every frame arrives in the same instant
    updates, tree = run(sse_response(recording("weather")), frozen_pace(clock))

    assert isinstance(updates[0], RunStarted)
    assert updates[0].run_id == tree.run_id != ""
    assert updates[-1] == RunEnded("done")
    # The first frame, the first model call's first text (the second one's arrives in the
    # same instant: it waits for the pace), and the stream's end.
    assert len(of_type(updates, RunProgress)) == 3
    assert len(tree) == 9
    answers = [node.streamed_text for node in tree.model_runs()]
    assert answers[0].startswith("Let me check") and "60 degrees" in answers[1]


def test_a_steady_token_stream_is_shown_at_most_once_per_flush_interval():
    clock = FrozenClock()
    tokens = [
        {
            "event": "on_chat_model_stream",
            "run_id": "m1",
            "parent_ids": ["r1"],
            "data": {"chunk": {"content": f"t{i} "}},
        }
        for i in range(200)
    ]

    async def paced_parts() -> AsyncIterator[StreamPart]:
        yield StreamPart("metadata", {"run_id": "r1"})
        yield StreamPart("events", {"event": "on_chain_start", "run_id": "r1", "parent_ids": []})
        for token in tokens:
            clock.now += 0.005  # 200 tokens a second, for one second
            yield StreamPart("events", token)
            await asyncio.sleep(0)

    tree = RunTree()
    updates = asyncio.run(follow_all(paced_parts(), tree, frozen_pace(clock, 0.05)))

    progress = len(of_type(updates, RunProgress))
    # One second at 20 updates a second, plus the first frame, the first text and the end:
    # far fewer than the 201 frames, and never more than the pace allows.
    assert 5 <= progress <= 1.0 / 0.05 + 3
    assert tree.get("m1").streamed_text.split() == [f"t{i}" for i in range(200)]


def test_the_first_text_of_a_model_is_shown_at_once_however_recent_the_last_update():
    clock = FrozenClock()
    first_text_seen = asyncio.Event()

    async def parts() -> AsyncIterator[StreamPart]:
        yield StreamPart("events", {"event": "on_chain_start", "run_id": "r1", "parent_ids": []})
        yield StreamPart(
            "events",
            {"event": "on_chat_model_start", "run_id": "m1", "parent_ids": ["r1"], "data": {}},
        )
        yield StreamPart(
            "events",
            {
                "event": "on_chat_model_stream",
                "run_id": "m1",
                "parent_ids": ["r1"],
                "data": {"chunk": {"content": "Hello"}},
            },
        )
        await first_text_seen.wait()  # the stream goes quiet: nothing else would flush

    async def go() -> RunTree:
        tree = RunTree()
        updates = follow(parts(), tree, frozen_pace(clock, flush_interval=3600))
        async for update in updates:
            if isinstance(update, RunProgress) and tree.get("m1") and tree.get("m1").streamed_text:
                first_text_seen.set()
                await updates.aclose()
        return tree

    tree = asyncio.run(asyncio.wait_for(go(), 5))
    assert tree.get("m1").streamed_text == "Hello"


def test_a_markdown_marker_alone_is_not_worth_an_early_update_the_word_after_it_is():
    clock = FrozenClock()
    done = asyncio.Event()

    def token(text: str) -> StreamPart:
        data = {"chunk": {"content": text}}
        return StreamPart(
            "events",
            {"event": "on_chat_model_stream", "run_id": "m1", "parent_ids": ["r1"], "data": data},
        )

    async def parts() -> AsyncIterator[StreamPart]:
        yield StreamPart("events", {"event": "on_chain_start", "run_id": "r1", "parent_ids": []})
        yield StreamPart(
            "events",
            {"event": "on_chat_model_start", "run_id": "m1", "parent_ids": ["r1"], "data": {}},
        )
        yield token("## ")
        await asyncio.sleep(0.05)  # time enough for an update, were one due
        yield token("Report")
        await done.wait()

    async def go() -> list[str]:
        tree, texts = RunTree(), []
        updates = follow(parts(), tree, frozen_pace(clock, flush_interval=3600))
        async for update in updates:
            text = tree.get("m1").streamed_text if tree.get("m1") else ""
            if isinstance(update, RunProgress) and text:
                texts.append(text)
                done.set()
                await updates.aclose()
        return texts

    assert asyncio.run(asyncio.wait_for(go(), 5)) == ["## Report"]


def test_a_quiet_stream_still_sends_heartbeats():
    quiet = asyncio.Event()

    async def parts() -> AsyncIterator[StreamPart]:
        yield StreamPart("metadata", {"run_id": "r1"})
        await quiet.wait()

    async def go() -> list[Update]:
        seen: list[Update] = []
        updates = follow(parts(), RunTree(), Pace(heartbeat_interval=0.02))
        async for update in updates:
            seen.append(update)
            if len(of_type(seen, StillAlive)) == 3:
                await updates.aclose()
        return seen

    seen = asyncio.run(asyncio.wait_for(go(), 5))
    assert isinstance(seen[0], RunStarted)
    assert len(of_type(seen, StillAlive)) == 3


# -- stopping early -----------------------------------------------------------------------------


class EndlessStream(httpx.AsyncByteStream):
    """A run that streams tokens until its connection is closed; remembers that it was."""

    def __init__(self) -> None:
        self.closed = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield frame("metadata", {"run_id": "r1"})
        yield frame("events", {"event": "on_chain_start", "run_id": "r1", "parent_ids": []})
        while True:
            await asyncio.sleep(0.005)
            yield frame(
                "events",
                {
                    "event": "on_chat_model_stream",
                    "run_id": "m1",
                    "parent_ids": ["r1"],
                    "data": {"chunk": {"content": "more "}},
                },
            )

    async def aclose(self) -> None:
        self.closed.set()


def endless_client(stream: EndlessStream) -> LangGraphClient:
    headers = {"content-type": "text/event-stream"}
    return client_for(lambda request: httpx.Response(200, headers=headers, stream=stream))


def test_closing_the_follower_at_an_update_stops_reading_and_closes_the_stream():
    async def go() -> tuple[EndlessStream, int]:
        stream, tree = EndlessStream(), RunTree()
        async with endless_client(stream) as client:
            updates = follow(client.stream_run("t1", "agent", QUESTION), tree)
            async for update in updates:
                if isinstance(update, RunProgress) and tree.get("m1"):
                    break  # what the state does when Stop was clicked
            await updates.aclose()
            await asyncio.wait_for(stream.closed.wait(), 2)
            chunks = tree.get("m1").chunk_count
            await asyncio.sleep(0.05)
            assert tree.get("m1").chunk_count == chunks  # nothing is read any more
        return stream, chunks

    stream, chunks = asyncio.run(go())
    assert stream.closed.is_set() and chunks >= 1


def test_a_superseded_follower_stepping_aside_leaves_the_newer_one_complete():
    async def go() -> tuple[list[Update], RunTree, RunTree]:
        handler = sse_response(recording("weather"))
        async with client_for(handler) as client:
            old_tree, new_tree = RunTree(), RunTree()
            old = follow(client.stream_run("t1", "agent", QUESTION), old_tree)
            first = await anext(old)
            new_updates = await follow_all(client.stream_run("t1", "agent", QUESTION), new_tree)
            await old.aclose()  # the state saw another follower's id: it closes this one
        return [first, *new_updates], old_tree, new_tree

    updates, old_tree, new_tree = asyncio.run(go())
    assert isinstance(updates[0], RunStarted)
    assert updates[-1] == RunEnded("done")
    assert len(new_tree) == 9 and not old_tree.is_finished


# -- every way a run ends ------------------------------------------------------------------------


def refuse(status: int, detail: str):
    return lambda request: httpx.Response(status, json={"detail": detail})


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        pytest.param(unreachable, "Is the LangGraph server running?", id="unreachable"),
        pytest.param(refuse(409, "Thread is busy"), "busy with another run (409)", id="busy"),
        pytest.param(
            refuse(422, "Assistant 'nope' not found"),
            "refused the request (422): Assistant 'nope' not found",
            id="refused",
        ),
    ],
)
def test_a_run_the_server_never_starts_ends_in_a_readable_error(handler, expected):
    updates, tree = run(handler)

    assert updates == [updates[-1]]
    assert updates[-1].outcome == "error"
    assert expected in updates[-1].error
    assert len(tree) == 0


def test_an_error_frame_mid_run_ends_it_with_the_servers_error_and_keeps_what_arrived():
    raw = recording("failing")
    updates, tree = run(sse_response(raw))

    ended = updates[-1]
    assert ended.outcome == "error"
    assert ended.error.startswith("The run failed: ")
    assert len(tree) > 0
    assert any(node.streamed_text for node in tree.model_runs())


def test_a_run_the_server_lost_is_reported_as_lost_not_as_a_failure_of_the_graph():
    lost = frame("error", {"error": "HTTPException", "message": "404: Run not found"})
    updates, _ = run(sse_response(frame("metadata", {"run_id": "r1"}), lost))

    assert updates[-1].outcome == "error"
    assert "no longer knows this run (did it restart?)" in updates[-1].error


def test_a_connection_that_drops_mid_run_ends_it_with_an_error_after_what_arrived():
    start = frame("events", {"event": "on_chain_start", "run_id": "r1", "parent_ids": []})
    handler = sse_response(
        frame("metadata", {"run_id": "r1"}), start, fail_with=httpx.ReadError("reset by peer")
    )
    updates, tree = run(handler)

    assert updates[-1].outcome == "error"
    assert "dropped" in updates[-1].error
    assert tree.get("r1") is not None


def test_malformed_and_unknown_frames_become_notes_and_the_run_goes_on():
    raw = recording("weather").split(b"\r\n\r\n", 1)
    handler = sse_response(
        raw[0] + b"\r\n\r\n",
        b"event: events\r\ndata: {not json\r\n\r\n",
        frame("surprise", {"x": 1}),
        raw[1],
    )
    updates, tree = run(handler)

    notes = [update.text for update in of_type(updates, StreamNote)]
    assert notes == [
        "Skipped a malformed 'events' frame: " + notes[0].split(": ", 1)[1],
        "Skipped an unknown 'surprise' frame",
    ]
    assert updates[-1] == RunEnded("done")
    assert len(tree) == 9


def test_an_unexpected_failure_while_reading_still_ends_the_run_readably():
    async def parts() -> AsyncIterator[StreamPart]:
        yield StreamPart("metadata", {"run_id": "r1"})
        raise RuntimeError("disk full")

    updates = asyncio.run(follow_all(parts(), RunTree()))

    assert updates[-1] == RunEnded("error", "Unexpected error: RuntimeError: disk full")
