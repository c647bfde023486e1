"""What the run inspector renders: plain rows and label/value pairs built from a `RunTree`.

Everything here is made of str, int, float, bool and lists, so the UI can serialise it as is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.run_tree.model import INTERRUPTED_NOTE, UNFINISHED_NOTE, RunNode, RunTree, content_text
from app.vocabulary import (
    CHAIN_KIND,
    CUSTOM_EVENT_KIND,
    MODEL_KINDS,
    PROMPT_KIND,
    RETRIEVER_KIND,
    TOOL_KIND,
)

PLUMBING_NAMES = frozenset({"ChannelWrite", "ChannelRead", "__start__", "_write", "_route"})
PLUMBING_PREFIXES = ("Runnable", "ChannelWrite<", "ChannelRead<")
NEVER_PLUMBING_KINDS = frozenset({*MODEL_KINDS, TOOL_KIND, RETRIEVER_KIND, CUSTOM_EVENT_KIND})
#: `langgraph_triggers` of a node started by `Send` (a fan-out branch).
SEND_TRIGGER = "__pregel_push"
SUMMARY_CHARS = 40
SNIPPET_CHARS = 300
END_NODE = "__end__"

MIN_BAR_PCT = 0.5
MAX_STRING_CHARS = 2_000
MAX_PAYLOAD_CHARS = 20_000


@dataclass
class TreeRow:
    """One node of the run tree as the panel shows it, with its visible children nested."""

    run_id: str
    parent_id: str  # "" at the top level
    name: str
    kind: str
    status: str
    langgraph_node: str  # "" when not inside a graph node
    step: int  # -1 when unknown
    depth: int
    duration_label: str  # "running" while open
    duration_ms: int  # -1 while open
    answer_tokens: int
    thinking_tokens: int
    summary: str  # a Send branch's input, shortened ("" for other nodes)
    offset_pct: float  # waterfall bar: start, as % of the run's span
    width_pct: float  # waterfall bar: length, as % of the run's span (at least 0.5)
    is_plumbing: bool
    is_root: bool
    error: str  # "" when none
    start_ms: int = 0  # from the run's first frame
    end_ms: int = -1  # -1 while open
    ttft_ms: int = -1  # a model run's time to first token; -1 when unknown
    tokens_per_s: float = -1.0  # a model run's streaming speed; -1 when unknown
    input_tokens: int = -1  # a model run's usage_metadata; -1 when not reported
    output_tokens: int = -1
    tool_call_tokens: int = 0  # a model run's chunks that carried a tool call
    children: list[TreeRow] = field(default_factory=list)


@dataclass
class DetailRow:
    """One label/value pair of the details pane; `is_block` values are multi-line text."""

    label: str
    value: str
    is_block: bool = False


def is_plumbing(node: RunNode, tree: RunTree) -> bool:
    """True for LangGraph's internal plumbing, which the panel can hide.

    Plumbing is:
    - a run named `ChannelWrite`, `ChannelRead` (or `ChannelWrite<...>`, `ChannelRead<...>`),
      `__start__`, `_write`, `_route`, or starting with `Runnable` (RunnableSequence,
      RunnableLambda, RunnableParallel, ...);
    - a routing function: a chain run directly under a graph-node run, whose name differs from
      its `langgraph_node`, and which returned node names (a str or a list of str, each
      `__end__` or a node seen in this run), e.g. `should_continue` -> "tool" / "__end__".
      It counts as plumbing only once it has returned.
    Never plumbing: the root, graph-node runs (a chain named like its `langgraph_node`, except
    `__start__`), model, tool and retriever runs.
    """
    if node.is_root or node.kind in NEVER_PLUMBING_KINDS:
        return False
    if node.name in PLUMBING_NAMES or node.name.startswith(PLUMBING_PREFIXES):
        return True
    if _is_graph_node(node):
        return False
    return _is_routing_function(node, tree)


def _is_graph_node(node: RunNode) -> bool:
    return node.kind == CHAIN_KIND and node.name == node.langgraph_node


def _is_routing_function(node: RunNode, tree: RunTree) -> bool:
    parent = tree.get(node.parent_id) if node.parent_id else None
    if node.kind != CHAIN_KIND or parent is None or not _is_graph_node(parent):
        return False
    targets = node.outputs if isinstance(node.outputs, list) else [node.outputs]
    known = tree.graph_node_names | {END_NODE}
    return bool(targets) and all(isinstance(t, str) and t in known for t in targets)


def build_rows(tree: RunTree, now: float, hide_plumbing: bool = False) -> list[TreeRow]:
    """The tree as nested rows: top-level nodes with their children, in first-seen order.

    `now` is the current time (same clock as `received_at`): running nodes' bars extend to it.
    With `hide_plumbing`, plumbing nodes are left out and their children take their place under
    the nearest shown ancestor, so no other node is lost.
    """
    start, span = _time_axis(tree, now)

    def rows_for(nodes: list[RunNode], parent_id: str, depth: int) -> list[TreeRow]:
        rows: list[TreeRow] = []
        for node in nodes:
            children = tree.children(node.run_id)
            plumbing = is_plumbing(node, tree)
            if hide_plumbing and plumbing:
                rows.extend(rows_for(children, parent_id, depth))
                continue
            row = _row(node, parent_id, depth, plumbing, start, span, now)
            row.children = rows_for(children, node.run_id, depth + 1)
            rows.append(row)
        return rows

    return rows_for(tree.roots(), "", 0)


def node_rows(
    nodes: list[RunNode], tree: RunTree, now: float, hide_plumbing: bool = False
) -> list[TreeRow]:
    """The rows of ``nodes`` as `build_rows` makes them, without children: for redrawing only
    the nodes that changed. With `hide_plumbing`, plumbing nodes are left out and the others
    hang under their nearest shown ancestor."""
    start, span = _time_axis(tree, now)
    rows = []
    for node in nodes:
        plumbing = is_plumbing(node, tree)
        if hide_plumbing and plumbing:
            continue
        parent_id, depth = "", 0
        ancestor = tree.get(node.parent_id) if node.parent_id else None
        while ancestor is not None:
            if not (hide_plumbing and is_plumbing(ancestor, tree)):
                parent_id = parent_id or ancestor.run_id
                depth += 1
            ancestor = tree.get(ancestor.parent_id) if ancestor.parent_id else None
        rows.append(_row(node, parent_id, depth, plumbing, start, span, now))
    return rows


def _row(
    node: RunNode, parent_id: str, depth: int, plumbing: bool, start: float, span: float, now: float
) -> TreeRow:
    offset, width = _bar(node, start, span, now)
    ttft, speed = node.time_to_first_token, node.tokens_per_second
    return TreeRow(
        run_id=node.run_id,
        parent_id=parent_id,
        name=node.name or node.kind,
        kind=node.kind,
        status=node.status,
        langgraph_node=node.langgraph_node or "",
        step=node.langgraph_step if node.langgraph_step is not None else -1,
        depth=depth,
        duration_label=duration_label(node),
        duration_ms=round(node.duration * 1000) if node.duration is not None else -1,
        answer_tokens=node.answer_tokens,
        thinking_tokens=node.thinking_tokens,
        summary=row_summary(node),
        offset_pct=offset,
        width_pct=width,
        is_plumbing=plumbing,
        is_root=node.is_root,
        error=node.error or "",
        start_ms=_ms(node.started_at - start),
        end_ms=-1 if node.ended_at is None else _ms(node.ended_at - start),
        ttft_ms=-1 if ttft is None else _ms(ttft),
        tokens_per_s=-1.0 if speed is None else round(speed, 1),
        input_tokens=node.usage.get("input_tokens", -1),
        output_tokens=node.usage.get("output_tokens", -1),
        tool_call_tokens=node.tool_call_tokens,
    )


def _ms(seconds: float) -> int:
    return max(round(seconds * 1000), 0)


def row_summary(node: RunNode) -> str:
    """A short line beside a node's name: a custom event's payload, or what tells `Send`
    branches of one node apart (the input of the branch's graph-node run; the runs inside it
    carry the same trigger in their metadata, but their input would only repeat it)."""
    if node.kind == CUSTOM_EVENT_KIND:
        return _short(node.outputs)
    triggers = node.metadata.get("langgraph_triggers")
    if not isinstance(triggers, list) or SEND_TRIGGER not in triggers or node.inputs is None:
        return ""
    return _short(node.inputs) if _is_graph_node(node) else ""


def _short(value: Any) -> str:
    """A value on one line of at most SUMMARY_CHARS: a lone key's value named by its key."""
    if value is None:
        return ""
    if isinstance(value, dict) and len(value) == 1:
        key, value = next(iter(value.items()))
        text = f"{key}: {value if isinstance(value, str) else _one_line(value)}"
    else:
        text = value if isinstance(value, str) else _one_line(value)
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _one_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def flatten_rows(rows: list[TreeRow]) -> list[TreeRow]:
    """Rows depth-first (parent before its children), for a flat list indented by `depth`."""
    flat: list[TreeRow] = []
    for row in rows:
        flat.append(row)
        flat.extend(flatten_rows(row.children))
    return flat


