"""The chat side of a run and of a thread's saved state."""

import asyncio
import json
import time

from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import Send

from app.run_tree import RunTree
from app.run_view import text_deltas
from app.transcript import (
    FOLD_BRANCHES_AT,
    fan_out_holding,
    fold_branches,
    run_messages,
    thread_messages,
    thread_title,
)
from demo_agent.model import DemoChatModel
from demo_agent.tools import get_weather
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


def fan_out_tree(branches: int, ended: int | None = None, failed: int = 0) -> RunTree:
    """A `Send` fan-out as the server reports it: root > plan (step 1), ``branches`` tasks of
    node "branch" (step 2) each with a model answering "Branch i", then join (step 3) with a
    model. Only the first ``ended`` branches end (all by default), the first ``failed`` of
    them with an error; the run ends when they all do."""
    ended = branches if ended is None else ended
    frames = [frame("on_chain_start", "root", [], "fanout")]
    frames.append(frame("on_chain_start", "plan", ["root"], "plan", task("plan", 1)))
    frames.append(frame("on_chain_end", "plan", ["root"], "plan", task("plan", 1)))
    for i in range(1, branches + 1):
        run, parents = f"branch-{i}", ["root", f"branch-{i}"]
        frames.append(frame("on_chain_start", run, ["root"], "branch", task("branch", 2)))
        model = frame("on_chat_model_start", f"model-{i}", parents, "Model", task("branch", 2))
        chunk = frame("on_chat_model_stream", f"model-{i}", parents, "Model", task("branch", 2))
        chunk["data"] = {"chunk": {"content": f"Branch {i}"}}
        frames += [model, chunk]
        if i <= ended:
            end = "on_chain_error" if i <= failed else "on_chain_end"
            frames.append(frame("on_chat_model_end", f"model-{i}", parents, "Model"))
            frames.append(frame(end, run, ["root"], "branch", task("branch", 2)))
    if ended == branches:
        join = ["root", "join"]
        frames.append(frame("on_chain_start", "join", ["root"], "join", task("join", 3)))
        answer = frame("on_chat_model_stream", "model-join", join, "Model", task("join", 3))
        answer["data"] = {"chunk": {"content": "All reported."}}
        frames += [frame("on_chat_model_start", "model-join", join, "Model"), answer]
    tree = RunTree()
    for at, data in enumerate(frames):
        tree.apply(data, float(at))
    if ended == branches:
        tree.finish("done")
    return tree


def frame(event: str, run_id: str, parents: list[str], name: str, metadata=None) -> dict:
    return {
        "event": event,
        "name": name,
        "run_id": run_id,
        "metadata": metadata or {},
        "data": {},
        "parent_ids": parents,
    }


def task(node: str, step: int) -> dict:
    return {"langgraph_node": node, "langgraph_step": step}


def test_a_large_fan_out_folds_into_one_row_where_its_first_branch_was():
    tree = fan_out_tree(FOLD_BRANCHES_AT)
    messages = fold_branches(run_messages(tree), tree, ())
    assert [(m.role, m.content) for m in messages] == [
        ("branches", f"{FOLD_BRANCHES_AT} in parallel · {FOLD_BRANCHES_AT} done"),
        ("assistant", "All reported."),
    ]
    row = messages[0]
    assert (row.tool_name, row.status, row.run_id) == ("branch", "done", "root")
    assert row.group == "root/branch/2"


def test_an_opened_fan_out_shows_its_branches_after_its_row_in_the_order_they_started():
    tree = fan_out_tree(FOLD_BRANCHES_AT)
    messages = fold_branches(run_messages(tree), tree, ["root/branch/2"])
    branches = [f"Branch {i}" for i in range(1, FOLD_BRANCHES_AT + 1)]
    assert [m.content for m in messages] == [messages[0].content, *branches, "All reported."]
    assert [m.group for m in messages[1:-1]] == ["root/branch/2"] * FOLD_BRANCHES_AT
    assert messages[-1].group == ""


def test_a_run_inside_a_fan_out_is_held_by_its_row():
    tree = fan_out_tree(FOLD_BRANCHES_AT)
    held = {run: fan_out_holding(tree, run) for run in ("model-3", "branch-3", "model-join")}
    assert held == {"model-3": "root/branch/2", "branch-3": "root/branch/2", "model-join": ""}
    few = fan_out_tree(FOLD_BRANCHES_AT - 1)
    assert fan_out_holding(few, "model-3") == ""


def test_a_few_parallel_branches_stay_bubbles_of_their_own():
    tree = fan_out_tree(FOLD_BRANCHES_AT - 1)
    assert fold_branches(run_messages(tree), tree, ()) == run_messages(tree)


def test_a_fan_out_row_says_how_many_branches_run_and_failed():
    running = fan_out_tree(8, ended=5, failed=1)
    row = fold_branches(run_messages(running), running, ())[0]
    assert (row.content, row.status) == (
        "8 in parallel · 3 running · 4 done · 1 error",
        "running",
    )
    failed = fan_out_tree(8, failed=2)
    row = fold_branches(run_messages(failed), failed, ())[0]
    assert (row.content, row.status) == ("8 in parallel · 6 done · 2 error", "error")


