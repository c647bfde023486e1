"""A reopened thread reads as it did live: the person's answers to interrupts and a form's
input, which the server keeps no message for, come back where they were given."""

import json

import httpx

from app.lg_client import Run
from app.reopening import reopen
from tests.unit.sse import client_for, run_sync

HITL = {
    "action_requests": [{"name": "get_weather", "args": {"city": "San Francisco"}}],
    "review_configs": [{"action_name": "get_weather", "allowed_decisions": ["approve", "edit"]}],
}
APPROVE = {"decisions": [{"type": "approve"}]}


def human(text: str) -> dict:
    return {"type": "human", "content": text}


def asking(call_id: str, text: str) -> dict:
    return {
        "type": "ai",
        "content": text,
        "tool_calls": [{"id": call_id, "name": "get_weather", "args": {"city": "SF"}}],
    }


def tool(call_id: str) -> dict:
    return {"type": "tool", "tool_call_id": call_id, "name": "get_weather", "content": "60 F"}


def ai(text: str) -> dict:
    return {"type": "ai", "content": text}


def interrupted(messages: list[dict]) -> dict:
    """The state a run left when it stopped to ask about a tool call."""
    return {
        "values": {"messages": messages},
        "tasks": [{"interrupts": [{"id": "i", "value": HITL}]}],
    }


def run(run_id: str, **kwargs: object) -> Run:
    return Run(run_id=run_id, kwargs={"input": None, "command": None, **kwargs})


def question(run_id: str) -> Run:
    return run(run_id, input={"messages": [{"role": "human", "content": "?"}]})


def approval(run_id: str) -> Run:
    return run(run_id, command={"resume": APPROVE})


def reopened(values: dict, runs: list[Run], history: dict[str, dict] | None = None):
    """(the whole conversation, what shows while the last run replays, history requests)."""
    asked: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        asked.append(body)
        if history is None:
            return httpx.Response(403, json={"detail": "Forbidden"})
        return httpx.Response(200, json=[history[body["metadata"]["run_id"]]])

    async def call():
        async with client_for(handler) as client:
            return await reopen(client, "t1", values, runs)

    found = run_sync(call())
    lines = [
        [(m.role, m.content or m.tool_name) for m in part]
        for part in (found.messages, found.before_last_run)
    ]
    return lines[0], lines[1], asked


ONE = [human("Weather?"), asking("c1", "Let me check."), tool("c1"), ai("It's 60 F.")]


def test_a_question_run_replays_after_its_question_and_asks_no_history():
    whole, before, asked = reopened({"messages": ONE}, [question("r1")])
    assert before == [("user", "Weather?")]
    assert whole == [
        ("user", "Weather?"),
        ("assistant", "Let me check."),
        ("tool", "get_weather"),
        ("assistant", "It's 60 F."),
    ]
    assert asked == []


def test_an_approval_comes_back_after_the_answer_that_asked_for_it():
    left = interrupted(ONE[:2])
    whole, before, asked = reopened(
        {"messages": ONE}, [approval("r2"), question("r1")], {"r1": left}
    )

    assert before == [
        ("user", "Weather?"),
        ("assistant", "Let me check."),
        ("user", "Approve get_weather"),
    ]
    assert whole == [*before, ("tool", "get_weather"), ("assistant", "It's 60 F.")]
    assert asked == [{"limit": 1, "metadata": {"run_id": "r1"}}]  # the state r1 left


def test_earlier_approvals_keep_their_place_when_a_later_question_replays():
    two = [*ONE, human("And Paris?"), asking("c2", "Checking Paris."), tool("c2"), ai("64 F.")]
    runs = [approval("r4"), question("r3"), approval("r2"), question("r1")]
    history = {"r1": interrupted(ONE[:2]), "r3": interrupted(two[:6])}

    whole, before, _ = reopened({"messages": two}, runs, history)

    approve = ("user", "Approve get_weather")
    assert whole == [
        ("user", "Weather?"), ("assistant", "Let me check."), approve,
        ("tool", "get_weather"), ("assistant", "It's 60 F."),
        ("user", "And Paris?"), ("assistant", "Checking Paris."), approve,
        ("tool", "get_weather"), ("assistant", "64 F."),
    ]  # fmt: skip
    assert before == whole[:8]

    whole, before, _ = reopened({"messages": two}, runs[1:], history)  # r3 is the last run
    assert before == whole[:6] == [*whole[:5], ("user", "And Paris?")]


def test_a_deployment_that_refuses_its_history_still_opens_the_thread():
    whole, before, _ = reopened({"messages": ONE}, [approval("r2"), question("r1")], None)
    assert before == [("user", "Weather?")]
    assert len(whole) == 4  # the graph's messages, no answer line


def test_a_form_graphs_input_and_its_answers_are_its_lines():
    form = {"topic": "Trip", "sections": 2}
    whole, before, _ = reopened({"topic": "Trip"}, [run("r1", input=form)])
    assert whole == before == [("user", json.dumps(form, indent=2))]

    answer = run("r2", command={"resume": {"i1": "yes", "i2": "no"}})
    left = {
        "values": {"topic": "Trip"},
        "tasks": [
            {"interrupts": [{"id": "i1", "value": "Part 1?"}]},
            {"interrupts": [{"id": "i2", "value": "Part 2?"}]},
        ],
    }
    whole, before, _ = reopened({"topic": "Trip"}, [answer, run("r1", input=form)], {"r1": left})
    assert whole == before == [("user", json.dumps(form, indent=2)), ("user", "yes\nno")]
