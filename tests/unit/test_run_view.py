"""What the page gets of a run: messages, the answers' text deltas and the tree's deltas."""

import json
import re
from pathlib import Path

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import ModelFallbackMiddleware
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_core.outputs import ChatGenerationChunk

from app.run_tree import RunTree
from app.run_view import (
    PAGE_DEFAULTS,
    ShownTree,
    TextDelta,
    page_rows,
    run_conversation,
    text_deltas,
    tree_delta,
    view_run,
)
from app.transcript import FOLD_BRANCHES_AT, ChatMessage
from demo_agent.model import DemoChatModel
from tests.unit.sse import recorded_events
from tests.unit.test_run_tree import tree_of_run
from tests.unit.test_transcript import fan_out_tree


def tree_after(events: list[dict]) -> RunTree:
    tree = RunTree()
    for at, event in enumerate(events):
        tree.apply(event, float(at))
    return tree


def first_text_index(events: list[dict], nth_model: int) -> int:
    models = []
    for index, event in enumerate(events):
        if event["event"] == "on_chat_model_stream" and event["run_id"] not in models:
            models.append(event["run_id"])
            if len(models) == nth_model:
                return index
    raise AssertionError("no such model call")


def view(tree: RunTree, messages=(), shown_text=None, shown_tree=None, due=True):
    return view_run(
        tree,
        list(messages),
        shown_text or {},
        shown_tree,
        now=100.0,
        hide_plumbing=False,
        counters_due=due,
    )


def test_while_a_run_goes_on_its_answers_travel_as_text_deltas_not_in_the_messages():
    events = recorded_events("weather")
    tree = tree_after(events[: first_text_index(events, 1) + 3])
    question = ChatMessage("user", "What's the weather in SF?")

    result = view(tree, [question])

    model_id = tree.model_runs()[0].run_id
    assert result.messages == [question, ChatMessage("assistant", "", model_id, status="running")]
    (delta,) = result.text
    assert delta == TextDelta(model_id, 0, delta.text, done=False)
    assert delta.text.startswith("Let me")
    assert result.shown_text == {(model_id, "answer"): (len(delta.text), False)}


def test_only_the_new_text_is_sent_then_the_end_and_then_nothing():
    events = recorded_events("weather")
    cut = first_text_index(events, 1)
    earlier = view(tree_after(events[: cut + 2]))
    later = view(tree_after(events[: cut + 4]), shown_text=earlier.shown_text)
    (first,), (second,) = earlier.text, later.text

    assert second.offset == len(first.text)
    model = tree_after(events[: cut + 4]).model_runs()[0]
    assert first.text + second.text == model.streamed_text

    whole = tree_after(events[: first_text_index(events, 2)])
    ended = text_deltas(whole, later.shown_text)[0]
    assert ended[0].done and ended[0].run_id == model.run_id
    assert text_deltas(whole, text_deltas(whole, {})[1])[0] == []


def test_what_the_page_has_of_earlier_runs_bubbles_is_not_carried_into_the_next_run():
    earlier = tree_after(recorded_events("weather"))
    earlier.finish("done")
    had = text_deltas(earlier, {})[1]
    events = recorded_events("weather_second_turn")  # the thread's next question
    later = tree_after(events[: first_text_index(events, 1) + 2])

    deltas, shown = text_deltas(later, had)

    model = later.model_runs()[0].run_id
    assert [d.run_id for d in deltas] == [model]
    assert set(shown) == {(model, "answer")}  # the thread's earlier bubbles are not kept


def test_a_finished_run_gives_its_messages_their_text():
    tree = tree_after(recorded_events("weather"))
    tree.finish("done")
    first = view(tree, [ChatMessage("user", "q")])
    again = view(tree, first.messages)

    assert again.messages == first.messages
    assert [m.role for m in first.messages] == ["user", "assistant", "tool", "assistant"]
    assert "60 degrees and foggy" in first.messages[-1].content