def test_one_node_run_again_step_after_step_is_not_a_fan_out():
    """An agent's loop runs its model node once per step: each answer stays a bubble."""
    tree = RunTree()
    for step in range(1, FOLD_BRANCHES_AT + 3):
        model = f"model-{step}"
        tree.apply(
            frame("on_chain_start", f"node-{step}", ["root"], "model", task("model", step)), step
        )
        chunk = frame("on_chat_model_stream", model, ["root", f"node-{step}"], "Model")
        chunk["data"] = {"chunk": {"content": f"answer {step}"}}
        tree.apply(chunk, step + 0.5)
    messages = fold_branches(run_messages(tree), tree, ())
    assert [m.role for m in messages] == ["assistant"] * (FOLD_BRANCHES_AT + 2)


CITIES = ["Paris", "Rome", "Oslo", "Lima", "Cairo", "Tokyo", "Quito"]


def city_agents_tree() -> RunTree:
    """A graph that sends each city's weather question to LangChain's `create_agent` (a
    subgraph calling the model, the `get_weather` tool, the model again) in parallel."""
    agent = create_agent(DemoChatModel(), tools=[get_weather])

    def ask_each(state: MessagesState) -> list[Send]:
        question = "What's the weather in {}?"
        return [Send("city", {"messages": [HumanMessage(question.format(c))]}) for c in CITIES]

    builder = StateGraph(MessagesState)
    builder.add_node("city", agent)
    builder.add_conditional_edges(START, ask_each, ["city"])
    return tree_of_events(builder.compile(), {"messages": []})


def tree_of_events(graph, input: dict) -> RunTree:
    """``graph`` run in-process; its events go through JSON as the server sends them."""

    def encode(value):  # messages as their JSON, anything else as text
        return value.model_dump() if hasattr(value, "model_dump") else str(value)

    async def run() -> RunTree:
        tree = RunTree()
        async for event in graph.astream_events(input, version="v2"):
            tree.apply(json.loads(json.dumps(event, default=encode)), time.monotonic())
        tree.finish("done")
        return tree

    return asyncio.run(run())


def test_parallel_create_agents_fold_and_open_branch_by_branch():
    tree = city_agents_tree()
    folded = fold_branches(run_messages(tree), tree, ())
    assert [(m.role, m.tool_name, m.content) for m in folded] == [
        ("branches", "city", "7 in parallel · 7 done")
    ]

    opened = fold_branches(run_messages(tree), tree, [folded[0].group])
    per_branch = [(m.role, m.content.split(".")[0]) for m in opened[1:]]
    assert per_branch[:3] == [
        ("assistant", "Let me check the weather in Paris"),
        ("tool", ""),
        ("assistant", "It's 64 degrees and sunny in Paris"),
    ]
    assert len(per_branch) == 3 * len(CITIES)
    assert per_branch[3] == ("assistant", "Let me check the weather in Rome")


class ScriptedModel(GenericFakeChatModel):
    """A chat model that answers with the next of its ``messages``, tools or not."""

    def bind_tools(self, tools, **kwargs):
        return self


def test_a_models_many_parallel_tool_calls_in_create_agent_fold_into_one_row():
    """`create_agent` runs each tool call of a model's answer as a task of its `tools` node."""

    @tool
    def lookup(city: str) -> str:
        """Look a city up."""
        return f"{city}: fine"

    calls = [{"name": "lookup", "args": {"city": c}, "id": f"call-{c}"} for c in CITIES]
    answers = iter([AIMessage("Checking them all.", tool_calls=calls), AIMessage("All fine.")])
    agent = create_agent(ScriptedModel(messages=answers, disable_streaming=True), [lookup])
    tree = tree_of_events(agent, {"messages": [HumanMessage("How are they?")]})

    folded = fold_branches(run_messages(tree), tree, ())
    assert [(m.role, m.tool_name, m.content) for m in folded] == [
        ("assistant", "", "Checking them all."),
        ("branches", "tools", "7 in parallel · 7 done"),
        ("assistant", "", "All fine."),
    ]
    opened = fold_branches(run_messages(tree), tree, [folded[1].group])
    assert [m.tool_output for m in opened[2:-1]] == [f"{c}: fine" for c in CITIES]


def test_a_middlewares_own_model_call_is_in_the_tree_but_not_in_the_chat():
    """`SummarizationMiddleware` summarises a long thread with a model call it tags
    `nostream` before the agent's model answers: the summary is no answer of the agent."""
    summary = "Summary: they greeted each other."
    middleware = SummarizationMiddleware(
        ScriptedModel(messages=iter([AIMessage(summary)])),
        trigger=("messages", 3),
        keep=("messages", 1),
    )
    model = ScriptedModel(messages=iter([AIMessage("Six times seven is 42.")]))
    agent = create_agent(model, [], middleware=[middleware])
    said = ["hi", "hello", "how are you?", "fine", "what is six times seven?"]
    history = [HumanMessage(t) if i % 2 == 0 else AIMessage(t) for i, t in enumerate(said)]
    tree = tree_of_events(agent, {"messages": history})

    summarizer = next(node for node in tree.model_runs() if node.nostream)
    assert summarizer.streamed_text == summary  # the tree keeps it
    assert [(m.role, m.content) for m in run_messages(tree)] == [
        ("assistant", "Six times seven is 42.")
    ]
    deltas, _ = text_deltas(tree, {})
    assert {delta.run_id for delta in deltas} == {tree.model_runs()[-1].run_id}
