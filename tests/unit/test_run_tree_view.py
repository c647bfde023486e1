"""What the run inspector renders from a run tree: rows, plumbing, waterfall bars, details."""

import dataclasses
import json

import pytest

from app.run_tree import (
    RunTree,
    build_rows,
    flatten_rows,
    format_duration,
    format_payload,
    is_plumbing,
    node_details,
)

ROOT = "run-root"


def frame(event, run_id, parents=(), name=None, data=None, metadata=None):
    return {
        "event": event,
        "name": name if name is not None else run_id,
        "run_id": run_id,
        "tags": [],
        "metadata": metadata or {},
        "data": data if data is not None else {},
        "parent_ids": list(parents),
    }


def in_node(node):
    """Metadata of a run inside the graph node `node`."""
    return {"langgraph_node": node, "langgraph_step": 1}


def weather_tree():
    """root > agent > (model, should_continue -> "tool"), tool > get_weather, all finished."""
    parents = [ROOT, "agent-1"]
    frames = [
        frame("on_chain_start", ROOT, [], name="agent"),
        frame("on_chain_start", "agent-1", [ROOT], name="agent", metadata=in_node("agent")),
        frame("on_chat_model_start", "m1", parents, name="Model", metadata=in_node("agent")),
        frame("on_chat_model_end", "m1", parents, name="Model", metadata=in_node("agent")),
        frame(
            "on_chain_start", "route", parents, name="should_continue", metadata=in_node("agent")
        ),
        frame("on_chain_end", "route", parents, name="should_continue", data={"output": "tool"}),
        frame("on_chain_end", "agent-1", [ROOT], name="agent"),
        frame("on_chain_start", "tool-1", [ROOT], name="tool", metadata=in_node("tool")),
        frame(
            "on_tool_start", "t1", [ROOT, "tool-1"], name="get_weather", metadata=in_node("tool")
        ),
        frame("on_tool_end", "t1", [ROOT, "tool-1"], name="get_weather"),
        frame("on_chain_end", "tool-1", [ROOT], name="tool"),
        frame("on_chain_end", ROOT, [], name="agent"),
    ]
    tree = RunTree()
    for i, f in enumerate(frames):
        tree.apply(f, 100.0 + i * 0.1)
    tree.finish("done")
    return tree


def names(rows):
    return [row.name for row in rows]


# -- rows ---------------------------------------------------------------------------------------


def test_rows_nest_children_under_their_parents_with_depth_and_parent_id():
    rows = build_rows(weather_tree(), now=200.0)
    assert len(rows) == 1
    root = rows[0]
    assert (root.name, root.parent_id, root.depth, root.is_root) == ("agent", "", 0, True)
    assert names(root.children) == ["agent", "tool"]
    agent = root.children[0]
    assert (agent.parent_id, agent.depth) == (ROOT, 1)
    assert names(agent.children) == ["Model", "should_continue"]
    assert agent.children[0].depth == 2


def test_rows_carry_graph_node_step_and_status():
    agent = build_rows(weather_tree(), now=200.0)[0].children[0]
    assert (agent.langgraph_node, agent.step, agent.status, agent.kind) == (
        "agent",
        1,
        "done",
        "chain",
    )


def test_a_row_without_metadata_has_step_minus_one_and_no_graph_node():
    tree = RunTree()
    tree.apply(frame("on_chain_start", ROOT, []), 1.0)
    row = build_rows(tree, now=2.0)[0]
    assert (row.step, row.langgraph_node, row.error) == (-1, "", "")


def test_an_unnamed_run_is_shown_by_its_kind():
    tree = RunTree()
    tree.apply({"event": "on_tool_start", "run_id": "t1", "parent_ids": []}, 1.0)
    assert build_rows(tree, now=2.0)[0].name == "tool"


def test_rows_are_plain_serialisable_data():
    rows = build_rows(weather_tree(), now=200.0)
    assert json.dumps([dataclasses.asdict(row) for row in rows])


def test_flatten_rows_lists_parents_before_their_children():
    flat = flatten_rows(build_rows(weather_tree(), now=200.0))
    assert names(flat) == ["agent", "agent", "Model", "should_continue", "tool", "get_weather"]
    assert [row.depth for row in flat] == [0, 1, 2, 2, 1, 2]


def test_orphans_are_rows_at_the_top_level():
    tree = RunTree()
    tree.apply(frame("on_chain_start", ROOT, []), 1.0)
    tree.apply(frame("on_tool_start", "t1", [ROOT, "missing"]), 1.1)
    assert [row.run_id for row in build_rows(tree, now=2.0)] == [ROOT, "t1"]


# -- plumbing -----------------------------------------------------------------------------------


def test_a_routing_function_that_returned_a_node_name_is_plumbing():
    tree = weather_tree()
    assert is_plumbing(tree.get("route"), tree)