def test_the_first_tree_delta_is_the_whole_tree_and_later_ones_only_what_changed():
    events = recorded_events("weather")
    half = tree_after(events[: len(events) // 2])
    first, shown = tree_delta(half, ShownTree(), 50.0, False, True)
    assert first.reset and len(first.rows) == len(half)

    full = tree_after(events)
    full.finish("done")
    later, shown = tree_delta(full, shown, 60.0, False, True)
    assert not later.reset and later.finished
    new_ids = {n.run_id for n in full.nodes} - {n.run_id for n in half.nodes}
    whole_rows = [row for row in later.rows if "name" in row]
    assert {row["run_id"] for row in whole_rows} == new_ids
    changed = [row for row in later.rows if "name" not in row]
    unchanged_fields = {"name", "kind", "parent_id", "start_ms"}
    assert changed and all(not unchanged_fields & row.keys() for row in changed)

    assert tree_delta(full, shown, 70.0, False, True)[0] is None


def test_token_counts_wait_for_the_tick_but_a_first_speed_does_not():
    events = recorded_events("weather")
    cut = first_text_index(events, 1)
    tree = tree_after(events[: cut + 1])  # the model's first token
    _, shown = tree_delta(tree, ShownTree(), 10.0, False, True)

    def stream(start: int, stop: int) -> None:
        for index in range(start, stop):
            assert events[index]["event"] == "on_chat_model_stream"
            tree.apply(events[index], float(index))

    stream(cut + 1, cut + 3)  # the second token makes a speed
    first, shown = tree_delta(tree, shown, 10.1, False, False)
    assert [set(row) - {"run_id"} for row in first.rows] == [{"answer_tokens", "tokens_per_s"}]

    stream(cut + 3, cut + 5)
    assert tree_delta(tree, shown, 10.2, False, False)[0] is None
    due, shown = tree_delta(tree, shown, 10.6, False, True)
    assert due.rows == [{"run_id": events[cut]["run_id"], "answer_tokens": 5}]  # same speed
    assert tree_delta(tree, shown, 11.1, False, True)[0] is None


def test_the_page_tree_is_left_alone_while_the_panel_shows_another_run():
    tree = tree_after(recorded_events("weather"))
    result = view(tree, shown_tree=None)
    assert result.tree is None and result.shown_tree is None


def test_thinking_goes_to_its_own_part_before_the_answer():
    tree = tree_after(recorded_events("thinker"))
    model = tree.model_runs()[0]
    assert model.streamed_thinking and model.streamed_text

    deltas, _ = text_deltas(tree, {(model.run_id, "thinking"): (1, False)})

    thinking, answer = deltas[:2]
    assert (thinking.part, thinking.offset) == ("thinking", 1)
    assert thinking.text == model.streamed_thinking[1:]
    assert (answer.part, answer.offset, answer.text) == ("answer", 0, model.streamed_text)


class PageTree:
    """What assets/run_tree.js keeps: rows by run id, filled with the defaults the server
    leaves out, and each parent's children in the order they were placed."""

    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}
        self.children: dict[str, list[str]] = {}

    def apply(self, delta) -> None:
        if delta.reset:
            self.rows, self.children = {}, {}
        for fields in delta.rows:
            row = self.rows.get(fields["run_id"])
            if row is None:
                row = self.rows[fields["run_id"]] = {**PAGE_DEFAULTS, **fields}
                self.children.setdefault(row["parent_id"], []).append(row["run_id"])
                continue
            if fields.get("parent_id", row["parent_id"]) != row["parent_id"]:
                self.children[row["parent_id"]].remove(row["run_id"])
                self.children.setdefault(fields["parent_id"], []).append(row["run_id"])
            row.update(fields)
        for run_id in delta.removed:
            row = self.rows.pop(run_id)
            self.children[row["parent_id"]].remove(run_id)

    def in_order(self, parent_id: str = "") -> list[dict]:
        rows = []
        for run_id in self.children.get(parent_id, []):
            rows += [self.rows[run_id], *self.in_order(run_id)]
        return rows


@pytest.mark.parametrize("hide_plumbing", [False, True])
@pytest.mark.parametrize("every", [1, 4, 9])
@pytest.mark.parametrize("name", ["weather", "nested", "research", "review", "approval", "flaky"])
def test_a_page_that_applied_every_delta_has_the_whole_tree(name, every, hide_plumbing):
    """Only changed nodes are drawn again, yet the page ends with the rows, parents and
    sibling order of the whole tree."""
    tree, shown, page = RunTree(), ShownTree(), PageTree()
    for index, event in enumerate(recorded_events(name)):
        tree.apply(event, float(index))
        if index % every == 0:
            delta, shown = tree_delta(tree, shown, float(index), hide_plumbing, index % 3 == 0)
            if delta:
                page.apply(delta)
    tree.finish("done")
    delta, shown = tree_delta(tree, shown, 1e6, hide_plumbing, True)
    page.apply(delta)

    whole = page_rows(tree, 1e6, hide_plumbing)
    assert page.in_order() == [{**PAGE_DEFAULTS, **row} for row in whole]


def test_a_flush_draws_only_the_nodes_that_changed():
    events = recorded_events("weather")
    cut = first_text_index(events, 2)
    tree = tree_after(events[:cut])
    _, shown = tree_delta(tree, ShownTree(), 10.0, False, True)

    tree.apply(events[cut], 11.0)  # one token of the second model call
    delta, _ = tree_delta(tree, shown, 11.0, False, True)

    assert [row["run_id"] for row in delta.rows] == [events[cut]["run_id"]]


def test_a_routing_function_turns_into_plumbing_when_the_node_it_named_starts():
    """``should_continue`` returned "tool" before a node of that name ran: once the tool node
    starts, the routing function is plumbing, though it did not change itself."""
    events = recorded_events("weather")
    cut = next(i for i, e in enumerate(events) if e["name"] == "tool")
    tree = tree_after(events[:cut])
    _, shown = tree_delta(tree, ShownTree(), 10.0, False, True)
    routing = next(n for n in tree.nodes if n.name == "should_continue")
    assert shown.rows[routing.run_id]["is_plumbing"] is False

    tree.apply(events[cut], 11.0)
    delta, shown = tree_delta(tree, shown, 11.0, False, True)

    assert {(row["run_id"], row.get("is_plumbing")) for row in delta.rows} == {
        (events[cut]["run_id"], None),  # new, not plumbing: left out as the default
        (routing.run_id, True),
    }


def test_a_parent_that_arrives_after_its_child_takes_it_in():
    child = {
        "event": "on_chain_start",
        "run_id": "child",
        "name": "child",
        "parent_ids": ["root", "late"],
    }
    late = {"event": "on_chain_start", "run_id": "late", "name": "late", "parent_ids": ["root"]}
    root = {"event": "on_chain_start", "run_id": "root", "name": "graph", "parent_ids": []}
    tree, page = RunTree(), PageTree()
    tree.apply(root, 0.0)
    tree.apply(child, 1.0)
    delta, shown = tree_delta(tree, ShownTree(), 1.0, False, True)
    page.apply(delta)
    assert page.rows["child"]["parent_id"] == ""  # shown at the top until its parent comes

    tree.apply(late, 2.0)
    delta, shown = tree_delta(tree, shown, 2.0, False, True)
    page.apply(delta)

    assert [row["run_id"] for row in delta.rows] == ["late", "child"]
    assert [row["run_id"] for row in page.in_order()] == ["root", "late", "child"]


def test_another_tree_of_the_same_run_replaces_the_page_tree():
    """A replay starts the run's tree afresh: the page drops what the new tree lacks."""
    events = recorded_events("weather")
    page = PageTree()
    delta, shown = tree_delta(tree_after(events), ShownTree(), 100.0, False, True)
    page.apply(delta)

    replay = tree_after(events[:1])
    delta, shown = tree_delta(replay, shown, 1.0, False, True)
    page.apply(delta)

    assert [row["run_id"] for row in page.in_order()] == [events[0]["run_id"]]


def test_the_page_reads_a_left_out_field_as_the_default_the_server_leaves_out():
    """A new row goes without its fields at their defaults: assets/run_tree.js must fill in
    the same ones, or a node would show another status, step or duration than it has."""
    script = (Path(__file__).parents[2] / "assets" / "run_tree.js").read_text()
    block = re.search(r"const EMPTY_ROW = \{(.*?)\};", script, re.DOTALL)
    assert block, "assets/run_tree.js has no EMPTY_ROW"
    page_defaults = {
        key: json.loads(value)
        for key, value in re.findall(r"(\w+): (\"\"|-?\d+|false|true)", block[1])
    }
    assert page_defaults == PAGE_DEFAULTS
    assert set(PAGE_DEFAULTS) == set(
        page_rows(tree_after(recorded_events("weather")), 0, False)[0]
    ) - {"run_id"}


def test_opening_an_earlier_runs_fan_out_unfolds_it_in_its_place():
    """A fan-out opened after a later question was asked shows its branches under its row,
    before that question and its answer."""
    tree = fan_out_tree(FOLD_BRANCHES_AT)
    later = [ChatMessage("user", "And now?"), ChatMessage("assistant", "Now.", "later-model")]
    before = [ChatMessage("user", "fan out"), *run_conversation([], tree, ()), *later]

    after = run_conversation(before, tree, ["root/branch/2"])

    assert after[:2] == before[:2]  # the question, the fan-out's row
    branches = after[2 : 2 + FOLD_BRANCHES_AT]
    assert [m.group for m in branches] == ["root/branch/2"] * FOLD_BRANCHES_AT
    assert after[2 + FOLD_BRANCHES_AT :] == [before[2], *later]  # the join's answer, the rest
    assert run_conversation(after, tree, ()) == before


def test_a_running_fan_out_opened_shows_its_branches_without_their_text():
    tree = fan_out_tree(FOLD_BRANCHES_AT, ended=2)
    result = view_run(
        tree,
        [],
        {},
        None,
        now=100.0,
        hide_plumbing=False,
        counters_due=True,
        open_groups=["root/branch/2"],
    )
    assert result.messages[0].status == "running"
    assert {(m.content, m.group) for m in result.messages[1:]} == {("", "root/branch/2")}
    assert len({d.run_id for d in result.text}) == FOLD_BRANCHES_AT  # their text goes as deltas


class DroppedMidAnswer(DemoChatModel):
    """A provider that drops the connection after the first words of its answer."""

    async def _astream(self, messages, stop=None, run_manager=None, **kwargs):
        yield ChatGenerationChunk(message=AIMessageChunk(content="The weather in "))
        raise ConnectionError("connection reset by peer")


def test_a_model_call_that_failed_mid_answer_says_so_while_the_run_goes_on():
    """The fallback answers after the first call dropped: its bubble keeps the words it
    streamed and is marked failed at once, not when the run ends."""
    agent = create_agent(DroppedMidAnswer(), middleware=[ModelFallbackMiddleware(DemoChatModel())])
    tree = tree_of_run(agent, {"messages": [HumanMessage("What's the weather in SF?")]})
    dropped = next(node for node in tree.model_runs() if node.name == "DroppedMidAnswer")

    result = view(tree)

    assert not tree.is_finished
    bubbles = {m.run_id: m for m in result.messages if m.role == "assistant"}
    assert bubbles[dropped.run_id].status == "error"
    assert TextDelta(dropped.run_id, 0, "The weather in ", done=True) in result.text
    others = [m.status for run_id, m in bubbles.items() if run_id != dropped.run_id]
    assert others and set(others) == {"running"}  # the rest still wait for the run's end
