"""What a reopened thread shows before its last run replays: the lines the chat drew live."""

import json

import httpx

from app.lg_client import Run
from app.reopening import before_last_run
from app.transcript import ChatMessage, thread_messages
from tests.unit.sse import client_for, run_sync

HITL = {
    "action_requests": [{"name": "get_weather", "args": {"city": "San Francisco"}}],
    "review_configs": [{"action_name": "get_weather", "allowed_decisions": ["approve", "edit"]}],
}
ASKED = {
    "messages": [
        {"type": "human", "content": "What's the weather in SF?"},
        {
            "type": "ai",
            "content": "Let me check the weather in San Francisco.",
            "tool_calls": [{"id": "c1", "name": "get_weather", "args": {"city": "SF"}}],
        },
    ]
}
ANSWERED = {
    "messages": [
        *ASKED["messages"],
        {"type": "tool", "tool_call_id": "c1", "name": "get_weather", "content": "60 degrees"},
        {"type": "ai", "content": "It's 60 degrees."},
    ]
}


def run(run_id: str, **kwargs: object) -> Run:
    return Run(run_id=run_id, kwargs={"input": None, "command": None, **kwargs})


def shown(
    runs: list[Run], values: dict, history: dict[str, dict] | None = None
) -> tuple[list[tuple[str, str]], list[dict]]:
    asked: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        asked.append(body)
        if history is None:
            return httpx.Response(403, json={"detail": "Forbidden"})
        return httpx.Response(200, json=[history[body["metadata"]["run_id"]]])

    async def call() -> list[ChatMessage]:
        async with client_for(handler) as client:
            return await before_last_run(client, "t1", runs, thread_messages(values))

    messages = run_sync(call())
    return [(m.role, m.content) for m in messages], asked


def test_a_question_run_shows_the_thread_up_to_its_question():
    question = run("r1", input={"messages": [{"role": "human", "content": "Hi"}]})
    lines, asked = shown([question], ANSWERED)
    assert lines == [("user", "What's the weather in SF?")]
    assert asked == []  # the server's messages say it all


def test_a_run_that_answered_an_interrupt_shows_what_asked_and_the_answer():
    first = run("r1", input={"messages": [{"role": "human", "content": "weather?"}]})
    answer = run("r2", command={"resume": {"decisions": [{"type": "approve"}]}})
    left = {"values": ASKED, "tasks": [{"interrupts": [{"id": "i1", "value": HITL}]}]}

    lines, asked = shown([answer, first], ANSWERED, {"r1": left})

    assert lines == [
        ("user", "What's the weather in SF?"),
        ("assistant", "Let me check the weather in San Francisco."),
        ("user", "Approve get_weather"),  # no "not run yet" card: it ran
    ]
    assert asked == [{"limit": 1, "metadata": {"run_id": "r1"}}]  # the state r1 left

    refused, _ = shown([answer, first], ANSWERED)  # no history here: up to the question
    assert refused == [("user", "What's the weather in SF?")]


def test_a_form_graphs_input_is_its_question_line():
    form = {"topic": "Trip", "sections": 2}
    lines, _ = shown([run("r1", input=form)], {"topic": "Trip"})
    assert lines == [("user", json.dumps(form, indent=2))]

    answer = run("r2", command={"resume": {"i1": "yes", "i2": "no"}})
    left = {
        "values": {"topic": "Trip"},
        "tasks": [
            {"interrupts": [{"id": "i1", "value": "Part 1?"}]},
            {"interrupts": [{"id": "i2", "value": "Part 2?"}]},
        ],
    }
    lines, _ = shown([answer, run("r1", input=form)], {"topic": "Trip"}, {"r1": left})
    assert lines == [("user", json.dumps(form, indent=2)), ("user", "yes\nno")]
