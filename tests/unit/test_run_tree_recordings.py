"""The run tree fed real server recordings (tests/recordings/*.sse), frame by frame."""

import json

import pytest

from app.lg_client import StreamPart
from app.run_tree import RunTree, build_rows, content_text, flatten_rows, is_plumbing
from tests.unit.sse import recorded_parts

FRAME_GAP = 0.001  # seconds between two recorded frames, as if they arrived at a steady pace


def tree_from(parts: list[StreamPart]) -> RunTree:
    """Replay parts as the app does: metadata starts the tree, events grow it, error/end end it."""
    tree = RunTree()
    at = 0.0
    for part in parts:
        at += FRAME_GAP
        if part.event == "metadata":
            tree = RunTree(run_id=part.data["run_id"], started_at=at)
        elif part.event == "events":
            tree.apply(part.data, at)
        elif part.event == "error":
            tree.finish("error", f"{part.data['error']}: {part.data['message']}", at=at)
        elif part.event == "end":
            tree.finish("done", at=at)  # ignored if an error part already finished the run
    return tree


def replay(name: str) -> RunTree:
    """The run tree of ``tests/recordings/<name>.sse`` as the real client decodes it."""
    return tree_from(recorded_parts(name))


def names(nodes):
    return [node.name for node in nodes]


def ancestors(tree, node):
    """Names from the top of the tree down to `node`'s parent."""
    chain = []
    while node.parent_id is not None:
        node = tree.get(node.parent_id)
        chain.insert(0, node.name)
    return chain


# -- the recordings as the client decodes them --------------------------------------------------


@pytest.mark.parametrize("name", ["weather", "resumable", "seed_legacy"])
def test_recordings_decode_to_metadata_first_then_events_then_one_end(name):
    parts = recorded_parts(name)
    assert parts[0].event == "metadata"
    assert [part.event for part in parts[1:-1]] == ["events"] * (len(parts) - 2)
    assert parts[-1] == StreamPart("end", None)
    assert all(isinstance(part.data, dict) for part in parts[1:-1])


# -- weather: agent -> tool -> agent ------------------------------------------------------------


@pytest.mark.parametrize("name", ["weather", "weather_second_turn", "resumable"])
def test_weather_runs_have_agent_tool_agent_under_the_root_all_done(name):
    tree = replay(name)
    root = tree.root
    assert tree.roots() == [root]
    assert names(tree.children(root.run_id)) == ["agent", "tool", "agent"]
    assert {node.status for node in tree.nodes} == {"done"}
    assert (tree.status, tree.error) == ("done", None)


def test_the_weather_root_is_told_by_parent_ids_though_it_is_named_like_a_node():
    tree = replay("weather")
    root = tree.root
    assert root.name == "agent"
    assert root.run_id == tree.run_id
    assert [node.run_id for node in tree.nodes if node.is_root] == [root.run_id]


def test_each_weather_agent_node_holds_a_model_call_then_should_continue():
    tree = replay("weather")
    agents = [n for n in tree.children(tree.run_id) if n.name == "agent"]
    routes = []
    for agent in agents:
        children = tree.children(agent.run_id)
        assert [c.kind for c in children] == ["chat_model", "chain"]
        assert children[1].name == "should_continue"
        routes.append(children[1].outputs)
    assert routes == ["tool", "__end__"]


def test_the_weather_tool_node_holds_the_tool_run():
    tree = replay("weather")
    tool_node = next(n for n in tree.children(tree.run_id) if n.name == "tool")
    [tool_run] = tree.children(tool_node.run_id)
    assert tree.tool_runs() == [tool_run]
    assert (tool_run.kind, tool_run.name) == ("tool", "get_weather")
    assert "San Francisco" in json.dumps(tool_run.inputs)
    assert tool_run.output_text


def test_weather_model_runs_streamed_text_equals_their_final_messages():
    tree = replay("weather")
    models = tree.model_runs()
    assert len(models) == 2
    for model in models:
        assert model.streamed_text == content_text(model.outputs)
        assert model.chunk_count > 0
    final_messages = tree.root.outputs["messages"]
    assert models[-1].streamed_text == content_text(final_messages[-1])


def test_weather_tool_call_chunks_merge_into_the_models_tool_call():
    model = replay("weather").model_runs()[0]
    [call] = model.tool_call_chunks
    [expected] = model.outputs["tool_calls"]
    assert (call["id"], call["name"]) == (expected["id"], expected["name"])
    assert json.loads(call["args"]) == expected["args"]