def test_a_routing_function_that_returned_end_is_plumbing():
    tree = RunTree()
    tree.apply(frame("on_chain_start", "a1", [ROOT], name="agent", metadata=in_node("agent")), 1.0)
    tree.apply(
        frame("on_chain_start", "r", [ROOT, "a1"], name="route", metadata=in_node("agent")), 1.1
    )
    assert not is_plumbing(tree.get("r"), tree)  # still running: not known yet
    tree.apply(frame("on_chain_end", "r", [ROOT, "a1"], data={"output": ["__end__"]}), 1.2)
    assert is_plumbing(tree.get("r"), tree)


def test_a_chain_under_a_graph_node_returning_other_text_is_not_plumbing():
    tree = RunTree()
    tree.apply(frame("on_chain_start", "a1", [ROOT], name="agent", metadata=in_node("agent")), 1.0)
    tree.apply(
        frame("on_chain_end", "f", [ROOT, "a1"], name="format", data={"output": "Hello there"}),
        1.1,
    )
    assert not is_plumbing(tree.get("f"), tree)


@pytest.mark.parametrize(
    "name",
    ["RunnableSequence", "RunnableLambda", "RunnableParallel<a,b>", "ChannelWrite",
     "ChannelWrite<agent,messages>", "ChannelRead", "__start__", "_write", "_route"],
)  # fmt: skip
def test_internal_runnables_are_plumbing(name):
    tree = RunTree()
    tree.apply(frame("on_chain_start", "x", [ROOT], name=name, metadata=in_node(name)), 1.0)
    assert is_plumbing(tree.get("x"), tree)


@pytest.mark.parametrize(
    ("event", "name"),
    [
        ("on_chain_start", "agent"),
        ("on_chat_model_start", "RunnableModel"),
        ("on_tool_start", "_route"),
        ("on_retriever_start", "ChannelRead"),
    ],
)
def test_graph_nodes_models_and_tools_are_never_plumbing(event, name):
    tree = RunTree()
    tree.apply(frame(event, "x", [ROOT], name=name, metadata=in_node("agent")), 1.0)
    assert not is_plumbing(tree.get("x"), tree)


def test_the_root_is_never_plumbing_even_if_named_like_plumbing():
    tree = RunTree()
    tree.apply(frame("on_chain_start", ROOT, [], name="RunnableSequence"), 1.0)
    assert not is_plumbing(tree.get(ROOT), tree)


def test_rows_flag_plumbing_without_hiding_it_by_default():
    rows = flatten_rows(build_rows(weather_tree(), now=200.0))
    assert [row.name for row in rows if row.is_plumbing] == ["should_continue"]


def test_hide_plumbing_leaves_out_routing_functions():
    rows = flatten_rows(build_rows(weather_tree(), now=200.0, hide_plumbing=True))
    assert "should_continue" not in names(rows)


def test_hide_plumbing_lifts_the_children_of_a_plumbing_node_into_its_place():
    tree = RunTree()
    frames = [
        frame("on_chain_start", ROOT, []),
        frame("on_chain_start", "a1", [ROOT], name="agent", metadata=in_node("agent")),
        frame("on_chain_start", "first", [ROOT, "a1"], metadata=in_node("agent")),
        frame("on_chain_start", "seq", [ROOT, "a1"], name="RunnableSequence"),
        frame("on_chat_model_start", "m1", [ROOT, "a1", "seq"], name="Model"),
        frame("on_chain_start", "lam", [ROOT, "a1", "seq"], name="RunnableLambda"),
        frame("on_tool_start", "t1", [ROOT, "a1", "seq", "lam"], name="search"),
        frame("on_chain_start", "last", [ROOT, "a1"], metadata=in_node("agent")),
    ]
    for i, f in enumerate(frames):
        tree.apply(f, float(i))
    agent = build_rows(tree, now=10.0, hide_plumbing=True)[0].children[0]
    assert [row.run_id for row in agent.children] == ["first", "m1", "t1", "last"]
    assert {row.parent_id for row in agent.children} == {"a1"}
    assert {row.depth for row in agent.children} == {2}


# -- waterfall ----------------------------------------------------------------------------------


def test_waterfall_bars_stay_within_zero_and_one_hundred():
    for row in flatten_rows(build_rows(weather_tree(), now=500.0)):
        assert 0 <= row.offset_pct <= 100
        assert 0.5 <= row.width_pct
        assert row.offset_pct + row.width_pct <= 100.0 + 1e-9


def test_the_root_bar_spans_the_whole_run():
    root = build_rows(weather_tree(), now=500.0)[0]
    assert (root.offset_pct, root.width_pct) == (0.0, 100.0)


