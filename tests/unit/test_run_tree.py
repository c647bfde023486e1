"""The run tree model, fed hand-made frames in hostile orders."""

import asyncio
import dataclasses
import itertools
import json
import random
import time

import pytest
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.types import Command, RetryPolicy

from app.run_tree import RunTree, parse_event_name, thinking_text

ROOT = "run-root"


def frame(event, run_id, parents=(), name=None, data=None, metadata=None, tags=None):
    """One decoded `events` frame as the server sends it."""
    return {
        "event": event,
        "name": name if name is not None else run_id,
        "run_id": run_id,
        "tags": tags or [],
        "metadata": metadata or {},
        "data": data if data is not None else {},
        "parent_ids": list(parents),
    }


def feed(tree, *frames, start=100.0, step=0.01):
    """Apply frames one after the other, 10 ms apart."""
    for i, f in enumerate(frames):
        tree.apply(f, start + i * step)
    return tree


def graph_node(run_id, name, step=1, parents=(ROOT,)):
    """Start frame of a graph node run (a chain named like its `langgraph_node`)."""
    meta = {"langgraph_node": name, "langgraph_step": step}
    return frame("on_chain_start", run_id, parents, name=name, metadata=meta)


def model_stream(run_id, parents, chunk):
    return frame("on_chat_model_stream", run_id, parents, name="Model", data={"chunk": chunk})


# -- root and basic lifecycle -----------------------------------------------------------------


def test_root_is_told_by_empty_parent_ids_even_when_a_node_has_its_name():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, [], name="agent"),
        graph_node("n1", "agent"),
    )
    assert tree.root is tree.get(ROOT)
    assert tree.get(ROOT).is_root
    assert not tree.get("n1").is_root


def test_tree_takes_its_run_id_from_the_root_when_not_given():
    tree = feed(RunTree(), frame("on_chain_start", ROOT, []))
    assert tree.run_id == ROOT


def test_tree_keeps_the_run_id_given_by_the_metadata_frame():
    tree = feed(RunTree(run_id="from-metadata"), frame("on_chain_start", ROOT, []))
    assert tree.run_id == "from-metadata"


def test_start_frame_sets_inputs_and_running_status():
    tree = feed(RunTree(), frame("on_chain_start", ROOT, [], data={"input": {"q": 1}}))
    node = tree.get(ROOT)
    assert node.inputs == {"q": 1}
    assert node.status == "running"
    assert node.kind == "chain"


def test_end_frame_sets_outputs_and_done_status():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, [], data={"input": 1}),
        frame("on_chain_end", ROOT, [], data={"output": 2}),
    )
    node = tree.get(ROOT)
    assert (node.inputs, node.outputs, node.status) == (1, 2, "done")


def test_end_frame_fills_inputs_when_the_start_frame_had_none():
    tree = feed(
        RunTree(),
        frame("on_chain_start", "n1", [ROOT], data={}),
        frame("on_chain_end", "n1", [ROOT], data={"output": "o", "input": "i"}),
    )
    assert tree.get("n1").inputs == "i"


def test_times_come_from_the_first_and_closing_frames():
    tree = RunTree()
    tree.apply(frame("on_chain_start", "n1", [ROOT]), 10.0)
    tree.apply(frame("on_chain_stream", "n1", [ROOT]), 10.5)
    assert tree.get("n1").duration is None
    tree.apply(frame("on_chain_end", "n1", [ROOT]), 11.25)
    node = tree.get("n1")
    assert (node.started_at, node.last_seen_at, node.ended_at) == (10.0, 11.25, 11.25)
    assert node.duration == pytest.approx(1.25)


def test_langgraph_node_and_step_come_from_metadata():
    tree = feed(RunTree(), graph_node("n1", "tool", step=3))
    node = tree.get("n1")
    assert (node.langgraph_node, node.langgraph_step) == ("tool", 3)
    assert node.metadata == {"langgraph_node": "tool", "langgraph_step": 3}


def test_node_metadata_is_a_copy_of_the_frame_metadata():
    f = graph_node("n1", "tool")
    tree = feed(RunTree(), f)
    f["metadata"]["langgraph_node"] = "changed"
    assert tree.get("n1").metadata["langgraph_node"] == "tool"


def test_a_start_frame_after_the_end_frame_keeps_the_run_done():
    tree = feed(
        RunTree(),
        frame("on_chain_end", "n1", [ROOT], data={"output": 1}),
        frame("on_chain_start", "n1", [ROOT], data={"input": 0}),
    )
    node = tree.get("n1")
    assert (node.status, node.inputs, node.outputs) == ("done", 0, 1)