def _time_axis(tree: RunTree, now: float) -> tuple[float, float]:
    """(start, span) of the waterfall: from the run's first frame to its end, or to `now`."""
    nodes = tree.nodes
    start = tree.started_at
    if start is None:
        start = min((node.started_at for node in nodes), default=now)
    if tree.is_finished and tree.ended_at is not None:
        end = tree.ended_at
    else:
        end = max(now, tree.last_event_at or now)
    end = max([end] + [node.ended_at for node in nodes if node.ended_at is not None])
    return start, max(end - start, 0.0)


def _bar(node: RunNode, start: float, span: float, now: float) -> tuple[float, float]:
    """(offset_pct, width_pct) of a node's bar, kept within 0..100."""
    if span <= 0:
        return 0.0, 100.0
    end = node.ended_at if node.ended_at is not None else max(now, node.last_seen_at)
    offset = (node.started_at - start) / span * 100
    offset = min(max(offset, 0.0), 100.0 - MIN_BAR_PCT)
    width = (end - node.started_at) / span * 100
    width = min(max(width, MIN_BAR_PCT), 100.0 - offset)
    return round(offset, 2), round(width, 2)


def format_duration(seconds: float) -> str:
    """ "12 ms", "1.4 s", "2 min 05 s"."""
    seconds = max(seconds, 0.0)
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def duration_label(node: RunNode) -> str:
    """The node's duration: "running" while it is open, "waiting" where the graph waits for a
    person, at least what was seen for an unfinished node, nothing for a custom event."""
    if node.duration is None:
        return "running"
    if node.kind == CUSTOM_EVENT_KIND:
        return ""
    if node.status == "interrupted":
        return "waiting"
    prefix = "≥ " if node.status == "unfinished" else ""
    return prefix + format_duration(node.duration)


