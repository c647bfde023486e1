"""What the page gets of a run: messages, the answers' text deltas and the tree's deltas."""

from app.run_tree import RunTree
from app.run_view import ShownTree, TextDelta, text_deltas, tree_delta, view_run
from app.transcript import ChatMessage
from tests.unit.sse import recorded_events


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
    assert changed and all(len(row) < len(whole_rows[0]) / 2 for row in changed)
    assert later.totals.model_calls == 2 and later.totals.tool_calls == 1

    assert tree_delta(full, shown, 70.0, False, True)[0] is None


def test_token_counts_wait_for_the_tick_but_a_first_speed_does_not():
    events = recorded_events("weather")
    cut = first_text_index(events, 1)
    _, shown = tree_delta(tree_after(events[: cut + 1]), ShownTree(), 10.0, False, True)

    speed_known = tree_after(events[: cut + 3])
    first, shown = tree_delta(speed_known, shown, 10.1, False, False)
    assert [set(row) - {"run_id"} for row in first.rows] == [{"answer_tokens", "tokens_per_s"}]

    more_tokens = tree_after(events[: cut + 5])
    assert tree_delta(more_tokens, shown, 10.2, False, False)[0] is None
    due, _ = tree_delta(more_tokens, shown, 10.6, False, True)
    assert [set(row) - {"run_id"} for row in due.rows] == [{"answer_tokens"}]  # same speed


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