def test_len_get_and_nodes_follow_first_seen_order():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        frame("on_chain_start", "b", [ROOT]),
        frame("on_chain_start", "a", [ROOT]),
        frame("on_chain_end", "b", [ROOT]),
    )
    assert len(tree) == 3
    assert [n.run_id for n in tree.nodes] == [ROOT, "b", "a"]
    assert tree.get("missing") is None


# -- hostile orderings --------------------------------------------------------------------------


def test_child_arriving_before_its_parent_appears_under_it_once_the_parent_arrives():
    tree = RunTree()
    feed(tree, frame("on_chain_start", "child", [ROOT, "parent"]))
    assert [n.run_id for n in tree.roots()] == ["child"]
    feed(tree, frame("on_chain_start", "parent", [ROOT]), frame("on_chain_start", ROOT, []))
    assert [n.run_id for n in tree.roots()] == [ROOT]
    assert [n.run_id for n in tree.children("parent")] == ["child"]


def test_grandchild_before_child_before_parent_builds_the_whole_chain():
    tree = feed(
        RunTree(),
        frame("on_chat_model_start", "grandchild", [ROOT, "parent", "child"]),
        frame("on_chain_start", "child", [ROOT, "parent"]),
        frame("on_chain_start", "parent", [ROOT]),
        frame("on_chain_start", ROOT, []),
    )
    assert [n.run_id for n in tree.roots()] == [ROOT]
    assert [n.run_id for n in tree.children(ROOT)] == ["parent"]
    assert [n.run_id for n in tree.children("parent")] == ["child"]
    assert [n.run_id for n in tree.children("child")] == ["grandchild"]


def test_a_node_whose_parent_never_arrives_is_shown_at_the_top_level():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        frame("on_tool_start", "orphan", [ROOT, "never-seen"]),
    )
    assert [n.run_id for n in tree.roots()] == [ROOT, "orphan"]
    assert tree.get("orphan").parent_id == "never-seen"


def test_parallel_siblings_keep_their_arrival_order():
    siblings = ["s3", "s1", "s2"]
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        *[frame("on_chain_start", s, [ROOT]) for s in siblings],
        frame("on_chain_end", "s2", [ROOT]),
        frame("on_chain_end", "s3", [ROOT]),
    )
    assert [n.run_id for n in tree.children(ROOT)] == siblings


def test_a_subgraph_nested_four_levels_deep_links_each_run_to_its_last_parent_id():
    ids = [ROOT, "l1", "l2", "l3", "l4"]
    tree = feed(RunTree(), *[frame("on_chain_start", ids[i], ids[:i]) for i in range(5)])
    for parent, child in itertools.pairwise(ids):
        assert [n.run_id for n in tree.children(parent)] == [child]
    assert tree.get("l4").parent_id == "l3"


def test_a_frame_without_parent_ids_is_linked_by_a_later_frame_that_has_them():
    f = frame("on_chat_model_start", "m1", [ROOT, "n1"])
    del f["parent_ids"]
    tree = feed(RunTree(), f, model_stream("m1", [ROOT, "n1"], {"content": "x"}))
    assert tree.get("m1").parent_id == "n1"
    assert not tree.get("m1").is_root


def test_parent_ids_that_would_make_a_cycle_leave_the_node_at_the_top_level():
    tree = feed(
        RunTree(),
        frame("on_chain_start", "a", ["b"]),
        frame("on_chain_start", "b", ["a"]),
    )
    assert [n.run_id for n in tree.roots()] == ["b"]
    assert [n.run_id for n in tree.children("b")] == ["a"]


# -- malformed and unknown frames ---------------------------------------------------------------


def test_a_frame_without_run_id_is_ignored():
    tree = RunTree()
    assert tree.apply({"event": "on_chain_start", "name": "x"}, 1.0) is None
    assert len(tree) == 0


def test_an_unknown_event_type_still_creates_a_node_of_kind_other():
    tree = RunTree()
    node = tree.apply(frame("something_new", "n1", [ROOT], name="mystery"), 1.0)
    assert node is tree.get("n1")
    assert (node.kind, node.name, node.status) == ("other", "mystery", "running")


def test_an_unknown_kind_is_kept_from_the_event_name():
    tree = feed(RunTree(), frame("on_embedding_start", "n1", [ROOT]))
    assert tree.get("n1").kind == "embedding"


