"""The demo agent's scripted behaviour, exercised in-process on the real LangGraph graphs."""

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from demo_agent import agent, failing, fanout, nested, review
from demo_agent.model import (
    ASK_CITY,
    GREETING,
    NOTHING_TO_SUMMARIZE,
    DemoChatModel,
    plan_reply,
    split_words,
)
from demo_agent.serve import graph_paths
from demo_agent.tools import DEFAULT_WEATHER, get_weather

WEATHER_QUESTION = "What's the weather in SF?"


@pytest.fixture(autouse=True)
def no_token_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_TOKEN_DELAY", "0")


def human(text: str) -> dict[str, str]:
    return {"role": "human", "content": text}


def run(graph: CompiledStateGraph, messages: list[Any]) -> list[BaseMessage]:
    return asyncio.run(graph.ainvoke({"messages": messages}))["messages"]


def events(graph: CompiledStateGraph, text: str) -> list[dict[str, Any]]:
    async def collect() -> list[dict[str, Any]]:
        stream = graph.astream_events({"messages": [human(text)]}, version="v2")
        return [event async for event in stream]

    return asyncio.run(collect())


def token_chunks(evs: list[dict[str, Any]]) -> list[Any]:
    return [e["data"]["chunk"] for e in evs if e["event"] == "on_chat_model_stream"]


def test_weather_question_calls_the_tool_then_answers_from_its_result() -> None:
    _, call, result, answer = run(agent.graph, [human(WEATHER_QUESTION)])

    assert call.tool_calls[0]["name"] == "get_weather"
    assert call.tool_calls[0]["args"] == {"city": "San Francisco"}
    assert isinstance(result, ToolMessage) and result.content == "60 degrees and foggy"
    assert isinstance(answer, AIMessage) and not answer.tool_calls
    assert answer.content.startswith("It's 60 degrees and foggy in San Francisco.")


@pytest.mark.parametrize(
    ("question", "city", "weather"),
    [
        ("weather in Paris", "Paris", "64 degrees and sunny"),
        ("WHAT'S THE WEATHER IN TOKYO?", "Tokyo", "72 degrees and humid"),
        ("What's the weather like in New York today?", "New York", "68 degrees and partly cloudy"),
        ("weather for nyc", "New York", "68 degrees and partly cloudy"),
        ("How's the weather in Lisbon?", "Lisbon", DEFAULT_WEATHER),
    ],
)
def test_weather_questions_name_the_city(question: str, city: str, weather: str) -> None:
    messages = run(agent.graph, [human(question)])

    assert messages[1].tool_calls[0]["args"] == {"city": city}
    assert messages[-1].content.startswith(f"It's {weather} in {city}.")


def test_follow_up_question_reuses_the_weather_tool() -> None:
    first_turn = run(agent.graph, [human(WEATHER_QUESTION)])
    second_turn = run(agent.graph, [*first_turn, human("And in Paris?")])

    assert second_turn[-1].content.startswith("It's 64 degrees and sunny in Paris.")


def test_weather_question_without_a_city_asks_for_one() -> None:
    assert run(agent.graph, [human("What's the weather?")])[-1].content == ASK_CITY


def test_weather_tool_is_deterministic() -> None:
    assert get_weather.invoke({"city": "SF"}) == "60 degrees and foggy"
    assert get_weather.invoke({"city": "san francisco"}) == "60 degrees and foggy"
    assert get_weather.invoke({"city": "Atlantis"}) == DEFAULT_WEATHER


def test_weather_run_streams_words_and_tool_call_chunks() -> None:
    evs = events(agent.graph, WEATHER_QUESTION)
    chunks = token_chunks(evs)
    ends = [e["data"]["output"] for e in evs if e["event"] == "on_chat_model_end"]

    texts = [c.content for c in chunks if c.content]
    assert all(len(piece.split()) == 1 for piece in texts)
    assert "".join(texts) == "".join(str(m.content) for m in ends)
    call_chunks = [tc for c in chunks for tc in c.tool_call_chunks]
    assert call_chunks[0]["name"] == "get_weather"
    assert "".join(tc["args"] for tc in call_chunks) == '{"city": "San Francisco"}'
    assert [e["name"] for e in evs if e["event"] == "on_tool_end"] == ["get_weather"]


def test_long_answer_streams_exactly_n_word_tokens_without_delay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEMO_TOKEN_DELAY", "5")
    started = time.monotonic()
    evs = events(agent.graph, "stream 2000 tokens")

    assert time.monotonic() - started < 5
    texts = [c.content for c in token_chunks(evs) if c.content]
    assert len(texts) == 2000
    assert "".join(texts) == " ".join(f"word{i}" for i in range(1, 2001))
    assert not any(e["event"] == "on_tool_start" for e in evs)


