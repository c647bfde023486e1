"""Re-record the raw SSE test data in this folder from the demo agent's real LangGraph server.

Run from the repo root: ``.venv/bin/python tests/recordings/record.py``
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from the repo root

from app.embedded_server import start_demo_server

WEATHER_QUESTION = "What's the weather in SF?"


@contextmanager
def demo_server() -> Iterator[str]:
    """The demo agent's real LangGraph server on a free loopback port; yields its base URL."""
    server = start_demo_server()
    try:
        yield server.url
    finally:
        server.stop()


def record(
    client: httpx.Client,
    name: str,
    assistant_id: str,
    text: str | None,
    thread_id: str | None = None,
    **options: Any,
) -> str:
    """Stream one run and write its exact response bytes to ``<name>.sse``; return the thread id.

    ``text`` is the question; with None, ``options`` say what the run gets (``input`` for a graph
    without messages, ``command`` to resume an interrupt)."""
    thread_id = thread_id or client.post("/threads", json={}).json()["thread_id"]
    body: dict[str, Any] = {"assistant_id": assistant_id, "stream_mode": "events", **options}
    if text is not None:
        body["input"] = {"messages": [{"role": "human", "content": text}]}
    with client.stream("POST", f"/threads/{thread_id}/runs/stream", json=body) as response:
        response.raise_for_status()
        raw = b"".join(response.iter_raw())
    (HERE / f"{name}.sse").write_bytes(raw)
    print(f"{name}.sse: {len(raw):,} bytes, {raw.count(b'event: events')} events")
    return thread_id


# --- seed_legacy.sse: the older server's shape, as in the seed document -----------------

ROOT_ID = "1ef301a5-b867-67de-9e9e-a32e53c5b1f8"
AGENT_ID = "7bb08493-d507-4e28-b9e6-4a5eda9d04f0"
MODEL_ID = "cb1b98c1-c9e2-4a30-9d7a-38fa1f6224bd"
ROUTER_ID = "f2b2dfaf-475d-422b-8bf5-02a31bcc7d1a"
RUN_METADATA = {
    "graph_id": "agent",
    "created_by": "system",
    "run_id": ROOT_ID,
    "user_id": "",
    "thread_id": "7196a3aa-763c-4a8d-bfda-12fbfe1cd727",
    "assistant_id": "fe096781-5601-53d2-b2f6-0d3403f7e9ca",
}
NODE_METADATA = {
    **RUN_METADATA,
    "langgraph_step": 1,
    "langgraph_node": "agent",
    "langgraph_triggers": ["start:agent"],
    "langgraph_task_idx": 0,
}
MODEL_METADATA = {**NODE_METADATA, "ls_model_type": "chat"}
MESSAGE_FIELDS = {"additional_kwargs": {}, "response_metadata": {}, "name": None}
AI_FIELDS = {"tool_calls": [], "invalid_tool_calls": [], "usage_metadata": None}
HUMAN = {
    "content": WEATHER_QUESTION,
    **MESSAGE_FIELDS,
    "type": "human",
    "id": "51f2874d-f8c7-4040-8b3b-8f15429a56ae",
    "example": False,
}
PIECES = ["It's ", "sunny ", "today."]
AI = {
    "content": "".join(PIECES),
    **MESSAGE_FIELDS,
    "type": "ai",
    "id": f"run-{MODEL_ID}",
    "example": False,
    **AI_FIELDS,
}


