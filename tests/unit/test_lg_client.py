"""The LangGraph client against recorded real streams and a fake server that misbehaves."""

import json

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
from tests.unit.sse import (
    QUESTION,
    SSE_HEADERS,
    Handler,
    acollect,
    client_for,
    comment,
    frame,
    recorded_parts,
    recording,
    run_sync,
    sse_response,
    sse_stream_response,
    stream_parts,
)


def test_a_recorded_run_streams_metadata_then_events_then_one_end():
    parts = recorded_parts("weather")

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
    raw = recording("weather")
    whole = recorded_parts("weather")
    pieces = [raw[i : i + 7] for i in range(0, len(raw), 7)]
    assert stream_parts(sse_response(*pieces)) == whole


def test_the_older_servers_end_frame_ends_the_stream_once():
    parts = stream_parts(sse_response(recording("seed_legacy") + frame("events", {}, crlf=False)))

    assert parts[-1] == StreamPart("end", None)
    assert [p.event for p in parts].count("end") == 1
    assert parts[-2].event == "events"  # nothing after the server's `end` frame is read


def test_resumable_frames_carry_their_event_ids():
    parts = recorded_parts("resumable")
    assert all(p.id for p in parts if p.event != "end")


def test_an_error_frame_is_yielded_with_the_servers_error_and_message():
    parts = recorded_parts("failing")
    errors = [p for p in parts if p.event == "error"]
    assert len(errors) == 1
    assert errors[0].data["error"] == "ValueError"
    assert "unavailable" in errors[0].data["message"]
    assert parts[-1].event == "end"


def test_malformed_json_is_skipped_with_a_note_and_the_stream_goes_on():
    parts = stream_parts(
        sse_response(
            frame("metadata", {"run_id": "r1"}),
            frame("events", b"{not json"),
            frame("surprise", [1, 2]),
            comment("heartbeat"),
            frame("events", {"event": "on_chain_start", "run_id": "r1"}),
        )
    )
    assert [p.event for p in parts] == ["metadata", "malformed", "surprise", "events", "end"]
    assert parts[1].data["event"] == "events"
    assert parts[1].data["raw"] == "{not json"


def test_a_connection_cut_mid_stream_raises_stream_interrupted_after_what_arrived():
    received: list[StreamPart] = []
    handler = sse_response(
        frame("metadata", {"run_id": "r1"}),
        fail_with=httpx.RemoteProtocolError("peer closed connection"),
    )

    with pytest.raises(StreamInterruptedError, match="dropped"):
        stream_parts(handler, into=received)
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
        run_sync(call())


def test_the_api_key_and_extra_headers_go_on_every_request():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"thread_id": "t1"})

    async def call() -> None:
        async with client_for(handler, api_key="sk-secret", headers={"X-Gateway": "g1"}) as client:
            await client.create_thread()

    run_sync(call())
    assert seen[0].headers["x-api-key"] == "sk-secret"
    assert seen[0].headers["x-gateway"] == "g1"


def test_a_run_is_requested_with_stream_mode_events():
    bodies: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        assert request.url.path == "/threads/t1/runs/stream"
        return httpx.Response(200, headers=SSE_HEADERS, text="")

    assert stream_parts(handler) == [StreamPart("end", None)]
    assert bodies == [{"assistant_id": "agent", "input": QUESTION, "stream_mode": "events"}]


RUN_FRAMES = [frame("metadata", {"run_id": "r1"}, id="1-0")] + [
    frame("events", {"event": "on_chain_stream", "run_id": "r1", "n": n}, id="2-0")
    for n in range(5)
]


def reconnecting_parts(
    handler: Handler, retry_delays=(0.0, 0.0), into: list[StreamPart] | None = None
) -> list[StreamPart]:
    async def collect() -> list[StreamPart]:
        async with client_for(handler) as client:
            stream = client.stream_run_reconnecting(
                "t1", "agent", QUESTION, retry_delays=retry_delays
            )
            return await acollect(stream, into)

    return run_sync(collect())


def test_a_dropped_stream_is_rejoined_and_every_event_is_yielded_exactly_once():
    joins: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            assert json.loads(request.content)["stream_resumable"] is True
            return sse_stream_response(
                *RUN_FRAMES[:3], fail_with=httpx.ReadError("connection reset")
            )
        if request.url.path.endswith("/stream"):
            joins.append(request)
            return sse_stream_response(*RUN_FRAMES)
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
            return sse_stream_response(*RUN_FRAMES[:2])
        if request.url.path.endswith("/stream"):
            return sse_stream_response(*RUN_FRAMES)
        return httpx.Response(200, json={"run_id": "r1", "status": next(statuses)})

    parts = reconnecting_parts(handler)
    assert [p.data["n"] for p in parts if p.event == "events"] == [0, 1, 2, 3, 4]
    assert [p.event for p in parts].count("reconnecting") == 1


def test_rejoining_gives_up_after_its_tries_with_the_last_error():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return sse_stream_response(RUN_FRAMES[0], fail_with=httpx.ReadError("reset"))
        raise httpx.ConnectError("connection refused")

    received: list[StreamPart] = []
    with pytest.raises(ServerUnreachableError):
        reconnecting_parts(handler, retry_delays=(0, 0, 0), into=received)
    assert [p.event for p in received] == ["metadata"] + ["reconnecting"] * 3