def test_a_custom_event_does_not_rename_the_run_it_belongs_to():
    tree = feed(
        RunTree(),
        frame("on_chain_start", "n1", [ROOT], name="agent"),
        frame("on_custom_event", "n1", [ROOT], name="progress", data={"pct": 50}),
    )
    node = tree.get("n1")
    assert (node.name, node.kind, node.status) == ("agent", "chain", "running")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"name": None}, id="no-name"),
        pytest.param({"data": None}, id="no-data"),
        pytest.param({"parent_ids": None}, id="no-parent-ids"),
        pytest.param({"parent_ids": "run-root"}, id="parent-ids-not-a-list"),
        pytest.param({"parent_ids": [None, 3]}, id="parent-ids-not-strings"),
        pytest.param({"data": "text"}, id="data-not-a-dict"),
        pytest.param({"tags": "a,b"}, id="tags-not-a-list"),
        pytest.param({"metadata": ["x"]}, id="metadata-not-a-dict"),
        pytest.param(
            {"metadata": {"langgraph_step": "3", "langgraph_node": 7}}, id="metadata-types"
        ),
        pytest.param({"event": None}, id="no-event"),
        pytest.param({"event": 42}, id="event-not-a-string"),
        pytest.param({"name": ["x"]}, id="name-not-a-string"),
    ],
)
def test_a_frame_with_missing_or_mistyped_fields_still_makes_a_node(changes):
    f = frame("on_chain_start", "n1", [ROOT], name="agent", data={"input": 1})
    for key, value in changes.items():
        if value is None:
            del f[key]
        else:
            f[key] = value
    tree = RunTree()
    node = tree.apply(f, 1.0)
    assert node is tree.get("n1")
    assert len(tree.roots()) == 1


@pytest.mark.parametrize("event", [None, [], "text", 3, {"run_id": 5}, {"run_id": ""}])
def test_a_frame_that_is_not_usable_returns_none(event):
    assert RunTree().apply(event, 1.0) is None


def test_random_junk_frames_never_raise():
    rng = random.Random(7)
    values = [None, 0, -1, 1.5, "", "x", "on_", "on_chain_", [], {}, ["a"], {"a": 1}, True]
    names = ["on_chain_start", "on_chat_model_stream", "on_tool_end", "on_llm_error", "zzz"]
    keys = ["event", "name", "run_id", "tags", "metadata", "data", "parent_ids"]
    tree = RunTree()
    for i in range(2000):
        f = {key: rng.choice(values) for key in keys if rng.random() < 0.8}
        if rng.random() < 0.7:
            f["event"] = rng.choice(names)
            f["run_id"] = rng.choice(["a", "b", "c", ROOT])
            f["parent_ids"] = rng.choice([[], [ROOT], [ROOT, "a"], ["b"], ["c", "a"], None])
            f["data"] = rng.choice([{}, {"chunk": rng.choice(values)}, {"output": "x"}, None])
        tree.apply(f, rng.choice([float(i), None, "late"]))
    tree.finish("error", "boom")
    assert all(node.status != "running" for node in tree.nodes)


# -- model streams ------------------------------------------------------------------------------


def test_model_stream_chunks_with_string_content_concatenate_into_streamed_text():
    parents = [ROOT, "n1"]
    tree = feed(
        RunTree(),
        frame("on_chat_model_start", "m1", parents),
        *[model_stream("m1", parents, {"content": t}) for t in ["It ", "is ", "sunny"]],
    )
    node = tree.get("m1")
    assert node.streamed_text == "It is sunny"
    assert node.chunk_count == 3


def test_model_stream_chunks_with_content_blocks_keep_only_text_blocks():
    parents = [ROOT, "n1"]
    blocks = [
        [{"type": "text", "text": "Hel"}],
        [{"type": "tool_use", "id": "t", "input": {}}, {"type": "text", "text": "lo"}],
        [],
    ]
    tree = feed(RunTree(), *[model_stream("m1", parents, {"content": b}) for b in blocks])
    assert tree.get("m1").streamed_text == "Hello"


def test_a_chunk_without_content_is_counted_but_adds_no_text():
    parents = [ROOT, "n1"]
    tree = feed(
        RunTree(),
        model_stream("m1", parents, {"content": "a"}),
        model_stream("m1", parents, {"chunk_position": "last"}),
        model_stream("m1", parents, None),
    )
    node = tree.get("m1")
    assert (node.streamed_text, node.chunk_count) == ("a", 3)