def legacy_event(
    event: str,
    name: str,
    run_id: str,
    parent_ids: list[str],
    data: dict[str, Any],
    tags: list[str],
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """One ``events`` payload with the seed document's key order."""
    return {
        "event": event,
        "data": data,
        "name": name,
        "tags": tags,
        "run_id": run_id,
        "metadata": metadata,
        "parent_ids": parent_ids,
    }


def legacy_frames() -> list[tuple[str, Any]]:
    """(event, data) frames of a short run on the older server: no tool call, ``end`` last."""
    root, node = [], [ROOT_ID]
    model = [ROOT_ID, AGENT_ID]
    step = ["graph:step:1"]
    model_tags = ["seq:step:1"]
    model_input = {"messages": [[HUMAN]]}
    chunks = [
        {**AI, "content": piece, "type": "AIMessageChunk", "tool_call_chunks": []}
        for piece in PIECES
    ]
    router_input = {"messages": [HUMAN, AI]}
    events = [
        legacy_event(
            "on_chain_start",
            "LangGraph",
            ROOT_ID,
            root,
            {"input": {"messages": [{"role": "human", "content": WEATHER_QUESTION}]}},
            [],
            RUN_METADATA,
        ),
        legacy_event("on_chain_start", "agent", AGENT_ID, node, {}, step, NODE_METADATA),
        legacy_event(
            "on_chat_model_start",
            "FakeListChatModel",
            MODEL_ID,
            model,
            {"input": model_input},
            model_tags,
            MODEL_METADATA,
        ),
        *(
            legacy_event(
                "on_chat_model_stream",
                "FakeListChatModel",
                MODEL_ID,
                model,
                {"chunk": chunk},
                model_tags,
                MODEL_METADATA,
            )
            for chunk in chunks
        ),
        legacy_event(
            "on_chat_model_end",
            "FakeListChatModel",
            MODEL_ID,
            model,
            {"output": AI, "input": model_input},
            model_tags,
            MODEL_METADATA,
        ),
        legacy_event(
            "on_chain_start",
            "should_continue",
            ROUTER_ID,
            model,
            {"input": router_input},
            ["seq:step:3"],
            NODE_METADATA,
        ),
        legacy_event(
            "on_chain_end",
            "should_continue",
            ROUTER_ID,
            model,
            {"output": "__end__", "input": router_input},
            ["seq:step:3"],
            NODE_METADATA,
        ),
        legacy_event(
            "on_chain_stream",
            "agent",
            AGENT_ID,
            node,
            {"chunk": {"messages": [AI]}},
            step,
            NODE_METADATA,
        ),
        legacy_event(
            "on_chain_end",
            "agent",
            AGENT_ID,
            node,
            {"output": {"messages": [AI]}, "input": {"messages": [HUMAN]}},
            step,
            NODE_METADATA,
        ),
        legacy_event(
            "on_chain_end",
            "LangGraph",
            ROOT_ID,
            root,
            {"output": {"messages": [HUMAN, AI]}},
            [],
            RUN_METADATA,
        ),
    ]
    return [
        ("metadata", {"run_id": ROOT_ID}),
        *(("events", event) for event in events),
        ("end", None),
    ]


def write_legacy(path: Path) -> None:
    """Write the legacy frames with LF line endings and compact JSON."""
    text = "".join(
        f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
        for event, data in legacy_frames()
    )
    path.write_bytes(text.encode())
    print(f"{path.name}: {len(text):,} bytes (hand-made, older server shape)")


def main() -> None:
    """Record every ``.sse`` file in this folder (a new server, so ids are fresh)."""
    with demo_server() as url, httpx.Client(base_url=url, timeout=60) as client:
        thread_id = record(client, "weather", "agent", WEATHER_QUESTION)
        record(client, "weather_second_turn", "agent", "And in Paris?", thread_id)
        record(client, "nested", "nested", WEATHER_QUESTION)
        record(client, "failing", "failing", WEATHER_QUESTION)
        record(client, "resumable", "agent", WEATHER_QUESTION, stream_resumable=True)
        thread_id = record(client, "approval", "approval", WEATHER_QUESTION)
        edit = {"type": "edit", "edited_action": {"name": "get_weather", "args": {"city": "Paris"}}}
        resume = {"resume": {"decisions": [edit]}}
        record(client, "approval_resumed", "approval", None, thread_id, command=resume)
        record(client, "review", "review", None, input={"topic": "Trip", "sections": 2})
        record(client, "thinker", "thinker", "Hello?")
        record(client, "research", "research", "Is Paris mild in spring?")
        record(client, "flaky", "flaky", WEATHER_QUESTION)
        thread_id = record(client, "middleware", "middleware", WEATHER_QUESTION)
        record(client, "middleware", "middleware", "And in London?", thread_id)  # summarized
    write_legacy(HERE / "seed_legacy.sse")


if __name__ == "__main__":
    main()
