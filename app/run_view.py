"""What the page shows of a run at one moment, computed from its tree (no Reflex import):
the conversation's messages, the new text of the answer still streaming, and the tree's rows.
The state only assigns what this returns and sends the text delta to the page's script."""

from __future__ import annotations

from dataclasses import dataclass

from app.run_tree import RunTree, TreeRow, build_rows
from app.transcript import ChatMessage, run_messages


@dataclass(frozen=True)
class LiveText:
    """The answer a model is still streaming: its model run and its text so far."""

    run_id: str = ""
    text: str = ""


@dataclass(frozen=True)
class TextDelta:
    """What the page lacks of the live answer: ``text`` goes at ``offset`` of run ``run_id``'s
    text (0 for a new answer)."""

    run_id: str
    offset: int
    text: str


@dataclass
class RunView:
    messages: list[ChatMessage]  # the whole conversation, with the run's finished messages
    live: LiveText  # empty when no answer is streaming
    delta: TextDelta | None  # None when the page already has all of ``live``
    rows: list[TreeRow]


def view_run(
    tree: RunTree,
    messages: list[ChatMessage],
    shown: LiveText,
    *,
    now: float,
    hide_plumbing: bool,
) -> RunView:
    """``tree`` as the page shows it, given the conversation so far (``messages``, which may
    hold this run's messages from an earlier view) and the live text the page already has."""
    own = run_messages(tree)
    streaming = (
        own[-1] if own and own[-1].role == "assistant" and own[-1].status == "running" else None
    )
    finished = own[:-1] if streaming else own
    earlier = [m for m in messages if not m.run_id or tree.get(m.run_id) is None]
    live = LiveText(streaming.run_id, streaming.content) if streaming else LiveText()
    return RunView(
        messages=earlier + finished,
        live=live,
        delta=text_delta(shown, live),
        rows=build_rows(tree, now, hide_plumbing),
    )


def text_delta(shown: LiveText, live: LiveText) -> TextDelta | None:
    """The text the page lacks when it shows ``shown`` and should show ``live``."""
    offset = len(shown.text) if shown.run_id == live.run_id else 0
    if not live.run_id or len(live.text) == offset:
        return None
    return TextDelta(live.run_id, offset, live.text[offset:])