def test_llm_stream_chunks_accumulate_text_too():
    tree = feed(
        RunTree(),
        frame("on_llm_start", "m1", [ROOT]),
        frame("on_llm_stream", "m1", [ROOT], data={"chunk": {"text": "ab"}}),
        frame("on_llm_stream", "m1", [ROOT], data={"chunk": "c"}),
    )
    assert tree.get("m1").streamed_text == "abc"
    assert tree.model_runs() == [tree.get("m1")]


def test_tool_call_chunks_merge_fragments_by_index_into_complete_calls():
    parents = [ROOT, "n1"]
    fragments = [
        [{"name": "get_weather", "args": "", "id": "call_1", "index": 0}],
        [{"name": None, "args": '{"ci', "id": None, "index": 0}],
        [{"name": "search", "args": '{"q":', "id": "call_2", "index": 1}],
        [{"name": None, "args": 'ty": "sf"}', "id": None, "index": 0}],
        [{"name": None, "args": ' "x"}', "id": None, "index": 1}],
    ]
    tree = feed(
        RunTree(),
        *[model_stream("m1", parents, {"content": "", "tool_call_chunks": f}) for f in fragments],
    )
    calls = [{k: c[k] for k in ("id", "name", "args")} for c in tree.get("m1").tool_call_chunks]
    assert calls == [
        {"id": "call_1", "name": "get_weather", "args": '{"city": "sf"}'},
        {"id": "call_2", "name": "search", "args": '{"q": "x"}'},
    ]


def test_stream_frames_fold_into_their_run_instead_of_making_nodes():
    parents = [ROOT, "n1"]
    tree = feed(
        RunTree(),
        frame("on_chain_start", "n1", [ROOT]),
        frame("on_chat_model_start", "m1", parents),
        *[model_stream("m1", parents, {"content": "x"}) for _ in range(50)],
        frame("on_chain_stream", "n1", [ROOT], data={"chunk": {"messages": []}}),
    )
    assert len(tree) == 2


def test_chain_stream_frames_only_refresh_the_last_seen_time():
    tree = RunTree()
    tree.apply(frame("on_chain_start", "n1", [ROOT]), 1.0)
    tree.apply(frame("on_chain_stream", "n1", [ROOT], data={"chunk": {"big": "x"}}), 2.0)
    node = tree.get("n1")
    assert (node.last_seen_at, node.outputs, node.chunk_count) == (2.0, None, 0)
    assert node.status == "running"


def test_model_runs_and_tool_runs_come_in_start_order():
    tree = feed(
        RunTree(),
        frame("on_chat_model_start", "m1", [ROOT, "a1"]),
        frame("on_tool_start", "t1", [ROOT, "tool"], name="get_weather"),
        frame("on_chat_model_start", "m2", [ROOT, "a2"]),
    )
    assert [n.run_id for n in tree.model_runs()] == ["m1", "m2"]
    assert [n.run_id for n in tree.tool_runs()] == ["t1"]


def test_output_text_reads_a_message_content_or_a_string():
    tree = feed(
        RunTree(),
        frame("on_tool_end", "t1", [ROOT], data={"output": {"content": "sunny", "type": "tool"}}),
        frame("on_chain_end", "c1", [ROOT], data={"output": "tool"}),
        frame(
            "on_chat_model_end",
            "m1",
            [ROOT],
            data={"output": {"content": [{"type": "text", "text": "hi"}]}},
        ),
    )
    assert [tree.get(i).output_text for i in ("t1", "c1", "m1")] == ["sunny", "tool", "hi"]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("on_chat_model_stream", ("chat_model", "stream")),
        ("on_chain_start", ("chain", "start")),
        ("on_tool_error", ("tool", "error")),
        ("on_retriever_end", ("retriever", "end")),
        ("on_custom_event", ("other", None)),
        ("on_start", ("other", None)),
        ("chain_start", ("other", None)),
        (None, ("other", None)),
    ],
)
def test_event_names_split_into_kind_and_phase(event, expected):
    assert parse_event_name(event) == expected


# -- errors, cancel, end of stream --------------------------------------------------------------


def test_an_error_frame_marks_its_run_error_with_the_message():
    tree = feed(
        RunTree(),
        frame("on_tool_start", "t1", [ROOT]),
        frame("on_tool_error", "t1", [ROOT], data={"error": "ValueError('boom')"}),
    )
    node = tree.get("t1")
    assert (node.status, node.error) == ("error", "ValueError('boom')")
    assert node.ended_at is not None