def test_ordinary_answers_wait_the_token_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_TOKEN_DELAY", "0.02")
    started = time.monotonic()
    chunks = list(DemoChatModel().stream("repeat: one two three four five"))

    assert len(chunks) >= 5
    assert time.monotonic() - started >= 5 * 0.02


HTML_AND_MARKDOWN = "<img src=x onerror=alert(1)> **bold** `code`"


@pytest.mark.parametrize(
    ("message", "echo"),
    [
        (f"repeat: {HTML_AND_MARKDOWN}", HTML_AND_MARKDOWN),
        ("REPEAT:no space", "no space"),
        ("Repeat:  two spaces kept  ", " two spaces kept  "),
    ],
)
def test_repeat_echoes_the_rest_verbatim_in_several_chunks(message: str, echo: str) -> None:
    evs = events(agent.graph, message)
    texts = [c.content for c in token_chunks(evs) if c.content]

    assert "".join(texts) == echo
    assert len(texts) == len(echo.split())


def test_anything_else_gets_the_friendly_greeting() -> None:
    messages = run(agent.graph, [human("hello there")])

    assert len(messages) == 2
    assert messages[-1].content == GREETING
    assert "weather" in GREETING and GREETING.count(". ") == 2


def test_nested_graph_runs_the_agent_as_a_subgraph_then_summarizes() -> None:
    evs = events(nested.graph, WEATHER_QUESTION)
    tool_start = next(e for e in evs if e["event"] == "on_tool_start")
    run_names = {e["run_id"]: e["name"] for e in evs}
    summary = next(e for e in reversed(evs) if e["event"] == "on_chat_model_end")

    assert [run_names.get(p) for p in tool_start["parent_ids"][1:]] == [
        "research",
        "LangGraph",
        "tool",
    ]
    assert summary["metadata"]["langgraph_node"] == "summarize"
    assert summary["data"]["output"].content == (
        "Summary: It's 60 degrees and foggy in San Francisco."
    )


def test_failing_graph_streams_tokens_then_raises() -> None:
    seen: list[dict[str, Any]] = []

    async def consume() -> None:
        stream = failing.graph.astream_events({"messages": [human(WEATHER_QUESTION)]})
        async for event in stream:
            seen.append(event)

    with pytest.raises(ValueError, match=r"weather service is unavailable \(demo failure\)"):
        asyncio.run(consume())
    assert len([c for c in token_chunks(seen) if c.content]) >= 3
    assert seen[-1]["event"] == "on_chain_start" and seen[-1]["name"] == "flaky_tool"


def test_each_fan_out_in_a_thread_counts_its_own_branches() -> None:
    graph = fanout.build_fanout()
    graph.checkpointer = InMemorySaver()
    config = {"configurable": {"thread_id": "one thread"}}

    async def ask(text: str) -> str:
        state = await graph.ainvoke({"messages": [human(text)]}, config)
        return state["messages"][-1].text

    assert asyncio.run(ask("fan out 3")) == "All 3 branches reported."
    assert asyncio.run(ask("fan out 2")) == "All 2 branches reported."


def test_each_review_in_a_thread_lists_its_own_verdicts() -> None:
    graph = review.build_review()
    graph.checkpointer = InMemorySaver()
    config = {"configurable": {"thread_id": "one thread"}}

    def review_of(topic: str, verdict: str) -> list[dict[str, Any]]:
        graph.invoke({"topic": topic, "sections": 1}, config)  # stops at the interrupt
        return graph.invoke(Command(resume=verdict), config)["reviews"]

    assert review_of("Q3 plan", "yes") == [{"section": "Q3 plan, part 1", "verdict": "yes"}]
    assert review_of("Q4 plan", "no") == [{"section": "Q4 plan, part 1", "verdict": "no"}]


def test_model_without_the_weather_tool_does_not_call_it() -> None:
    reply = DemoChatModel().invoke(WEATHER_QUESTION)

    assert reply.content == GREETING and not reply.tool_calls


def test_summary_of_an_empty_conversation() -> None:
    reply = plan_reply([SystemMessage(nested.SUMMARIZE_PROMPT)])

    assert reply.text == NOTHING_TO_SUMMARIZE


@pytest.mark.parametrize("text", ["", "one", " lead and  trail ", "a\nb\tc"])
def test_split_words_gives_back_the_text(text: str) -> None:
    assert "".join(split_words(text)) == text


def test_serve_maps_langgraph_json_to_absolute_graph_files() -> None:
    paths = graph_paths()

    assert set(paths) == {
        "agent",
        "nested",
        "failing",
        "approval",
        "middleware",
        "interview",
        "review",
        "thinker",
        "research",
        "flaky",
        "fanout",
    }
    for spec in paths.values():
        path, variable = spec.rsplit(":", 1)
        assert Path(path).is_absolute() and Path(path).is_file() and variable == "graph"