def test_the_weather_graph_nodes_carry_their_langgraph_steps():
    tree = replay("weather")
    steps = [(n.name, n.langgraph_step) for n in tree.children(tree.run_id)]
    assert steps == [("agent", 1), ("tool", 2), ("agent", 3)]


def test_only_should_continue_is_plumbing_in_the_weather_run():
    tree = replay("weather")
    assert {n.name for n in tree.nodes if is_plumbing(n, tree)} == {"should_continue"}
    shown = flatten_rows(build_rows(tree, now=1e9, hide_plumbing=True))
    assert len(shown) == len(tree) - 2
    assert "should_continue" not in [row.name for row in shown]


def test_weather_waterfall_bars_stay_within_the_run():
    for row in flatten_rows(build_rows(replay("weather"), now=1e9)):
        assert 0 <= row.offset_pct and row.offset_pct + row.width_pct <= 100.0 + 1e-9


def test_the_weather_run_applied_backwards_links_every_node_the_same():
    parts = recorded_parts("weather")
    metadata, events, end = parts[0], parts[1:-1], parts[-1]
    assert (metadata.event, end.event) == ("metadata", "end")
    forwards = tree_from(parts)
    backwards = tree_from([metadata, *reversed(events), end])
    assert {n.run_id: n.parent_id for n in backwards.nodes} == {
        n.run_id: n.parent_id for n in forwards.nodes
    }
    assert backwards.roots() == [backwards.root]
    assert {node.status for node in backwards.nodes} == {"done"}


def test_two_runs_of_one_thread_are_separate_trees():
    first, second = replay("weather"), replay("weather_second_turn")
    assert first.run_id != second.run_id
    assert not {n.run_id for n in first.nodes} & {n.run_id for n in second.nodes}
    assert [n.langgraph_step for n in second.children(second.run_id)] == [6, 7, 8]


# -- nested subgraphs ---------------------------------------------------------------------------


def test_nested_runs_are_at_least_three_levels_deep():
    rows = flatten_rows(build_rows(replay("nested"), now=1e9))
    assert max(row.depth for row in rows) >= 3


def test_a_nested_tool_run_sits_under_the_subgraph_and_its_node():
    tree = replay("nested")
    [tool_run] = tree.tool_runs()
    assert ancestors(tree, tool_run) == ["nested", "research", "LangGraph", "tool"]
    assert tool_run.status == "done"


def test_a_nested_subgraph_run_is_not_plumbing():
    tree = replay("nested")
    subgraph = next(n for n in tree.nodes if n.name == "LangGraph")
    assert not is_plumbing(subgraph, tree)
    assert [n.name for n in tree.children(tree.run_id)] == ["research", "summarize"]


# -- a failing node -----------------------------------------------------------------------------


def test_the_failing_node_ends_error_with_the_servers_message():
    tree = replay("failing")
    failing = next(n for n in tree.nodes if n.name == "flaky_tool")
    assert failing.status == "error"
    assert "The weather service is unavailable" in failing.error
    assert tree.root.status == "error" and tree.root.error == failing.error
    assert (tree.status, tree.error) == ("error", failing.error)


def test_runs_that_finished_before_the_failure_stay_done():
    tree = replay("failing")
    agent = next(n for n in tree.nodes if n.name == "agent")
    assert agent.status == "done"
    assert [m.status for m in tree.model_runs()] == ["done"]


def test_the_text_streamed_before_the_failure_is_kept():
    [model] = replay("failing").model_runs()
    assert model.streamed_text
    assert model.streamed_text == content_text(model.outputs)


# -- the older server (seed document shape) -----------------------------------------------------


def test_the_legacy_run_has_the_same_shape_under_a_root_named_langgraph():
    tree = replay("seed_legacy")
    assert (tree.root.name, tree.root.run_id) == ("LangGraph", tree.run_id)
    [agent] = tree.children(tree.run_id)
    assert agent.name == "agent"
    assert [(c.kind, c.name) for c in tree.children(agent.run_id)] == [
        ("chat_model", "FakeListChatModel"),
        ("chain", "should_continue"),
    ]
    assert {node.status for node in tree.nodes} == {"done"}
    assert tree.status == "done"


def test_the_legacy_agent_node_gets_its_inputs_from_the_end_frame():
    tree = replay("seed_legacy")
    [agent] = tree.children(tree.run_id)
    assert agent.inputs is not None


def test_the_legacy_model_streamed_text_equals_its_final_message():
    [model] = replay("seed_legacy").model_runs()
    assert model.streamed_text == content_text(model.outputs)
    assert model.chunk_count == 3