def test_finish_error_puts_the_message_on_the_deepest_open_node_and_the_root():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        graph_node("n1", "tool"),
        frame("on_tool_start", "t1", [ROOT, "n1"]),
        graph_node("done-node", "agent"),
        frame("on_chain_end", "done-node", [ROOT]),
    )
    tree.finish("error", "ValueError: boom")
    assert (tree.get("t1").status, tree.get("t1").error) == ("error", "ValueError: boom")
    assert (tree.get(ROOT).status, tree.get(ROOT).error) == ("error", "ValueError: boom")
    assert (tree.status, tree.error) == ("error", "ValueError: boom")


def test_finish_error_marks_intermediate_open_nodes_error_without_the_message():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        graph_node("n1", "tool"),
        frame("on_tool_start", "t1", [ROOT, "n1"]),
    )
    tree.finish("error", "boom")
    assert (tree.get("n1").status, tree.get("n1").error) == ("error", None)


def test_finish_error_leaves_closed_nodes_alone():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        frame("on_chat_model_start", "m1", [ROOT]),
        frame("on_chat_model_end", "m1", [ROOT]),
    )
    tree.finish("error", "boom")
    assert (tree.get("m1").status, tree.get("m1").error) == ("done", None)


def test_partial_streamed_text_is_kept_after_an_error():
    parents = [ROOT, "n1"]
    tree = feed(
        RunTree(),
        frame("on_chat_model_start", "m1", parents),
        model_stream("m1", parents, {"content": "Half an ans"}),
    )
    tree.finish("error", "boom")
    assert tree.get("m1").streamed_text == "Half an ans"
    assert tree.get("m1").status == "error"


def test_finish_cancelled_marks_open_nodes_cancelled_and_keeps_finished_ones():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        graph_node("n1", "agent"),
        frame("on_chain_end", "n1", [ROOT]),
        graph_node("n2", "tool"),
    )
    tree.finish("cancelled", at=200.0)
    assert [n.status for n in tree.nodes] == ["cancelled", "done", "cancelled"]
    assert tree.get("n2").ended_at == 200.0
    assert (tree.status, tree.error) == ("cancelled", None)
    assert tree.get(ROOT).error is None


def test_clean_end_of_stream_with_open_nodes_marks_them_unfinished_not_failed():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        graph_node("n1", "agent"),
        frame("on_chain_end", ROOT, []),
    )
    tree.finish("done", at=300.0)
    assert tree.get("n1").status == "unfinished"
    assert tree.get("n1").error is None
    assert tree.get("n1").ended_at == 300.0
    assert (tree.status, tree.error) == ("done", None)


def test_an_interrupted_run_marks_the_nodes_still_open_interrupted():
    # What the server sends at an interrupt(): the node never ends, the root does.
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        graph_node("n1", "agent"),
        frame("on_chain_end", "n1", [ROOT]),
        graph_node("n2", "ask"),
        frame("on_chain_end", ROOT, []),
    )
    tree.finish("interrupted")
    assert [n.status for n in tree.nodes] == ["done", "done", "interrupted"]
    assert (tree.status, tree.error) == ("interrupted", None)


def test_a_custom_event_is_a_leaf_under_the_run_that_sent_it():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        graph_node("n1", "research"),
        {
            "event": "on_custom_event",
            "name": "progress",
            "run_id": "n1",
            "parent_ids": [ROOT],
            "data": {"step": "searching"},
        },
        {"event": "on_custom_event", "name": "progress", "run_id": "n1", "data": "plain"},
    )
    events = tree.children("n1")
    assert [(e.kind, e.name, e.status, e.outputs) for e in events] == [
        ("custom_event", "progress", "done", {"step": "searching"}),
        ("custom_event", "progress", "done", "plain"),
    ]
    assert len({e.run_id for e in events} | {"n1"}) == 3
    assert tree.get("n1").status == "running"  # the sender is untouched