def node_details(node: RunNode, run_start: float | None = None) -> list[DetailRow]:
    """Readable label/value pairs describing one node, for the details pane.

    Start and end times are shown relative to `run_start` (pass `tree.started_at`), and left out
    without it. Payloads are pretty-printed JSON with
    long strings and large payloads folded (see `format_payload`). Empty fields are left out.
    """
    fields = [
        DetailRow("Name", node.name or "(unnamed)"),
        DetailRow("Kind", node.kind),
        DetailRow("Status", node.status),
        DetailRow("Run ID", node.run_id),
        DetailRow("Parent ID", node.parent_id or "(none)"),
    ]
    if node.langgraph_node:
        fields.append(DetailRow("LangGraph node", node.langgraph_node))
    if node.langgraph_step is not None:
        fields.append(DetailRow("LangGraph step", str(node.langgraph_step)))
    if node.tags:
        fields.append(DetailRow("Tags", ", ".join(node.tags)))
    if run_start is not None:
        fields.append(DetailRow("Started", "+" + format_duration(node.started_at - run_start)))
        if node.ended_at is not None:
            fields.append(DetailRow("Ended", "+" + format_duration(node.ended_at - run_start)))
    fields.append(DetailRow("Duration", duration_label(node)))
    if node.error:
        fields.append(DetailRow("Error", node.error, is_block=True))
    note = node.note or STATUS_NOTES.get(node.status)
    if note:
        fields.append(DetailRow("Note", note, is_block=True))
    if node.tool_call_id:
        fields.append(DetailRow("Tool call ID", node.tool_call_id))
    if node.kind in MODEL_KINDS:
        fields.append(DetailRow("Answer tokens", str(node.answer_tokens)))
        if node.thinking_tokens:
            fields.append(DetailRow("Thinking tokens", str(node.thinking_tokens)))
        fields.append(DetailRow("Chunks", str(node.chunk_count)))
        fields += _model_numbers(node)
        if node.streamed_thinking:
            fields.append(DetailRow("Thinking", _fold_text(node.streamed_thinking), True))
        if node.streamed_text:
            fields.append(DetailRow("Streamed text", _fold_text(node.streamed_text), True))
        if node.tool_call_chunks:
            fields.append(DetailRow("Tool calls", format_payload(node.tool_call_chunks), True))
    fields.extend(_readable_output(node))
    if node.kind == CUSTOM_EVENT_KIND:
        fields.append(DetailRow("Payload", format_payload(node.outputs), is_block=True))
        return fields + _metadata_row(node)
    if node.inputs is not None:
        fields.append(DetailRow("Inputs", format_payload(node.inputs), is_block=True))
    if node.outputs is not None:
        fields.append(DetailRow("Outputs", format_payload(node.outputs), is_block=True))
    return fields + _metadata_row(node)


