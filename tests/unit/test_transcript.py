"""The chat side of a run and of a thread's saved state."""

import time

from app.run_tree import RunTree
from app.transcript import run_messages, thread_messages, thread_title
from tests.unit.sse import recorded_events


def weather_tree() -> RunTree:
    tree = RunTree()
    for data in recorded_events("weather"):
        tree.apply(data, time.monotonic())
    tree.finish("done")
    return tree


def test_a_weather_run_is_an_answer_a_tool_card_and_an_answer():
    messages = run_messages(weather_tree())
    assert [m.role for m in messages] == ["assistant", "tool", "assistant"]
    assert messages[0].content == "Let me check the weather in San Francisco."
    assert messages[1].tool_name == "get_weather"
    assert messages[1].tool_args == '{"city": "San Francisco"}'
    assert messages[1].tool_output == "60 degrees and foggy"
    assert "60 degrees and foggy" in messages[2].content
    assert all(m.run_id and m.status == "done" for m in messages)


def test_a_saved_thread_reads_back_as_the_same_conversation():
    values = {
        "messages": [
            {"type": "human", "content": "What's the weather in SF?"},
            {
                "type": "ai",
                "content": "Let me check.",
                "tool_calls": [{"id": "c1", "name": "get_weather", "args": {"city": "SF"}}],
            },
            {"type": "tool", "name": "get_weather", "tool_call_id": "c1", "content": "foggy"},
            {"type": "ai", "content": [{"type": "text", "text": "It's foggy."}]},
        ]
    }
    messages = thread_messages(values)
    assert [(m.role, m.content) for m in messages] == [
        ("user", "What's the weather in SF?"),
        ("assistant", "Let me check."),
        ("tool", ""),
        ("assistant", "It's foggy."),
    ]
    assert (messages[2].tool_args, messages[2].tool_output) == ('{"city": "SF"}', "foggy")


def test_a_thread_is_titled_by_its_first_question_shortened():
    long_question = "Tell me " + "really " * 20 + "everything"
    values = {"messages": [{"type": "human", "content": long_question}]}
    title = thread_title(values)
    assert title.startswith("Tell me really") and title.endswith("…")
    assert len(title) == 60
    assert thread_title({}) == ""
    assert thread_messages({"messages": "garbage"}) == []