def test_thinking_and_answer_chunks_are_kept_and_counted_apart():
    tree = feed(RunTree(), frame("on_chat_model_start", "m1", [ROOT]))
    chunks = [
        [{"type": "thinking", "thinking": "Let me ", "index": 0}],
        [{"type": "thinking", "thinking": "think.", "index": 0}],
        [{"type": "thinking", "signature": "c2ln", "index": 0}],
        [{"type": "text", "text": "Hello", "index": 1}],
        [{"type": "reasoning", "reasoning": " More."}],
        "",
    ]
    for chunk in chunks:
        tree.apply(
            {
                "event": "on_chat_model_stream",
                "run_id": "m1",
                "data": {"chunk": {"content": chunk}},
            },
            2.0,
        )
    node = tree.get("m1")
    assert (node.streamed_text, node.streamed_thinking) == ("Hello", "Let me think. More.")
    assert (node.answer_tokens, node.thinking_tokens, node.chunk_count) == (1, 3, 6)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param([{"type": "thinking", "thinking": "a"}], "a", id="anthropic"),
        pytest.param([{"type": "thinking", "signature": "s"}], "", id="signature"),
        pytest.param(
            [{"type": "redacted_thinking", "data": "x"}], "[redacted thinking]", id="redacted"
        ),
        pytest.param([{"type": "reasoning", "reasoning": "b"}], "b", id="langchain-v1"),
        pytest.param(
            [{"type": "reasoning", "summary": [{"type": "summary_text", "text": "c"}]}],
            "c",
            id="openai-summary",
        ),
        pytest.param([{"type": "text", "text": "answer"}], "", id="text-only"),
        pytest.param("plain answer", "", id="string"),
    ],
)
def test_thinking_text_reads_every_block_format(content, expected):
    assert thinking_text({"content": content}) == expected


def test_clean_end_of_stream_with_every_node_closed_is_done():
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, []),
        frame("on_chain_end", ROOT, []),
    )
    tree.finish("done")
    assert (tree.status, tree.error, tree.ended_at) == ("done", None, 100.01)


def test_only_the_first_finish_counts():
    tree = feed(RunTree(), frame("on_chain_start", ROOT, []))
    tree.finish("error", "boom")
    tree.finish("done")
    assert (tree.status, tree.error) == ("error", "boom")
    assert tree.get(ROOT).error == "boom"


def test_finish_on_an_empty_tree_records_the_status():
    tree = RunTree()
    tree.finish("cancelled")
    assert tree.status == "cancelled"
    assert len(tree) == 0


def test_repeated_runs_in_one_thread_are_separate_trees():
    first = feed(RunTree(), frame("on_chain_start", "run-1", [], name="agent"))
    second = feed(RunTree(), frame("on_chain_start", "run-2", [], name="agent"))
    first.finish("done")
    assert (first.run_id, second.run_id) == ("run-1", "run-2")
    assert first.get("run-2") is None
    assert second.get("run-1") is None
    assert second.status == "running"


# -- a model's live numbers ---------------------------------------------------------------------


def model_start(run_id="m1"):
    return frame("on_chat_model_start", run_id, [ROOT], name="Model")


def test_time_to_first_token_and_speed_count_from_the_first_streamed_text():
    tree = RunTree()
    tree.apply(model_start(), 100.0)
    tree.apply(model_stream("m1", [ROOT], {"content": ""}), 100.1)  # an empty opening chunk
    for i, at in enumerate((100.25, 100.35, 100.45)):
        tree.apply(model_stream("m1", [ROOT], {"content": f"w{i} "}), at)
    model = tree.get("m1")
    assert model.time_to_first_token == pytest.approx(0.25)
    assert model.tokens_per_second == pytest.approx(10.0)  # 2 more tokens in 0.2 s


def test_a_model_that_only_calls_a_tool_has_a_first_token_and_a_speed():
    tree = RunTree()
    tree.apply(model_start(), 100.0)
    pieces = [{"name": "get_weather", "args": "", "id": "call_1", "index": 0}]
    pieces += [{"args": piece, "index": 0} for piece in ('{"city"', ': "SF"', "}")]
    for i, piece in enumerate(pieces):
        chunk = {"content": "", "tool_call_chunks": [piece]}
        tree.apply(model_stream("m1", [ROOT], chunk), 100.2 + i * 0.1)
    tree.apply(model_stream("m1", [ROOT], {"content": "", "tool_call_chunks": []}), 101.0)
    model = tree.get("m1")
    assert model.time_to_first_token == pytest.approx(0.2)
    assert model.tokens_per_second == pytest.approx(10.0)  # 4 chunks over 0.3 s
    assert model.answer_tokens == 0
    assert model.tool_call_chunks == [
        {"index": 0, "id": "call_1", "name": "get_weather", "args": '{"city": "SF"}'}
    ]