STATUS_NOTES = {"unfinished": UNFINISHED_NOTE, "interrupted": INTERRUPTED_NOTE}


def _metadata_row(node: RunNode) -> list[DetailRow]:
    if not node.metadata:
        return []
    return [DetailRow("Metadata", format_payload(node.metadata), is_block=True)]


def _readable_output(node: RunNode) -> list[DetailRow]:
    """A retriever's documents and a prompt's rendered messages, as a person reads them."""
    output = node.outputs
    if node.kind == RETRIEVER_KIND and isinstance(output, list):
        documents = [_document_text(doc) for doc in output]
        return [DetailRow(f"Documents ({len(documents)})", "\n\n".join(documents), True)]
    if node.kind == PROMPT_KIND and isinstance(output, dict):
        messages = output.get("messages")
        if isinstance(messages, list):
            lines = [
                f"{m.get('type', 'message')}: {content_text(m)}"
                for m in messages
                if isinstance(m, dict)
            ]
            return [DetailRow("Rendered messages", _fold_text("\n\n".join(lines)), True)]
    return []


def _document_text(document: Any) -> str:
    if not isinstance(document, dict):
        return _one_line(document)[:SNIPPET_CHARS]
    content = str(document.get("page_content") or "")
    snippet = content if len(content) <= SNIPPET_CHARS else content[:SNIPPET_CHARS] + "…"
    metadata = document.get("metadata")
    return f"{snippet}\n{_one_line(metadata)}" if metadata else snippet


def _model_numbers(node: RunNode) -> list[DetailRow]:
    """Time to first token, speed and reported tokens, when known."""
    numbers = []
    if node.time_to_first_token is not None:
        numbers.append(DetailRow("Time to first token", format_duration(node.time_to_first_token)))
    if node.tokens_per_second is not None:
        numbers.append(DetailRow("Tokens per second", f"{node.tokens_per_second:.1f}"))
    for key, label in (("input_tokens", "Input tokens"), ("output_tokens", "Output tokens")):
        if key in node.usage:
            numbers.append(DetailRow(label, f"{node.usage[key]:,}"))
    return numbers


def format_payload(value: Any) -> str:
    """Pretty JSON for the details pane: strings over 2,000 characters are shortened with
    "… (N more characters)", and the whole text is cut at 20,000 characters with a note."""
    try:
        text = json.dumps(_fold_strings(value), indent=2, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return _cut(text, MAX_PAYLOAD_CHARS, "payload cut")


def _fold_text(text: str) -> str:
    return _cut(text, MAX_PAYLOAD_CHARS, "text cut")


def _fold_strings(value: Any) -> Any:
    """A copy of `value` with every long string shortened."""
    if isinstance(value, str):
        if len(value) > MAX_STRING_CHARS:
            rest = len(value) - MAX_STRING_CHARS
            return f"{value[:MAX_STRING_CHARS]}… ({rest} more characters)"
        return value
    if isinstance(value, dict):
        return {key: _fold_strings(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_fold_strings(item) for item in value]
    return value


def _cut(text: str, limit: int, note: str) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… ({note}: {len(text) - limit} more characters)"
