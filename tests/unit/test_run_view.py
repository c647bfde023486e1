"""What the page shows of a run: messages, the live answer's delta and the tree rows."""

from app.run_tree import RunTree
from app.run_view import LiveText, TextDelta, text_deltas, view_run
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


def test_the_answer_being_streamed_is_live_text_not_a_message():
    events = recorded_events("weather")
    tree = tree_after(events[: first_text_index(events, 1) + 3])
    question = ChatMessage("user", "What's the weather in SF?")

    view = view_run(tree, [question], LiveText(), now=10.0, hide_plumbing=False)

    assert view.messages == [question]
    assert view.live.run_id == tree.model_runs()[0].run_id
    assert view.deltas == [TextDelta(view.live.run_id, 0, view.live.text)]
    assert view.live.text.startswith("Let me")
    assert [row.name for row in view.rows] == ["agent"]


def test_only_the_new_text_is_sent_and_nothing_when_the_page_has_it_all():
    events = recorded_events("weather")
    cut = first_text_index(events, 1)
    earlier = view_run(tree_after(events[: cut + 2]), [], LiveText(), now=0, hide_plumbing=False)
    later = view_run(tree_after(events[: cut + 4]), [], earlier.live, now=0, hide_plumbing=False)

    [delta] = later.deltas
    assert delta.offset == len(earlier.live.text)
    assert earlier.live.text + delta.text == later.live.text
    assert text_deltas(later.live, later.live) == []


def test_a_finished_model_call_becomes_a_message_and_the_next_one_streams_from_zero():
    events = recorded_events("weather")
    tree = tree_after(events[: first_text_index(events, 2) + 1])
    shown = LiveText(tree.model_runs()[0].run_id, "Let me check")

    view = view_run(tree, [ChatMessage("user", "q")], shown, now=0, hide_plumbing=False)

    assert [m.role for m in view.messages] == ["user", "assistant", "tool"]
    assert view.live.run_id == tree.model_runs()[1].run_id
    assert [d.offset for d in view.deltas] == [0]


def test_viewing_the_same_run_again_replaces_its_messages_instead_of_repeating_them():
    tree = tree_after(recorded_events("weather"))
    tree.finish("done")
    first = view_run(tree, [ChatMessage("user", "q")], LiveText(), now=0, hide_plumbing=False)
    again = view_run(tree, first.messages, LiveText(), now=0, hide_plumbing=False)

    assert again.messages == first.messages
    assert [m.role for m in first.messages] == ["user", "assistant", "tool", "assistant"]
    assert again.live == LiveText() and again.deltas == []


def test_thinking_goes_to_its_own_part_before_the_answer():
    live = LiveText("m1", "Hel", "I think")
    shown = LiveText("m1", "", "I")

    assert text_deltas(shown, live) == [
        TextDelta("m1", 1, " think", "thinking"),
        TextDelta("m1", 0, "Hel", "answer"),
    ]
