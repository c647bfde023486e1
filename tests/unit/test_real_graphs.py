"""Recorded streams of graphs built the way LangGraph users build them (demo_agent/), folded into
the run tree and the chat: interrupts, handled tool errors, thinking, custom events, Send."""

from app.run_tree import RunTree, build_rows, flatten_rows, node_details
from app.transcript import run_messages
from demo_agent.middleware import SUMMARY
from tests.unit.sse import recorded_parts


def tree_of(name: str) -> RunTree:
    tree = RunTree()
    for at, part in enumerate(recorded_parts(name)):
        if part.event == "events":
            tree.apply(part.data, float(at))
    return tree


def rows_of(tree: RunTree) -> list[tuple[str, str, str]]:
    return [(r.kind, r.name, r.status) for r in flatten_rows(build_rows(tree, 1000.0))]


def test_an_approval_interrupt_leaves_its_middleware_node_interrupted_and_the_call_pending():
    tree = tree_of("approval")
    tree.finish("interrupted")

    assert ("chain", "HumanInTheLoopMiddleware.after_model", "interrupted") in rows_of(tree)
    assert [s for _, _, s in rows_of(tree)].count("interrupted") == 1
    messages = run_messages(tree)
    assert [(m.role, m.status) for m in messages] == [("assistant", "done"), ("tool", "pending")]
    assert (messages[1].tool_name, messages[1].tool_args) == (
        "get_weather",
        '{"city": "San Francisco"}',
    )


def test_the_same_stream_ending_without_an_interrupt_is_unfinished_not_failed():
    tree = tree_of("approval")
    tree.finish("done")

    statuses = {status for _, _, status in rows_of(tree)}
    assert "error" not in statuses and "unfinished" in statuses
    assert tree.status == "done"


def test_the_resumed_run_runs_the_edited_call_and_answers_from_it():
    messages = run_messages(tree_of("approval_resumed"))

    tool = next(m for m in messages if m.role == "tool")
    assert (tool.tool_args, tool.tool_output, tool.status) == (
        '{"city": "Paris"}',
        "64 degrees and sunny",
        "done",
    )
    assert "Paris" in messages[-1].content


def test_a_handled_tool_error_shows_the_real_error_not_the_servers_mask():
    tree = tree_of("flaky")
    tool = next(m for m in run_messages(tree) if m.role == "tool")

    assert tool.status == "error"
    assert "The weather service did not answer for San Francisco" in tool.tool_output
    assert "internal error" not in tool.tool_output


def test_a_model_a_fallback_replaced_failed_once_its_node_went_on():
    """The event stream reports no model errors: the out-of-service model's calls just never
    end. Each is an error (handled) once the `model` node that ran the fallback ends, while
    the run still streams; the middleware's own summary call is in the tree, not in the chat."""
    tree = tree_of("middleware")
    failed = [node for node in tree.model_runs() if node.name == "UnavailableModel"]
    assert len(failed) == 2 and not tree.is_finished
    for node in failed:
        assert node.status == "error"
        assert 'raised an error that "model" handled' in (node.error or "")
    fallbacks = [node for node in tree.model_runs() if node.name == "DemoChatModel"]
    fallbacks = [node for node in fallbacks if not node.nostream]
    assert [node.ended_at for node in failed] == [node.started_at for node in fallbacks]
    answers = [(m.role, m.content) for m in run_messages(tree) if m.role == "assistant"]
    assert answers == [
        ("assistant", "Let me check the weather in London."),
        ("assistant", "It's 55 degrees with light rain in London. Don't forget an umbrella!"),
    ]
    summarizer = next(node for node in tree.model_runs() if node.nostream)
    assert summarizer.streamed_text == SUMMARY


def test_thinking_streams_apart_from_the_answer_and_is_counted_apart():
    tree = tree_of("thinker")
    model = tree.model_runs()[0]
    bubble = run_messages(tree)[0]

    assert bubble.thinking.startswith("The person wrote to me.")
    assert "demo-signature" not in bubble.thinking + bubble.content
    assert "wrote to me" not in bubble.content
    assert bubble.content.startswith("I'm the demo agent")
    assert model.thinking_tokens > 0 and model.answer_tokens > 0
    assert model.answer_tokens + model.thinking_tokens < model.chunk_count  # signature, last


def test_custom_events_are_leaves_of_the_node_that_sent_them_in_arrival_order():
    tree = tree_of("research")
    node = next(n for n in tree.nodes if n.name == "research" and not n.is_root)
    children = [(c.kind, c.name) for c in tree.children(node.run_id)]

    assert children == [
        ("custom_event", "progress"),
        ("retriever", "Library"),
        ("custom_event", "progress"),
        ("chain", "RunnableSequence"),
        ("custom_event", "progress"),
    ]
    first = tree.children(node.run_id)[0]
    assert first.outputs == {"step": "searching the library"}


def test_a_retriever_lists_its_documents_and_a_prompt_its_rendered_messages():
    tree = tree_of("research")
    retriever = next(n for n in tree.nodes if n.kind == "retriever")
    prompt = next(n for n in tree.nodes if n.kind == "prompt")

    documents = next(d for d in node_details(retriever) if d.label.startswith("Documents"))
    assert documents.label == "Documents (1)"
    assert "Paris is mild in spring" in documents.value and "climate.md" in documents.value
    rendered = next(d for d in node_details(prompt) if d.label == "Rendered messages")
    assert rendered.value.startswith("system: Notes:")
    assert "human: Is Paris mild in spring?" in rendered.value


def test_send_branches_are_told_apart_by_their_input_and_both_wait():
    tree = tree_of("review")
    tree.finish("interrupted")
    branches = [r for r in flatten_rows(build_rows(tree, 1000.0)) if r.name == "review_section"]

    assert [(b.summary, b.status) for b in branches] == [
        ("section: Trip, part 1", "interrupted"),
        ("section: Trip, part 2", "interrupted"),
    ]
    plan = next(r for r in flatten_rows(build_rows(tree, 1000.0)) if r.name == "plan")
    assert plan.summary == ""  # not started by Send