def test_a_stream_dropped_by_closing_the_client_is_not_rejoined():
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return sse_stream_response(*RUN_FRAMES[:2], fail_with=httpx.ReadError("closed"))

    async def follow_until_closed() -> list[str]:
        client = client_for(handler)
        events = []
        with pytest.raises(StreamInterruptedError):
            async for part in client.stream_run_reconnecting("t1", "agent", QUESTION):
                events.append(part.event)
                await client.aclose()  # the app stops while the run streams
        return events

    assert run_sync(follow_until_closed()) == ["metadata", "events"]
    assert [r.method for r in requests] == ["POST"]  # no status check, no join


def test_a_lost_run_raises_not_found_when_rejoined():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return sse_stream_response(*RUN_FRAMES[:2], fail_with=httpx.ReadError("x"))
        return httpx.Response(404, json={"detail": "Thread not found"})

    with pytest.raises(NotFoundError):
        reconnecting_parts(handler)


MS = 1795527697386  # an epoch-ms, as resumable ids start


def joined_parts(frames: list[bytes], going: bool = False) -> list[StreamPart]:
    """What ``join_run_reconnecting`` yields of a run whose stream sends ``frames``: a run
    still ``going`` when joined (it ends with the stream), or a finished one."""
    statuses = iter(["running"] if going else [])  # then "success"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/stream"):
            return sse_stream_response(*frames)
        return httpx.Response(200, json={"run_id": "r1", "status": next(statuses, "success")})

    async def collect() -> list[StreamPart]:
        async with client_for(handler) as client:
            return await acollect(client.join_run_reconnecting("t1", "r1"))

    return run_sync(collect())


def test_a_joined_stream_drops_what_it_sends_again_where_replay_meets_live_events():
    # The server replays the stored events, then the live ones from when it subscribed:
    # those in between come twice, the first of them older than the newest part so far.
    events = [
        frame("events", {"event": "on_chain_stream", "run_id": "r1", "n": n}, id=f"{MS + n}-0")
        for n in range(5)
    ]
    sent = [frame("metadata", {"run_id": "r1"}, id="1-0"), *events[:4], *events[2:]]

    parts = joined_parts(sent, going=True)
    assert [p.data["n"] for p in parts if p.event == "events"] == [0, 1, 2, 3, 4]


def test_a_joined_stream_drops_its_last_part_sent_again_in_the_same_millisecond():
    events = [
        frame("events", {"event": "on_chain_stream", "run_id": "r1", "n": n}, id=f"{MS + n // 2}-0")
        for n in range(5)
    ]
    sent = [frame("metadata", {"run_id": "r1"}, id="1-0"), *events[:3], events[2], *events[3:]]

    parts = joined_parts(sent, going=True)
    assert [p.data["n"] for p in parts if p.event == "events"] == [0, 1, 2, 3, 4]


PIPE = {"event": "on_chat_model_stream", "run_id": "m1", "data": {"chunk": "| "}}
WORD = {"event": "on_chat_model_stream", "run_id": "m1", "data": {"chunk": "a "}}
#: A table's row streamed fast: the same chunk again within one millisecond.
TABLE_ROW = [
    frame("metadata", {"run_id": "r1"}, id="1-0"),
    *(frame("events", data, id="2-0") for data in (PIPE, WORD, PIPE, WORD, PIPE)),
]


def chunks_of(parts: list[StreamPart]) -> str:
    return "".join(p.data["data"]["chunk"] for p in parts if p.event == "events")


def test_the_same_chunk_twice_in_one_millisecond_of_a_live_stream_reaches_the_reader_twice():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return sse_stream_response(*TABLE_ROW)
        return httpx.Response(200, json={"run_id": "r1", "status": "success"})

    assert chunks_of(reconnecting_parts(handler)) == "| a | a | "


def test_a_replayed_run_keeps_the_same_chunk_twice_in_one_millisecond():
    assert chunks_of(joined_parts(TABLE_ROW)) == "| a | a | "  # a reopened thread's table
    twice = [*TABLE_ROW, TABLE_ROW[-1]]  # even right after itself, in a finished run
    assert chunks_of(joined_parts(twice)) == "| a | a | | "


def test_a_rejoined_stream_keeps_the_same_chunk_twice_in_one_millisecond():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return sse_stream_response(*TABLE_ROW[:3], fail_with=httpx.ReadError("reset"))
        if request.url.path.endswith("/stream"):
            return sse_stream_response(*TABLE_ROW)  # the replay, from the first event
        return httpx.Response(200, json={"run_id": "r1", "status": "success"})

    assert chunks_of(reconnecting_parts(handler)) == "| a | a | "


def test_a_frame_with_only_an_id_is_not_an_event():
    handler = sse_response(
        frame("metadata", {"run_id": "r1"}), b"id: 1795527697386-0\r\n\r\n", frame("events", {})
    )

    assert [p.event for p in stream_parts(handler)] == ["metadata", "events", "end"]
