"""The scripts the states run in the page: the live answer's text (``assets/live_text.js``)
and the thread's id in the address bar."""

from __future__ import annotations

import json

import reflex as rx
from reflex.event import EventSpec

from app.run_view import LiveText, TextDelta


def _call(function: str, *args: object) -> EventSpec:
    return rx.call_script(f"{function}({', '.join(map(json.dumps, args))})")


def write_live_text(delta: TextDelta) -> EventSpec:
    """Append the live answer's (or thinking's) new text, sent as data, never as markup."""
    return _call("window.liveText.write", delta.run_id, delta.part, delta.offset, delta.text)


def reset_live_text(live: LiveText) -> EventSpec:
    """Give a page that (re)joined mid-answer the whole text so far."""
    return _call("window.liveText.reset", live.run_id, live.text, live.thinking)


def show_thread_in_url(thread_id: str) -> EventSpec:
    """Keep the thread's id in the address bar: shareable, and a reload opens it again."""
    return _call(
        "window.history.replaceState", None, "", f"?thread={thread_id}" if thread_id else "/"
    )
