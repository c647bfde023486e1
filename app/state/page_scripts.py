"""The scripts the states run in the page: the answers' text (``assets/live_text.js``), the
tree's changes (``assets/run_tree.js``), the thread's id in the address bar, and the focus.
Everything goes as JSON data, never as markup."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx
from reflex.event import EventSpec

from app.run_view import TextDelta, TreeDelta

#: The question box's element id.
COMPOSER_ID = "composer"


def _code(function: str, *args: object) -> str:
    compact = (json.dumps(arg, separators=(",", ":")) for arg in args)
    return f"{function}({','.join(compact)})"


def _call(function: str, *args: object) -> EventSpec:
    return rx.call_script(_code(function, *args))


def _text_rows(deltas: list[TextDelta]) -> list[list[object]]:
    return [[d.run_id, d.part, d.offset, d.text, d.done] for d in deltas]


def write_run(text: list[TextDelta], tree: TreeDelta | None) -> EventSpec:
    """One flush of a run, in one message: the answers' new text (and which model calls
    ended), and the tree's changes."""
    calls = [_code("window.liveText.write", _text_rows(text))] if text else []
    if tree is not None:
        calls.append(_code("window.runTree.update", dataclasses.asdict(tree)))
    return rx.call_script(";".join(calls))


def reset_text(deltas: list[TextDelta]) -> EventSpec:
    """Give a page that (re)joined mid-run every answer so far."""
    return _call("window.liveText.reset", _text_rows(deltas))


def update_tree(delta: TreeDelta) -> EventSpec:
    """Apply the tree's changes in the page (the whole tree when ``delta.reset``)."""
    return _call("window.runTree.update", dataclasses.asdict(delta))


def focus_composer() -> EventSpec:
    """Put the cursor back in the question box once it is usable again."""
    return _call("window.pageLayout.focusWhenEnabled", COMPOSER_ID)


def show_thread_in_url(thread_id: str) -> EventSpec:
    """Keep the thread's id in the address bar: shareable, and a reload opens it again."""
    return _call(
        "window.history.replaceState", None, "", f"?thread={thread_id}" if thread_id else "/"
    )
