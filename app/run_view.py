"""What the page gets of a run at one moment, computed from its tree (no Reflex import): the
conversation's messages, the new text of the model answers, and what changed in the tree since
the page last heard. The state assigns the messages and sends the rest to the page's scripts
(``assets/live_text.js``, ``assets/run_tree.js``), so bytes grow with the changes, not with
their square."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from app.run_tree import RunNode, RunTree, TreeRow, build_rows, flatten_rows, is_plumbing, node_rows
from app.transcript import ChatMessage, answer_runs, fold_branches, run_messages
from app.vocabulary import CUSTOM_EVENT_KIND, CardStatus

#: The two texts a model's bubble shows: the answer, and the thinking above it.
LivePart = Literal["answer", "thinking"]

#: Row fields the page's script does without: it nests rows by parent_id, draws the waterfall
#: bars from start and end, and shows a step only for graph nodes (sent only for them).
PAGE_COMPUTED = frozenset({"children", "depth", "offset_pct", "width_pct", "langgraph_node"})
_PAGE_FIELDS = [f.name for f in dataclasses.fields(TreeRow) if f.name not in PAGE_COMPUTED]
#: What the page reads a field it is not sent as (``EMPTY_ROW`` in assets/run_tree.js): a new
#: row leaves out the fields that have these values.
PAGE_DEFAULTS: dict[str, Any] = {
    "parent_id": "",
    "name": "",
    "kind": "",
    "status": "",
    "step": -1,
    "duration_label": "",
    "duration_ms": -1,
    "answer_tokens": 0,
    "thinking_tokens": 0,
    "summary": "",
    "is_plumbing": False,
    "is_root": False,
    "error": "",
    "start_ms": 0,
    "end_ms": -1,
    "ttft_ms": -1,
    "tokens_per_s": -1.0,
    "input_tokens": -1,
    "output_tokens": -1,
    "tool_call_tokens": 0,
}
#: One tree row as the page's script gets it: TreeRow's fields but the ones it computes.
PageRow = dict[str, Any]


@dataclass(frozen=True)
class TextDelta:
    """What the page lacks of one part of a model's bubble: ``text`` goes at ``offset`` of its
    ``part``; ``done`` once the model call ended."""

    run_id: str
    offset: int
    text: str
    done: bool = False
    part: LivePart = "answer"


#: Per model run and part: how many characters the page has, and whether it knows the model
#: call ended.
ShownText = dict[tuple[str, str], tuple[int, bool]]


@dataclass
class ShownTree:
    """The tree as the page has it: its rows by run id, whether it knows the run ended, the
    tree (``tree_key``) and revision it was drawn from, and the revision of the token counts
    it has (``counted_revision``: they go at the tick's pace). A fresh one makes the next
    delta a whole tree (``reset``)."""

    rows: dict[str, PageRow] = field(default_factory=dict)
    finished: bool = False
    reset: bool = True
    tree_key: str = ""
    revision: int = 0
    counted_revision: int = 0


@dataclass(frozen=True)
class TreeDelta:
    """What changed in the tree: new rows whole, changed rows as ``run_id`` and the changed
    fields, removed run ids; with ``reset`` the rows are the whole tree. The page adds up the
    run's totals from its rows."""

    rows: list[PageRow]
    removed: list[str]
    elapsed_ms: int  # the run's age now, so the page's clock can run on
    finished: bool
    reset: bool


@dataclass
class RunView:
    messages: list[ChatMessage]  # the whole conversation, with the run's messages
    text: list[TextDelta]  # new text of the model answers, for the page's script
    shown_text: ShownText  # what the page has of the answers once ``text`` is sent
    tree: TreeDelta | None  # None when the page's tree is up to date (or another is shown)
    shown_tree: ShownTree | None
    progress: str  # the latest custom event of a node still running, or ""


def view_run(
    tree: RunTree,
    messages: list[ChatMessage],
    shown_text: ShownText,
    shown_tree: ShownTree | None,
    *,
    now: float,
    hide_plumbing: bool,
    counters_due: bool,
    open_groups: Collection[str] = (),
) -> RunView:
    """``tree`` as the page shows it, given the conversation so far (``messages``, which may
    hold this run's messages from an earlier view), what the page has of its answers, and of
    its tree (None when the panel shows another run). While the run goes on, the bubbles'
    text travels only as deltas: its messages carry none (a thinking of " " only says there
    is one), so the conversation var is re-sent only when a bubble or card is added or
    changes."""
    text, shown = text_deltas(tree, shown_text)
    delta, page_tree = None, shown_tree
    if shown_tree is not None:
        delta, page_tree = tree_delta(tree, shown_tree, now, hide_plumbing, counters_due)
    conversation = run_conversation(messages, tree, open_groups)
    return RunView(conversation, text, shown, delta, page_tree, progress_line(tree))


def run_conversation(
    messages: list[ChatMessage], tree: RunTree, open_groups: Collection[str]
) -> list[ChatMessage]:
    """``messages`` with ``tree``'s as it shows them now (its large fan-outs folded but those
    in ``open_groups``), where its earlier ones were (at the end if none)."""
    own = fold_branches(run_messages(tree), tree, open_groups)
    if not tree.is_finished:
        own = [_without_text(m) if m.role == "assistant" else m for m in own]
    in_tree = [bool(m.run_id) and tree.get(m.run_id) is not None for m in messages]
    first = in_tree.index(True) if True in in_tree else len(messages)
    others = [m for m, mine in zip(messages, in_tree, strict=True) if not mine]
    return others[:first] + own + others[first:]


def _without_text(message: ChatMessage) -> ChatMessage:
    """A bubble as the conversation var carries it while its run goes on: no text, and no
    status but a failure (a model call ending would re-send the conversation; a failed one,
    rare, is worth showing at once)."""
    thinking = " " if message.thinking else ""
    status: CardStatus = "error" if message.status == "error" else "running"
    return dataclasses.replace(message, content="", thinking=thinking, status=status)


def text_deltas(tree: RunTree, shown: ShownText) -> tuple[list[TextDelta], ShownText]:
    """The text of the model bubbles (thinking and answer) the page lacks, and what it has
    of ``tree``'s once that is sent (not of earlier runs': their messages carry their text)."""
    deltas: list[TextDelta] = []
    now_shown: ShownText = {}
    for node in answer_runs(tree):
        done = not node.is_open
        parts: tuple[tuple[LivePart, str], ...] = (
            ("thinking", node.streamed_thinking),
            ("answer", node.streamed_text or node.output_text),
        )
        for part, text in parts:
            offset, page_done = shown.get((node.run_id, part), (0, False))
            if len(text) > offset or (done != page_done and (text or part == "answer")):
                deltas.append(TextDelta(node.run_id, offset, text[offset:], done, part))
                now_shown[(node.run_id, part)] = (len(text), done)
            elif (node.run_id, part) in shown:
                now_shown[(node.run_id, part)] = shown[(node.run_id, part)]
    return deltas, now_shown


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


def page_rows(tree: RunTree, now: float, hide_plumbing: bool) -> list[PageRow]:
    """The tree's rows, parents first, as the page's script gets them."""
    return [_page_row(row) for row in flatten_rows(build_rows(tree, now, hide_plumbing))]


def _page_row(row: TreeRow) -> PageRow:
    page_row = {name: getattr(row, name) for name in _PAGE_FIELDS}
    if row.name != row.langgraph_node:
        page_row["step"] = -1  # a step is shown beside the graph node only
    return page_row


def tree_delta(
    tree: RunTree, shown: ShownTree, now: float, hide_plumbing: bool, counters_due: bool
) -> tuple[TreeDelta | None, ShownTree]:
    """What the page lacks of ``tree`` when it has ``shown``; a model run whose chunks only
    added tokens (``RunTree.counted_since``) only when ``counters_due``.

    Only the nodes changed since the page's revision are drawn again, so a flush costs what
    changed, not the tree's size. A new graph node name can make routing functions anywhere
    plumbing: those are drawn again too. The whole tree is drawn for a page that has none or
    has another tree of the run (a replay), and when a shown node became hidden plumbing (its
    children move)."""
    same_tree = shown.tree_key == tree.key
    nodes = tree.changed_since(shown.revision) if same_tree else []
    if same_tree and tree.names_revision > shown.revision:
        nodes += [
            node
            for node in tree.nodes
            if node.revision <= shown.revision and _plumbing_changed(node, tree, shown)
        ]
    hidden = hide_plumbing and any(
        node.run_id in shown.rows and is_plumbing(node, tree) for node in nodes
    )
    whole = shown.reset or not same_tree or hidden
    if whole:
        rows = page_rows(tree, now, hide_plumbing)
    else:
        if counters_due:
            counted = tree.counted_since(shown.counted_revision)
            nodes += [node for node in counted if node.revision <= shown.revision]
        rows = [_page_row(row) for row in node_rows(nodes, tree, now, hide_plumbing)]
    sent, changed = ({} if shown.reset else dict(shown.rows)), []
    for row in _parents_first(rows):
        before = sent.get(row["run_id"])
        if before is None:  # new: its fields but those the page reads as their defaults
            changed.append(
                {k: v for k, v in row.items() if k == "run_id" or PAGE_DEFAULTS.get(k) != v}
            )
            sent[row["run_id"]] = row
            continue
        diff = {k: v for k, v in row.items() if before.get(k) != v}
        if diff:
            changed.append({"run_id": row["run_id"], **diff})
            sent[row["run_id"]] = row
    removed = []
    if whole:
        ids = {row["run_id"] for row in rows}
        removed = [run_id for run_id in sent if run_id not in ids]
        for run_id in removed:
            del sent[run_id]
    finished = tree.is_finished
    counted = tree.revision if whole or counters_due else shown.counted_revision
    drawn = {"tree_key": tree.key, "revision": tree.revision, "counted_revision": counted}
    if not (changed or removed or shown.reset or finished != shown.finished):
        return None, dataclasses.replace(shown, **drawn)
    started = tree.started_at if tree.started_at is not None else now
    end = tree.ended_at if finished and tree.ended_at is not None else now
    delta = TreeDelta(
        rows=changed,
        removed=removed,
        elapsed_ms=max(round((end - started) * 1000), 0),
        finished=finished,
        reset=shown.reset,
    )
    page_has = ShownTree(sent, finished, reset=False, **drawn)
    return delta, page_has


def _plumbing_changed(node: RunNode, tree: RunTree, shown: ShownTree) -> bool:
    """Whether the page shows ``node`` with another plumbing flag than it has now."""
    row = shown.rows.get(node.run_id)
    return row is not None and row["is_plumbing"] != is_plumbing(node, tree)


def _parents_first(rows: list[PageRow]) -> list[PageRow]:
    """``rows`` in their order, but a row's parent, when among them, before it (a parent
    that arrived after its children)."""
    by_id = {row["run_id"]: row for row in rows}
    ordered: list[PageRow] = []
    placed: set[str] = set()

    def place(row: PageRow) -> None:
        if row["run_id"] in placed:
            return
        placed.add(row["run_id"])
        parent = by_id.get(row["parent_id"])
        if parent is not None:
            place(parent)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


def empty_tree_delta() -> TreeDelta:
    """An empty panel (a new thread, or a run with no tree yet)."""
    return TreeDelta([], [], 0, finished=True, reset=True)
