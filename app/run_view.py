"""What the page shows of a run at one moment, computed from its tree (no Reflex import):
the conversation's messages, the new text of the answer still streaming, and the tree's rows.
The state only assigns what this returns and sends the text delta to the page's script."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from app.run_tree import RunTree, TreeRow, build_rows
from app.transcript import ChatMessage, run_messages
from app.vocabulary import CUSTOM_EVENT_KIND

#: The two texts a streaming bubble shows: the answer, and the thinking above it.
LivePart = Literal["answer", "thinking"]


@dataclass(frozen=True)
class LiveText:
    """The answer a model is still streaming: its model run and its text so far."""

    run_id: str = ""
    text: str = ""
    thinking: str = ""


@dataclass(frozen=True)
class TextDelta:
    """What the page lacks of the live answer: ``text`` goes at ``offset`` of the ``part`` of
    run ``run_id``'s bubble (0 for a new answer)."""

    run_id: str
    offset: int
    text: str
    part: LivePart = "answer"


@dataclass
class RunView:
    messages: list[ChatMessage]  # the whole conversation, with the run's finished messages
    live: LiveText  # empty when no answer is streaming
    deltas: list[TextDelta]  # empty when the page already has all of ``live``
    rows: list[TreeRow]
    progress: str  # the latest custom event of a node still running, or ""


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
    live = (
        LiveText(streaming.run_id, streaming.content, streaming.thinking)
        if streaming
        else LiveText()
    )
    return RunView(
        messages=earlier + finished,
        live=live,
        deltas=text_deltas(shown, live),
        rows=build_rows(tree, now, hide_plumbing),
        progress=progress_line(tree),
    )


def text_deltas(shown: LiveText, live: LiveText) -> list[TextDelta]:
    """The text the page lacks when it shows ``shown`` and should show ``live``."""
    if not live.run_id:
        return []
    same_run = shown.run_id == live.run_id
    deltas = []
    for part, had, has in (
        ("thinking", shown.thinking, live.thinking),
        ("answer", shown.text, live.text),
    ):
        offset = len(had) if same_run else 0
        if len(has) > offset:
            deltas.append(TextDelta(live.run_id, offset, has[offset:], part))
    return deltas


def progress_line(tree: RunTree) -> str:
    """What a node still running last said about its progress (its latest custom event)."""
    for node in reversed(tree.nodes):
        parent = tree.get(node.parent_id) if node.parent_id else None
        if node.kind == CUSTOM_EVENT_KIND and parent is not None and parent.is_open:
            payload = node.outputs
            if isinstance(payload, dict) and len(payload) == 1:
                payload = next(iter(payload.values()))
            text = payload if isinstance(payload, str) else json.dumps(payload, default=str)
            return f"{node.name}: {text}"
    return ""