def test_a_chunk_that_only_adds_a_token_is_counted_not_changed():
    """A view redraws changed nodes at once and counted ones at its own pace: a model's
    first token, its first speed and its usage change the node, later tokens only count."""
    parents = (ROOT, "node")
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, name="graph"),
        frame("on_chat_model_start", "model", parents, name="Model"),
    )

    def after(chunk: dict) -> tuple[list[str], list[str]]:
        revision = tree.revision
        tree.apply(model_stream("model", parents, chunk), 100.0 + tree.revision)
        changed = [node.run_id for node in tree.changed_since(revision)]
        counted = [node.run_id for node in tree.counted_since(revision)]
        return changed, counted

    assert after({"content": "It"}) == (["model"], [])  # the first token
    assert after({"content": " is"}) == (["model"], [])  # a speed
    assert after({"content": " sunny"}) == ([], ["model"])
    assert after({"content": "", "usage_metadata": {"input_tokens": 9}}) == (["model"], [])
    assert after({"content": "."}) == ([], ["model"])
    assert tree.get("model").answer_tokens == 4


def test_a_models_usage_adds_up_over_its_chunks_as_langchain_adds_them(monkeypatch):
    """The thinker streams usage as `langchain-anthropic` does (input tokens on the first
    chunk, output on the last): run in-process, its events through JSON as the server sends
    them, the model's node has its input tokens from the first chunk on, and the whole call's
    counts once the last chunk is in, before its end event says them again."""
    monkeypatch.setenv("DEMO_TOKEN_DELAY", "0")
    from demo_agent.thinker import graph

    async def usage_by_event() -> list[tuple[str, dict[str, int]]]:
        tree, seen = RunTree(), []
        events = graph.astream_events({"messages": [("human", "Hello there?")]}, version="v2")
        async for event in events:
            event = json.loads(json.dumps(event, default=_as_json))
            tree.apply(event, time.monotonic())
            models = tree.model_runs()
            if models and event["run_id"] == models[0].run_id:
                seen.append((event["event"], dict(models[0].usage)))
        return seen

    seen = asyncio.run(usage_by_event())
    chunks = [usage for event, usage in seen if event == "on_chat_model_stream"]
    streamed = len(chunks) - 1  # the demo counts a token per chunk it streams
    whole = {"input_tokens": 2, "output_tokens": streamed, "total_tokens": 2 + streamed}
    first = {"input_tokens": 2, "output_tokens": 0, "total_tokens": 2}
    assert chunks == [first] * (len(chunks) - 2) + [whole] * 2  # LangChain ends on an empty chunk
    assert seen[-1] == ("on_chat_model_end", whole)


def _usage(input_tokens: int, output_tokens: int, reasoning: int = 0) -> dict:
    usage = {"input_tokens": input_tokens, "output_tokens": output_tokens}
    usage["total_tokens"] = input_tokens + output_tokens
    if reasoning:
        usage["output_token_details"] = {"reasoning": reasoning}
    return usage


# Five chunks 0.1 s apart, as providers stream them through LangChain (usage as deltas).
SPEEDS = {
    # Gemini: a sentence a chunk, each with its share of the output tokens
    "coarse chunks": (
        [{"content": "A whole sentence.", "usage_metadata": _usage(9 if i == 0 else 0, 20)}
         for i in range(5)],
        (100 - 1) / 0.4,
    ),
    # OpenAI's reasoning models: a token a chunk, usage last, counting the hidden reasoning
    "unstreamed reasoning": (
        [{"content": "tok"} for _ in range(4)]
        + [{"content": "tok", "usage_metadata": _usage(9, 1005, reasoning=1000)}],
        (5 - 1) / 0.4,
    ),
    # ... or streaming a short summary of it first
    "reasoning summary": (
        [{"content": [{"type": "reasoning", "reasoning": "hmm"}]} for _ in range(2)]
        + [{"content": "tok"} for _ in range(2)]
        + [{"content": "tok", "usage_metadata": _usage(9, 1003, reasoning=1000)}],
        (5 - 1) / 0.4,
    ),
    # Anthropic: input tokens first, output last; several tokens a chunk
    "output last": (
        [{"content": "Some words", "usage_metadata": _usage(9, 0)}]
        + [{"content": " more words"} for _ in range(3)]
        + [{"content": ".", "usage_metadata": _usage(0, 41)}],
        (41 - 1) / 0.4,
    ),
}  # fmt: skip


