"""A recording as one self-contained HTML page: conversation, run tree, durations, node
details and its own replay control, opening from disk with no network (no Reflex).

The page is inert: the recording goes in as JSON data (``<`` escaped, so it cannot close its
script tag), the page's own script writes every string with ``textContent``, and a Content
Security Policy forbids any request. Answers are markdown, drawn by the app's own renderer
(``assets/markdown.js``, which builds elements and text nodes only), with links and images
shown as their text and address: model output never becomes a link or a request.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.archive.recording import Recording, build_tree, redact
from app.run_tree import RunNode, RunTree, content_text, node_details, parse_event_name
from app.transcript import ChatMessage, run_messages

PAGE_SCRIPT = (Path(__file__).parent / "export_page.js").read_text()
MARKDOWN_SCRIPT = (Path(__file__).parents[2] / "assets" / "markdown.js").read_text()
PAGE_STYLE = (Path(__file__).parent / "export_page.css").read_text()
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


def render_html(recordings: Sequence[Recording], title: str, secrets: Sequence[str] = ()) -> str:
    """The page for ``recordings`` (one run, or a thread's runs in order)."""
    data = {"title": title, "runs": [_run_data(r) for r in recordings]}
    payload = redact(json.dumps(data, ensure_ascii=False), secrets)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{PAGE_STYLE}</style>
</head>
<body>
<noscript>This recording needs JavaScript to show its runs.</noscript>
<div id="app"></div>
<script type="application/json" id="recording">{payload}</script>
<script>{MARKDOWN_SCRIPT}</script>
<script>{PAGE_SCRIPT}</script>
</body>
</html>
"""


def _run_data(recording: Recording) -> dict[str, Any]:
    """What the page needs of one run: its nodes (with details) and its steps.

    Steps replay the run: ``["s", t, id]`` a node starts, ``["x", t, id, text]`` a model
    streams text, ``["e", t, id, status]`` a node ends; ``t`` in seconds from the run's start."""
    tree = RunTree(recording.run_id)
    steps: list[list[Any]] = []
    start = recording.frames[0].at if recording.frames else recording.started_at
    for frame in recording.frames:
        if frame.event != "events" or not isinstance(frame.data, dict):
            continue
        known = tree.get(str(frame.data.get("run_id", ""))) is not None
        node = tree.apply(frame.data, frame.at)
        if node is None:
            continue
        t = round(frame.at - start, 3)
        if not known:
            steps.append(["s", t, node.run_id])
        _, phase = parse_event_name(frame.data.get("event"))
        if phase == "stream" and node.answers_in_chat:  # a bubble
            data = frame.data.get("data")
            text = content_text(data.get("chunk") if isinstance(data, dict) else None)
            if text:
                steps.append(["x", t, node.run_id, text])
        if not node.is_open and phase in ("end", "error"):
            steps.append(["e", t, node.run_id, node.status])
    open_ids = [n.run_id for n in tree.nodes if n.is_open]
    final = build_tree(recording)
    end_t = round((final.ended_at or start) - start, 3)
    for run_id in open_ids:
        node = final.get(run_id)
        steps.append(["e", end_t, run_id, node.status if node else "error"])
    cards = {m.run_id: m for m in run_messages(final) if m.role == "tool"}
    return {
        "run_id": recording.run_id,
        "thread_id": recording.thread_id,
        "graph": recording.assistant_id,
        "question": recording.question,
        "status": recording.status,
        "error": recording.error,
        "started_at": recording.started_at,
        "duration": recording.duration,
        "nodes": {n.run_id: _node_data(n, final, cards.get(n.run_id)) for n in final.nodes},
        "steps": steps,
    }


def _node_data(node: RunNode, tree: RunTree, card: ChatMessage | None) -> dict[str, Any]:
    parent = node.parent_id if node.parent_id and tree.get(node.parent_id) else ""
    return {
        "name": node.name or "(unnamed)",
        "kind": "graph" if node.is_root else node.kind,
        "parent": parent,
        "error": node.error or "",
        "args": card.tool_args if card else "",
        "output": card.tool_output if card else "",
        "details": [[d.label, d.value, d.is_block] for d in node_details(node, tree.started_at)],
    }
