"""The LangGraph client against recorded real streams and a fake server that misbehaves."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from app.lg_client import (
    APIStatusError,
    ConflictError,
    LangGraphClient,
    NotFoundError,
    ServerUnreachableError,
    StreamInterruptedError,
    StreamPart,
    UnprocessableEntityError,
)
from tests.unit.conftest import RECORDINGS

SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8"}
INPUT = {"messages": [{"role": "human", "content": "What's the weather in SF?"}]}


class ChunkedStream(httpx.AsyncByteStream):
    """Sends ``chunks`` one by one, then optionally fails as a dropped connection does."""

    def __init__(self, chunks: list[bytes], fail_with: Exception | None = None) -> None:
        self.chunks, self.fail_with = chunks, fail_with

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.fail_with:
            raise self.fail_with


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> LangGraphClient:
    return LangGraphClient("http://lg.test", transport=httpx.MockTransport(handler))


def stream_parts(handler: Callable[[httpx.Request], httpx.Response]) -> list[StreamPart]:
    async def collect() -> list[StreamPart]:
        async with client_for(handler) as client:
            return [part async for part in client.stream_run("t1", "agent", INPUT)]

    return asyncio.run(collect())


def sse_response(*chunks: bytes, fail_with: Exception | None = None) -> Callable:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers=SSE_HEADERS, stream=ChunkedStream(list(chunks), fail_with)
        )

    return handler


def recording(name: str) -> bytes:
    return (RECORDINGS / name).read_bytes()


def test_a_recorded_run_streams_metadata_then_events_then_one_end():
    parts = stream_parts(sse_response(recording("weather.sse")))

    assert parts[0].event == "metadata"
    assert parts[0].data["run_id"]
    assert parts[-1] == StreamPart("end", None)
    assert [p.event for p in parts].count("end") == 1
    events = [p.data for p in parts if p.event == "events"]
    assert events[0]["parent_ids"] == []
    assert events[0]["run_id"] == parts[0].data["run_id"]
    tokens = [e for e in events if e["event"] == "on_chat_model_stream"]
    assert len(tokens) > 5


def test_frames_split_across_network_chunks_decode_the_same():
    raw = recording("weather.sse")
    whole = stream_parts(sse_response(raw))
    pieces = [raw[i : i + 7] for i in range(0, len(raw), 7)]
    assert stream_parts(sse_response(*pieces)) == whole


def test_the_older_servers_end_frame_ends_the_stream_once():
    parts = stream_parts(
        sse_response(recording("seed_legacy.sse") + b"event: events\ndata: {}\n\n")
    )

    assert parts[-1] == StreamPart("end", None)
    assert [p.event for p in parts].count("end") == 1
    assert parts[-2].event == "events"  # nothing after the server's `end` frame is read


def test_resumable_frames_carry_their_event_ids():
    parts = stream_parts(sse_response(recording("resumable.sse")))
    assert all(p.id for p in parts if p.event != "end")


def test_an_error_frame_is_yielded_with_the_servers_error_and_message():
    parts = stream_parts(sse_response(recording("failing.sse")))
    errors = [p for p in parts if p.event == "error"]
    assert len(errors) == 1
    assert errors[0].data["error"] == "ValueError"
    assert "unavailable" in errors[0].data["message"]
    assert parts[-1].event == "end"


def test_malformed_json_is_skipped_with_a_note_and_the_stream_goes_on():
    parts = stream_parts(
        sse_response(
            b'event: metadata\r\ndata: {"run_id": "r1"}\r\n\r\n',
            b"event: events\r\ndata: {not json\r\n\r\n",
            b"event: surprise\r\ndata: [1, 2]\r\n\r\n",
            b": heartbeat\r\n\r\n",
            b'event: events\r\ndata: {"event": "on_chain_start", "run_id": "r1"}\r\n\r\n',
        )
    )
    assert [p.event for p in parts] == ["metadata", "malformed", "surprise", "events", "end"]
    assert parts[1].data["event"] == "events"
    assert parts[1].data["raw"] == "{not json"


def test_a_connection_cut_mid_stream_raises_stream_interrupted_after_what_arrived():
    received: list[StreamPart] = []

    async def collect() -> None:
        handler = sse_response(
            b'event: metadata\r\ndata: {"run_id": "r1"}\r\n\r\n',
            fail_with=httpx.RemoteProtocolError("peer closed connection"),
        )
        async with client_for(handler) as client:
            async for part in client.stream_run("t1", "agent", INPUT):
                received.append(part)

    with pytest.raises(StreamInterruptedError, match="dropped"):
        asyncio.run(collect())
    assert [p.event for p in received] == ["metadata"]


@pytest.mark.parametrize(
    ("status", "body", "error_class", "detail"),
    [
        pytest.param(
            404, {"detail": "Thread not found"}, NotFoundError, "Thread not found", id="404"
        ),
        pytest.param(409, {"detail": "Thread is busy"}, ConflictError, "Thread is busy", id="409"),
        pytest.param(
            422,
            {"detail": "Unknown assistant"},
            UnprocessableEntityError,
            "Unknown assistant",
            id="422",
        ),
        pytest.param(
            500, "Internal Server Error", APIStatusError, "Internal Server Error", id="500-text"
        ),
    ],
)
def test_refused_stream_requests_raise_named_errors_with_the_servers_detail(
    status, body, error_class, detail
):
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, dict):
            return httpx.Response(status, json=body)
        return httpx.Response(status, text=body)

    with pytest.raises(error_class) as caught:
        stream_parts(handler)
    assert caught.value.status_code == status
    assert caught.value.detail == detail
    assert f"returned {status}" in str(caught.value)
    assert isinstance(caught.value, httpx.HTTPStatusError)


def test_an_unreachable_server_raises_a_readable_error():
    async def call() -> None:
        async with LangGraphClient("http://127.0.0.1:9") as client:
            await client.create_thread()

    with pytest.raises(
        ServerUnreachableError, match="Could not reach the LangGraph server at http://127.0.0.1:9"
    ):
        asyncio.run(call())


def test_the_api_key_and_extra_headers_go_on_every_request():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"thread_id": "t1"})

    async def call() -> None:
        transport = httpx.MockTransport(handler)
        async with LangGraphClient(
            "http://lg.test", api_key="sk-secret", headers={"X-Gateway": "g1"}, transport=transport
        ) as client:
            await client.create_thread()

    asyncio.run(call())
    assert seen[0].headers["x-api-key"] == "sk-secret"
    assert seen[0].headers["x-gateway"] == "g1"


def test_a_run_is_requested_with_stream_mode_events():
    bodies: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        assert request.url.path == "/threads/t1/runs/stream"
        return httpx.Response(200, headers=SSE_HEADERS, text="")

    assert stream_parts(handler) == [StreamPart("end", None)]
    assert bodies == [{"assistant_id": "agent", "input": INPUT, "stream_mode": "events"}]


def frame(event: str, data: object, event_id: str) -> bytes:
    return f"id: {event_id}\r\nevent: {event}\r\ndata: {json.dumps(data)}\r\n\r\n".encode()


RUN_FRAMES = [frame("metadata", {"run_id": "r1"}, "1-0")] + [
    frame("events", {"event": "on_chain_stream", "run_id": "r1", "n": n}, "2-0") for n in range(5)
]


def reconnecting_parts(handler: Callable, retry_delays=(0.0, 0.0)) -> list[StreamPart]:
    async def collect() -> list[StreamPart]:
        async with client_for(handler) as client:
            stream = client.stream_run_reconnecting("t1", "agent", INPUT, retry_delays=retry_delays)
            return [part async for part in stream]

    return asyncio.run(collect())


def test_a_dropped_stream_is_rejoined_and_every_event_is_yielded_exactly_once():
    joins: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            assert json.loads(request.content)["stream_resumable"] is True
            return httpx.Response(
                200,
                headers=SSE_HEADERS,
                stream=ChunkedStream(RUN_FRAMES[:3], httpx.ReadError("connection reset")),
            )
        if request.url.path.endswith("/stream"):
            joins.append(request)
            return httpx.Response(200, headers=SSE_HEADERS, stream=ChunkedStream(RUN_FRAMES))
        return httpx.Response(200, json={"run_id": "r1", "status": "success"})

    parts = reconnecting_parts(handler)

    assert [p.event for p in parts] == ["metadata", "events", "events", "reconnecting"] + [
        "events"
    ] * 3 + ["end"]
    assert [p.data["n"] for p in parts if p.event == "events"] == [0, 1, 2, 3, 4]
    assert joins[0].url.path == "/threads/t1/runs/r1/stream"
    assert joins[0].headers["last-event-id"] == "0"


def test_a_stream_that_closes_while_the_run_is_still_going_is_rejoined():
    statuses = iter(["running", "success"])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, headers=SSE_HEADERS, stream=ChunkedStream(RUN_FRAMES[:2]))
        if request.url.path.endswith("/stream"):
            return httpx.Response(200, headers=SSE_HEADERS, stream=ChunkedStream(RUN_FRAMES))
        return httpx.Response(200, json={"run_id": "r1", "status": next(statuses)})

    parts = reconnecting_parts(handler)
    assert [p.data["n"] for p in parts if p.event == "events"] == [0, 1, 2, 3, 4]
    assert [p.event for p in parts].count("reconnecting") == 1


def test_rejoining_gives_up_after_its_tries_with_the_last_error():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(
                200,
                headers=SSE_HEADERS,
                stream=ChunkedStream(RUN_FRAMES[:1], httpx.ReadError("reset")),
            )
        raise httpx.ConnectError("connection refused")

    received: list[StreamPart] = []

    async def collect() -> None:
        async with client_for(handler) as client:
            stream = client.stream_run_reconnecting("t1", "agent", INPUT, retry_delays=(0, 0, 0))
            async for part in stream:
                received.append(part)

    with pytest.raises(ServerUnreachableError):
        asyncio.run(collect())
    assert [p.event for p in received] == ["metadata"] + ["reconnecting"] * 3


def test_a_lost_run_raises_not_found_when_rejoined():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(
                200, headers=SSE_HEADERS, stream=ChunkedStream(RUN_FRAMES[:2], httpx.ReadError("x"))
            )
        return httpx.Response(404, json={"detail": "Thread not found"})

    with pytest.raises(NotFoundError):
        reconnecting_parts(handler)


def test_a_joined_stream_drops_the_duplicate_where_replay_meets_live_events():
    duplicated = RUN_FRAMES[:4] + RUN_FRAMES[3:]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/stream"):
            return httpx.Response(200, headers=SSE_HEADERS, stream=ChunkedStream(duplicated))
        return httpx.Response(200, json={"run_id": "r1", "status": "success"})

    async def collect() -> list[StreamPart]:
        async with client_for(handler) as client:
            return [part async for part in client.join_run_reconnecting("t1", "r1")]

    parts = asyncio.run(collect())
    assert [p.data["n"] for p in parts if p.event == "events"] == [0, 1, 2, 3, 4]
