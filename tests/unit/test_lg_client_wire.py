"""The client over a real loopback socket, against a fake SSE server that misbehaves.

The real LangGraph server cannot be made to send garbage or hang up mid-frame, so this one does.
"""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.lg_client import (
    ServerUnreachableError,
    StreamInterruptedError,
    StreamPart,
    UnprocessableEntityError,
)
from tests.unit.sse import frame, stream_parts

METADATA = frame("metadata", {"run_id": "r1"})
#: What the fake server does per request path: (status, content type, body, hang up early).
BEHAVIOURS = {
    "/threads/garbage/runs/stream": (
        200,
        "text/event-stream",
        METADATA
        + b"event: events\r\ndata: \xff\xfe{{{\r\n\r\nrandom words\r\n\r\ndata: plain text\r\n\r\n",
        False,
    ),
    "/threads/cut/runs/stream": (200, "text/event-stream", METADATA + b"event: eve", True),
    "/threads/refused/runs/stream": (
        422,
        "application/json",
        b'{"detail": "Assistant \'nope\' not found. Valid graphs: agent"}',
        False,
    ),
}


class FakeServer(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        status, content_type, body, hang_up = BEHAVIOURS[self.path]
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(status)
        self.send_header("content-type", content_type)
        if hang_up:
            self.send_header("content-length", str(len(body) + 1000))  # promise more than sent
        else:
            self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fake_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def stream(url: str, thread_id: str, received: list[StreamPart]) -> None:
    stream_parts(url, thread_id=thread_id, input={"messages": []}, into=received)


def test_garbage_frames_become_notes_and_the_stream_still_ends(fake_url: str):
    received: list[StreamPart] = []
    stream(fake_url, "garbage", received)
    assert [p.event for p in received] == ["metadata", "malformed", "malformed", "end"]
    assert received[2].data["raw"] == "plain text"


def test_a_hang_up_mid_frame_raises_stream_interrupted_and_keeps_what_came(fake_url: str):
    received: list[StreamPart] = []
    with pytest.raises(StreamInterruptedError):
        stream(fake_url, "cut", received)
    assert [p.event for p in received] == ["metadata"]


def test_a_refusal_carries_the_servers_detail(fake_url: str):
    with pytest.raises(UnprocessableEntityError, match="Valid graphs: agent"):
        stream(fake_url, "refused", [])


def test_nobody_listening_raises_server_unreachable():
    with pytest.raises(ServerUnreachableError):
        stream("http://127.0.0.1:9", "t1", [])