@pytest.mark.parametrize("chunks, speed", SPEEDS.values(), ids=SPEEDS.keys())
def test_a_models_speed_counts_the_tokens_it_streamed_whatever_its_chunks_hold(chunks, speed):
    tree = RunTree()
    tree.apply(frame("on_chat_model_start", "model", [ROOT], name="Model"), 100.0)
    for i, chunk in enumerate(chunks):
        tree.apply(model_stream("model", [ROOT], chunk), 100.5 + i / 10)
    assert tree.get("model").tokens_per_second == pytest.approx(speed)


def test_a_run_left_open_inside_one_that_ended_raised_an_error_it_handled():
    """The event stream reports no errors of models or chains: a run still open when its
    parent ends failed, and the parent went on (a fallback ran next). The graph's root ending
    leaves its open nodes to `finish`: that is how an interrupt ends."""
    tree = feed(
        RunTree(),
        frame("on_chain_start", ROOT, [], name="agent"),
        graph_node("node", "model"),
        frame("on_chat_model_start", "primary", [ROOT, "node"], name="Primary"),
        frame("on_chat_model_start", "fallback", [ROOT, "node"], name="Fallback"),
        frame("on_chat_model_end", "fallback", [ROOT, "node"], name="Fallback"),
        frame("on_chain_start", "asked", [ROOT], name="ask"),
        frame("on_chain_end", "node", [ROOT], name="model"),
        frame("on_chain_end", ROOT, [], name="agent"),
    )
    primary = tree.get("primary")
    assert (primary.status, primary.ended_at) == ("error", tree.get("fallback").started_at)
    assert 'raised an error that "model" handled' in (primary.error or "")
    assert tree.get("asked").is_open  # under the root: maybe interrupted
    tree.finish("interrupted")
    assert tree.get("asked").status == "interrupted"


def _as_json(value):
    """What the server's serializer makes of a message (pydantic) or a `Command` (dataclass)."""
    return value.model_dump() if hasattr(value, "model_dump") else dataclasses.asdict(value)


def tree_of_run(graph, input: dict) -> RunTree:
    """``graph`` run in-process, its events through JSON as the server sends them; the tree
    as it stands when the stream ends (not finished)."""

    async def run() -> RunTree:
        tree = RunTree()
        async for event in graph.astream_events(input, version="v2"):
            event = json.loads(json.dumps(event, default=_as_json))
            tree.apply(event, time.monotonic())
        return tree

    return asyncio.run(run())


def test_a_handoff_to_the_parent_graph_ends_the_subgraph_when_the_next_step_starts():
    """A subgraph's node hands over with `Command(graph=Command.PARENT)`: LangGraph reports no
    end for it, its subgraph or the parent's task, but the parent's next step starts only once
    they are over."""

    def worker(state: MessagesState) -> Command:
        return Command(graph=Command.PARENT, goto="finish", update={"messages": [("ai", "over")]})

    inner = StateGraph(MessagesState)
    inner.add_node("worker", worker)
    inner.add_edge(START, "worker")
    outer = StateGraph(MessagesState)
    outer.add_node("agent", inner.compile())
    outer.add_node("finish", lambda state: {"messages": [("ai", "done")]})
    outer.add_edge(START, "agent")
    outer.add_edge("finish", END)
    tree = tree_of_run(outer.compile(), {"messages": [("human", "hi")]})

    finish = next(node for node in tree.nodes if node.name == "finish")
    handed_over = [node for node in tree.nodes if node.name in ("agent", "worker")]
    assert len(handed_over) == 2
    for node in handed_over:
        assert node.status == "done" and "went on to step 2" in node.note
        assert node.ended_at is not None and node.ended_at <= finish.started_at
    assert not any(node.is_open for node in tree.nodes)


def test_a_node_retried_by_its_retry_policy_failed_once_the_next_step_starts():
    calls = []

    def flaky(state: MessagesState) -> dict:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("the network dropped")
        return {"messages": [("ai", "fetched")]}

    builder = StateGraph(MessagesState)
    retry = RetryPolicy(initial_interval=0.01, retry_on=ConnectionError)
    builder.add_node("fetch", flaky, retry_policy=retry)
    builder.add_node("after", lambda state: {"messages": [("ai", "after")]})
    builder.add_edge(START, "fetch")
    builder.add_edge("fetch", "after")
    builder.add_edge("after", END)
    tree = tree_of_run(builder.compile(), {"messages": [("human", "hi")]})

    failed, retried = [node for node in tree.nodes if node.name == "fetch"]
    assert (failed.status, retried.status) == ("error", "done")
    assert "handled" in (failed.error or "")
    assert failed.ended_at == retried.started_at
