"""The scripts the states run in the page: the answers' text (``assets/live_text.js``), the
tree's changes (``assets/run_tree.js``), the thread's id in the address bar, and the focus.
Everything goes as JSON data, never as markup."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from app.js_literal import js_literal
from app.run_view import TextDelta, TreeDelta

#: The question box's element id.
COMPOSER_ID = "composer"


def _code(function: str, *args: object) -> str:
    return f"{function}({','.join(js_literal(arg) for arg in args)})"


def _call(function: str, *args: object) -> EventSpec:
    return rx.call_script(_code(function, *args))


def _text_rows(deltas: list[TextDelta]) -> list[list[object]]:
    """``[run_id, offset, text, done, part]``, the last two left out while they are the
    page's defaults (false, "answer")."""
    rows: list[list[object]] = []
    for d in deltas:
        row: list[object] = [d.run_id, d.offset, d.text]
        if d.done or d.part != "answer":
            row.append(d.done)
        if d.part != "answer":
            row.append(d.part)
        rows.append(row)
    return rows


def _tree_changes(delta: TreeDelta) -> dict[str, object]:
    """The delta as assets/run_tree.js reads it: empty ``removed`` and false flags left out."""
    changes: dict[str, object] = {"rows": delta.rows, "elapsed_ms": delta.elapsed_ms}
    for key in ("removed", "finished", "reset"):
        if value := getattr(delta, key):
            changes[key] = value
    return changes


def write_run(text: list[TextDelta], tree: TreeDelta | None) -> EventSpec:
    """One flush of a run, in one message: the answers' new text (and which model calls
    ended), and the tree's changes."""
    calls = [_code("liveText.write", _text_rows(text))] if text else []
    if tree is not None:
        calls.append(_code("runTree.update", _tree_changes(tree)))
    return rx.call_script(";".join(calls))


def reset_text(deltas: list[TextDelta]) -> EventSpec:
    """Give a page that (re)joined mid-run every answer so far."""
    return _call("liveText.reset", _text_rows(deltas))


def update_tree(delta: TreeDelta) -> EventSpec:
    """Apply the tree's changes in the page (the whole tree when ``delta.reset``)."""
    return write_run([], delta)


def give_back(text: str) -> list[EventSpec]:
    """Put ``text`` back in the question box (nothing typed is lost), which grows to fit it."""
    return [rx.set_value(COMPOSER_ID, text), _call("pageLayout.refit", COMPOSER_ID)]


def focus_composer() -> EventSpec:
    """Put the cursor back in the question box once it is usable again."""
    return _call("pageLayout.focusWhenEnabled", COMPOSER_ID)


def show_thread_in_url(thread_id: str) -> EventSpec:
    """Keep the thread's id in the address bar: shareable, and a reload opens it again."""
    return _call("history.replaceState", None, "", f"?thread={thread_id}" if thread_id else "/")