def test_waterfall_offsets_follow_start_times():
    tree = weather_tree()
    flat = {row.run_id: row for row in flatten_rows(build_rows(tree, now=500.0))}
    # The run spans 100.0..101.1; the tool node starts at 100.7 and ends at 101.0.
    assert flat["tool-1"].offset_pct == pytest.approx(7 / 11 * 100, abs=0.01)
    assert flat["tool-1"].width_pct == pytest.approx(3 / 11 * 100, abs=0.01)


def test_a_running_node_bar_extends_to_now():
    tree = RunTree()
    tree.apply(frame("on_chain_start", ROOT, []), 10.0)
    tree.apply(frame("on_chain_start", "n1", [ROOT]), 12.0)
    rows = flatten_rows(build_rows(tree, now=14.0))
    assert [(r.offset_pct, r.width_pct) for r in rows] == [(0.0, 100.0), (50.0, 50.0)]
    assert rows[1].duration_label == "running"


def test_an_instant_node_still_gets_a_visible_bar():
    tree = weather_tree()
    tree.get("t1").ended_at = tree.get("t1").started_at
    row = next(r for r in flatten_rows(build_rows(tree, now=500.0)) if r.run_id == "t1")
    assert row.width_pct == 0.5


def test_a_run_with_no_time_span_gets_full_width_bars():
    tree = RunTree()
    tree.apply(frame("on_chain_start", ROOT, []), 5.0)
    assert (build_rows(tree, now=5.0)[0].offset_pct, build_rows(tree, now=5.0)[0].width_pct) == (
        0.0,
        100.0,
    )


# -- labels and details -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "label"),
    [(0.0, "0 ms"), (0.0123, "12 ms"), (1.44, "1.4 s"), (59.94, "59.9 s"), (125.2, "2 min 05 s")],
)
def test_durations_read_as_ms_seconds_or_minutes(seconds, label):
    assert format_duration(seconds) == label


def test_node_details_list_the_core_fields_in_order():
    tree = weather_tree()
    details = node_details(tree.get("t1"), run_start=tree.started_at)
    labels = [d.label for d in details]
    assert labels[:5] == ["Name", "Kind", "Status", "Run ID", "Parent ID"]
    values = {d.label: d.value for d in details}
    assert values["Name"] == "get_weather"
    assert values["LangGraph node"] == "tool"
    assert values["Started"] == "+800 ms"
    assert values["Duration"] == "100 ms"


def test_node_details_leave_out_times_without_a_run_start():
    labels = [d.label for d in node_details(weather_tree().get("t1"))]
    assert "Started" not in labels
    assert "Duration" in labels


def test_node_details_show_the_error_and_streamed_text():
    tree = RunTree()
    tree.apply(frame("on_chat_model_stream", "m1", [ROOT], data={"chunk": {"content": "Hal"}}), 1.0)
    tree.finish("error", "ValueError: boom")
    values = {d.label: d.value for d in node_details(tree.get("m1"))}
    assert values["Error"] == "ValueError: boom"
    assert values["Streamed text"] == "Hal"
    assert values["Chunks"] == "1"


def test_node_details_pretty_print_payloads_as_json():
    tree = RunTree()
    tree.apply(frame("on_tool_start", "t1", [ROOT], data={"input": {"city": "Zürich"}}), 1.0)
    inputs = next(d for d in node_details(tree.get("t1")) if d.label == "Inputs")
    assert inputs.value == '{\n  "city": "Zürich"\n}'
    assert inputs.is_block


def test_long_strings_in_a_payload_are_shortened():
    text = format_payload({"content": "x" * 2500})
    assert "x" * 2000 + "… (500 more characters)" in text
    assert "x" * 2001 not in text


def test_a_huge_payload_is_cut_with_a_note():
    text = format_payload([f"item {i}" for i in range(5000)])
    assert len(text) < 20_100
    assert text.endswith("more characters)")
    assert "payload cut" in text


def test_a_payload_that_is_not_json_is_shown_as_text():
    assert format_payload({"when": object}) == '{\n  "when": "<class \'object\'>"\n}'


def test_a_send_branch_shows_its_input_and_the_model_inside_it_does_not():
    """Runs inside a `Send` branch inherit its trigger: only the branch says what it got."""
    sent = {
        "langgraph_node": "branch",
        "langgraph_step": 2,
        "langgraph_triggers": ["__pregel_push"],
    }
    branch = [ROOT, "branch-1"]
    frames = [
        frame("on_chain_start", ROOT, [], name="fanout"),
        frame("on_chain_start", "branch-1", [ROOT], "branch", {"input": {"index": 1}}, sent),
        frame("on_chat_model_start", "m1", branch, "Model", {"input": {"messages": [[]]}}, sent),
    ]
    tree = RunTree()
    for at, f in enumerate(frames):
        tree.apply(f, float(at))

    summaries = {row.name: row.summary for row in flatten_rows(build_rows(tree, 10.0))}
    assert summaries == {"fanout": "", "branch": "index: 1", "Model": ""}
