"""The run tree: one LangGraph run, rebuilt from its `events` stream frames.

Every `events` frame names one run (`run_id`) and its ancestors (`parent_ids`, root first). This
module folds the frames into one `RunNode` per `run_id`, linked by `parent_ids[-1]`. It imports
nothing from the UI or the HTTP client and never raises on malformed frames.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from app.vocabulary import (
    CHAIN_KIND,
    CUSTOM_EVENT_KIND,
    MODEL_KINDS,
    OTHER_KIND,
    TOOL_KIND,
    FinishStatus,
    NodeStatus,
)

PHASES = ("start", "stream", "end", "error")

UNFINISHED_NOTE = (
    "The stream ended before this run reported its end, and no error was reported: it may "
    "have finished, or been stopped, without the server saying so."
)
INTERRUPTED_NOTE = "The graph stopped here to wait for a person (interrupt)."
#: Why a graph node's run that never reported its end is over once its graph went on.
ENDED_BY_NEXT_STEP = (
    'It never reported its end, but "{graph}" went on to step {step}, which starts only once '
    "every earlier step is over: it ended, handing over with a Command to the parent graph, say "
    "(LangGraph reports no end for that)."
)
#: The error of a run that never ended inside one that did (the event stream carries no
#: errors of models or chains, only their ends).
HANDLED_ERROR = (
    'It raised an error that "{handler}" handled and went on from (a fallback or a retry, say); '
    "the event stream says only that it never ended, not what the error was or when."
)
RUN_FAILED = "run failed"
CUSTOM_EVENT = "on_custom_event"
#: Tags that keep a run's tokens out of the streamed answer: LangGraph's ``TAG_NOSTREAM``, and
#: what older versions and LangSmith used.
NOSTREAM_TAGS = frozenset({"nostream", "langsmith:nostream"})
#: The token counts read from a model's ``usage_metadata``.
USAGE_KEYS = ("input_tokens", "output_tokens", "total_tokens")


@dataclass
class RunNode:
    """One run (graph, node, model call, tool call, ...) inside a LangGraph run.

    `started_at` and `last_seen_at` are the `received_at` times of the first and latest frame for
    this run; `ended_at` is the time it closed (its end or error frame, or `RunTree.finish`) and is
    None while it is still running.
    """

    run_id: str
    parent_id: str | None = None
    name: str = ""
    kind: str = OTHER_KIND
    status: NodeStatus = "running"
    is_root: bool = False
    langgraph_node: str | None = None
    langgraph_step: int | None = None
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    inputs: Any = None
    outputs: Any = None
    error: str | None = None
    note: str = ""  # why a run that never reported its end is closed as it is
    started_at: float = 0.0
    last_seen_at: float = 0.0
    ended_at: float | None = None
    tool_call_id: str | None = None  # a tool run's, from its end or error frame
    chunk_count: int = 0  # every stream chunk, empty and tool-call ones included
    answer_tokens: int = 0  # chunks that carried answer text
    thinking_tokens: int = 0  # chunks that carried thinking (signatures are neither)
    tool_call_tokens: int = 0  # chunks that carried a tool call's name or arguments
    first_token_at: float | None = None  # a model run's first streamed token of any of those
    last_token_at: float | None = None
    usage: dict[str, int] = field(default_factory=dict)  # a model's `usage_metadata` tokens
    revision: int = 0  # the tree's revision when this node last changed (see RunTree.revision)
    counted_revision: int = 0  # ... when a chunk last changed only its token counts and speed
    _text_parts: list[str] = field(default_factory=list, repr=False)
    _thinking_parts: list[str] = field(default_factory=list, repr=False)
    _tool_calls: dict[Any, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def duration(self) -> float | None:
        """Seconds from first frame to close, or None while running."""
        if self.ended_at is None:
            return None
        return max(self.ended_at - self.started_at, 0.0)

    @property
    def is_open(self) -> bool:
        """True while the run has not closed."""
        return self.status == "running"

    @property
    def is_task(self) -> bool:
        """A graph node's run in one step of its graph (a Pregel task): a chain named as its
        ``langgraph_node``, with its ``langgraph_step``."""
        is_chain = self.kind == CHAIN_KIND and self.langgraph_step is not None
        return is_chain and self.name == self.langgraph_node

    @property
    def nostream(self) -> bool:
        """Tagged to stay out of the answer, as LangChain's middleware tags its own model calls
        (a summary, a tool selection): LangGraph's messages stream leaves such runs out."""
        return not NOSTREAM_TAGS.isdisjoint(self.tags)

    @property
    def answers_in_chat(self) -> bool:
        """A model run whose text is an answer in the chat: any not tagged ``nostream``."""
        return self.kind in MODEL_KINDS and not self.nostream

    @property
    def streamed_text(self) -> str:
        """The text streamed by a model run so far (chunks concatenated)."""
        if len(self._text_parts) > 1:
            # Join once and keep the result, so reading it on every token stays linear.
            self._text_parts[:] = ["".join(self._text_parts)]
        return self._text_parts[0] if self._text_parts else ""

    @property
    def streamed_thinking(self) -> str:
        """The thinking (reasoning) streamed by a model run so far."""
        if len(self._thinking_parts) > 1:
            self._thinking_parts[:] = ["".join(self._thinking_parts)]
        return self._thinking_parts[0] if self._thinking_parts else ""

    @property
    def tool_call_chunks(self) -> list[dict[str, Any]]:
        """Tool calls streamed by a model run: fragments merged by index into
        `{"index", "id", "name", "args"}` entries, `args` being the JSON text so far."""
        return [dict(call) for call in self._tool_calls.values()]

    @property
    def output_text(self) -> str:
        """Readable text of the run's output: a message's content, a string, or ""."""
        return content_text(self.outputs)

    @property
    def time_to_first_token(self) -> float | None:
        """Seconds from the model run's start to its first streamed token (text, thinking or a
        tool call: a model that only calls a tool has a first token too), if any."""
        if self.first_token_at is None:
            return None
        return max(self.first_token_at - self.started_at, 0.0)

    @property
    def streamed_tokens(self) -> int:
        """The tokens a model run streamed: its chunks with answer, thinking or a tool call,
        or the output tokens its usage reports when more (a provider may send several tokens
        a chunk). Reasoning tokens it reports count only as far as it streamed thinking: a
        reasoning model may stream none of them, or a short summary."""
        chunks = self.answer_tokens + self.thinking_tokens + self.tool_call_tokens
        reasoning = self.usage.get("reasoning_tokens", 0)
        shown = min(self.thinking_tokens, reasoning)
        return max(chunks, self.usage.get("output_tokens", 0) - reasoning + shown)

    @property
    def tokens_per_second(self) -> float | None:
        """Streamed tokens per second from the first to the latest (None before two)."""
        tokens = self.streamed_tokens
        if self.first_token_at is None or self.last_token_at is None:
            return None
        span = self.last_token_at - self.first_token_at
        return (tokens - 1) / span if span > 0 and tokens > 1 else None

    def add_chunk(self, chunk: Any, at: float = 0.0) -> bool:
        """Fold one model stream chunk (message chunk dict, or plain text) received at ``at``
        into this run. Returns whether it changed more than the token counts and speed: the
        first token, the first speed (the second token), or the token usage."""
        had_token, had_speed = self.first_token_at is not None, self.tokens_per_second is not None
        self.chunk_count += 1
        text, thinking = content_text(chunk), thinking_text(chunk)
        if text:
            self._text_parts.append(text)
            self.answer_tokens += 1
        if thinking:
            self._thinking_parts.append(thinking)
            self.thinking_tokens += 1
        fragments = chunk.get("tool_call_chunks") if isinstance(chunk, dict) else None
        calls = [f for f in fragments if isinstance(f, dict)] if isinstance(fragments, list) else []
        for fragment in calls:
            self._add_tool_call_fragment(fragment)
        calling = any(fragment.get("name") or fragment.get("args") for fragment in calls)
        if calling:
            self.tool_call_tokens += 1
        if text or thinking or calling:
            if self.first_token_at is None:
                self.first_token_at = at
            self.last_token_at = at
        new_usage = self._add_chunk_usage(chunk)
        speed_known = self.tokens_per_second is not None
        first_token = not had_token and self.first_token_at is not None
        return new_usage or first_token or not had_speed and speed_known

    def take_usage(self, message: Any) -> None:
        """Take the final message's ``usage_metadata`` (the model's end event): the whole
        call's token counts, replacing what its chunks added up to."""
        usage = _usage_counts(message)
        if usage:
            self.usage = usage

    def _add_chunk_usage(self, chunk: Any) -> bool:
        """Add a chunk's ``usage_metadata`` to the counts so far, as LangChain adds chunks up:
        a chunk carries its share (Anthropic's first chunk the input tokens, its last the
        output; OpenAI's last chunk all of them). Returns whether the counts changed."""
        counts = _usage_counts(chunk)
        if not counts:
            return False  # most chunks
        before = dict(self.usage)
        for key, value in counts.items():
            self.usage[key] = self.usage.get(key, 0) + value
        return self.usage != before

    def _add_tool_call_fragment(self, fragment: dict[str, Any]) -> None:
        index = fragment.get("index")
        call_id = fragment.get("id")
        if isinstance(index, int) and not isinstance(index, bool):
            key: Any = index
        elif isinstance(call_id, str) and call_id:
            key = call_id
        else:
            key = ("unmatched", len(self._tool_calls))  # nothing to merge on: a call of its own
        call = self._tool_calls.setdefault(
            key, {"index": index, "id": None, "name": None, "args": ""}
        )
        if call["id"] is None and isinstance(call_id, str) and call_id:
            call["id"] = call_id
        name = fragment.get("name")
        if call["name"] is None and isinstance(name, str) and name:
            call["name"] = name
        args = fragment.get("args")
        if isinstance(args, str):
            call["args"] += args


class RunTree:
    """All runs of one LangGraph run, fed one `events` frame at a time with `apply`.

    Children are kept in the order they were first seen. A child that arrives before its parent is
    kept and shows up under the parent once the parent arrives; a node whose parent never arrives
    is shown at the top level. Parent links never form a cycle (a frame that would close one is
    attached at the top level instead).
    """

    def __init__(self, run_id: str = "", started_at: float | None = None) -> None:
        """`run_id` and `started_at` come from the stream's `metadata` frame when there is one;
        otherwise they are taken from the root node and the first frame."""
        self.run_id = run_id
        self.status: NodeStatus = "running"
        self.error: str | None = None
        self.started_at: float | None = started_at
        self.ended_at: float | None = None
        self.last_event_at: float | None = started_at
        self._nodes: dict[str, RunNode] = {}
        self._children: dict[str, list[str]] = {}
        self._steps: dict[str, int] = {}  # per graph run, the latest step a task of it started
        self._graph_node_names: set[str] = set()
        self._custom_events = 0
        #: Counts changes: a node changed since revision R has ``node.revision > R``, so a view
        #: can redraw only what changed since it last looked (``changed_since``); a chunk that
        #: only adds a token stamps ``node.counted_revision`` instead (``counted_since``). Revisions
        #: are this tree's own: ``key`` tells it from another tree of the same run (a replay).
        self.revision = 0
        self.key = uuid.uuid4().hex
        #: The revision at which a new graph node name was first seen: it can turn routing
        #: functions anywhere in the tree into plumbing.
        self.names_revision = 0

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._nodes)

    @property
    def nodes(self) -> list[RunNode]:
        """Every node, in the order first seen."""
        return list(self._nodes.values())

    @property
    def root(self) -> RunNode | None:
        """The graph's own run (`parent_ids == []`), or None if it has not arrived."""
        for node in self._nodes.values():
            if node.is_root:
                return node
        return self._nodes.get(self.run_id)

    @property
    def is_finished(self) -> bool:
        """True once `finish` was called."""
        return self.status != "running"

    @property
    def graph_node_names(self) -> set[str]:
        """The `langgraph_node` names seen in this run (a copy)."""
        return set(self._graph_node_names)

    def get(self, run_id: str) -> RunNode | None:
        """The node for `run_id`, or None."""
        return self._nodes.get(run_id)

    def roots(self) -> list[RunNode]:
        """Top-level nodes: the root, plus any node whose parent never arrived."""
        return [
            node
            for node in self._nodes.values()
            if node.parent_id is None or node.parent_id not in self._nodes
        ]

    def children(self, run_id: str) -> list[RunNode]:
        """The direct children of `run_id`, in the order first seen."""
        return [self._nodes[child_id] for child_id in self._children.get(run_id, [])]

    def changed_since(self, revision: int) -> list[RunNode]:
        """The nodes changed after ``revision``, in the order first seen; a model run whose
        chunks only added tokens since is not among them (see ``counted_since``)."""
        if revision >= self.revision:
            return []
        return [node for node in self._nodes.values() if node.revision > revision]

    def counted_since(self, revision: int) -> list[RunNode]:
        """The model runs whose chunks changed only their token counts and speed after
        ``revision``, in the order first seen: a view can show those at a slower pace."""
        if revision >= self.revision:
            return []
        return [node for node in self._nodes.values() if node.counted_revision > revision]

    def model_runs(self) -> list[RunNode]:
        """Chat model and LLM runs, in start order."""
        return [node for node in self._nodes.values() if node.kind in MODEL_KINDS]

    def tool_runs(self) -> list[RunNode]:
        """Tool runs, in start order (one tool-call card each)."""
        return [node for node in self._nodes.values() if node.kind == TOOL_KIND]

    # -- writing -------------------------------------------------------------------------------

    def apply(self, event: Any, received_at: float) -> RunNode | None:
        """Fold one decoded `events` frame into the tree; return the node it touched.

        Returns None when the frame has no usable `run_id`. Never raises on malformed frames:
        missing or mistyped fields are ignored, unknown event types still create or refresh a node
        (kind "other" unless the event name says otherwise).
        """
        if not isinstance(event, dict):
            return None
        run_id = event.get("run_id")
        if not isinstance(run_id, str) or not run_id:
            return None
        if not isinstance(received_at, (int, float)) or isinstance(received_at, bool):
            received_at = self.last_event_at or 0.0
        received_at = float(received_at)
        if self.started_at is None:
            self.started_at = received_at
        if self.last_event_at is None or received_at > self.last_event_at:
            self.last_event_at = received_at
        if event.get("event") == CUSTOM_EVENT:
            return self._add_custom_event(run_id, event, received_at)

        kind, phase = parse_event_name(event.get("event"))
        data = event.get("data")
        if not isinstance(data, dict):
            data = {}

        node = self._nodes.get(run_id)
        known = node is not None
        if node is None:
            node = RunNode(run_id=run_id, started_at=received_at, last_seen_at=received_at)
            self._nodes[run_id] = node
            self._describe(node, event, kind)
            self._touch_subtree(self._children.get(run_id, []))  # children that came first
        elif phase == "start":
            self._describe(node, event, kind)
        parent_id = node.parent_id
        if node.parent_id is None and not node.is_root:
            self._place(node, event.get("parent_ids"))
        node.last_seen_at = max(node.last_seen_at, received_at)

        if phase == "start":
            if "input" in data:
                node.inputs = data["input"]
            if node.is_task and node.parent_id:
                self._end_earlier_steps(node)
        elif phase == "stream":
            if node.kind in MODEL_KINDS:
                shows_more = node.add_chunk(data.get("chunk"), received_at)
                if known and not shows_more and node.parent_id == parent_id:
                    self._count(node)
                    return node
        elif phase == "end":
            node.outputs = data.get("output")
            if node.kind in MODEL_KINDS:
                node.take_usage(node.outputs)
            if node.inputs is None and "input" in data:
                node.inputs = data["input"]
            node.tool_call_id = node.tool_call_id or _tool_call_id(node.outputs)
            self._close(node, "done", received_at)
            if not node.is_root:  # an interrupt ends the root with the nodes it stopped open
                why = HANDLED_ERROR.format(handler=node.name or node.kind)
                self._end_left_open(self.children(node.run_id), received_at, "error", why)
        elif phase == "error":
            if node.is_open:
                node.error = _error_text(data.get("error"))
            node.tool_call_id = node.tool_call_id or _tool_call_id(data)
            self._close(node, "error", received_at)
        self._touch(node)
        return node

    def _add_custom_event(self, run_id: str, event: dict[str, Any], at: float) -> RunNode:
        """An `on_custom_event` (`adispatch_custom_event`): a leaf under the run that sent it,
        named by the event, holding its payload. Its `run_id` is the sender's, so the leaf gets
        an id of its own."""
        self._custom_events += 1
        node = RunNode(
            run_id=f"{run_id}#event-{self._custom_events}",
            status="done",
            outputs=event.get("data"),
            started_at=at,
            last_seen_at=at,
            ended_at=at,
        )
        self._describe(node, event, CUSTOM_EVENT_KIND)
        node.name = node.name or "custom event"
        self._nodes[node.run_id] = node
        self._link(node, run_id)
        self._touch(node)
        return node

    def finish(
        self, status: FinishStatus, error: str | None = None, at: float | None = None
    ) -> None:
        """Record how the run ended and close every node still running.

        - "done" (the stream ended, no error): nodes still open never sent their end frame,
          and nothing says they failed: they become "unfinished" (see `UNFINISHED_NOTE`).
        - "interrupted" (the stream ended and the thread waits for a person): open nodes are
          where the graph stopped; they become "interrupted".
        - "cancelled" (the user stopped it): open nodes become "cancelled".
        - "error" (an `event: error` frame, a lost connection): open nodes become "error"; the
          message goes on the deepest open nodes (the failing node: the server sends no end
          frame for it) and on the root.

        Nodes closed here get `ended_at = at` (default: the latest frame's time). Only the first
        call counts: a later `finish` (say EOF after an error frame) changes nothing.
        """
        if self.is_finished:
            return
        if status not in ("done", "error", "cancelled", "interrupted"):
            status = "error"
        ended_at = at if at is not None else (self.last_event_at or 0.0)
        open_nodes = [node for node in self._nodes.values() if node.is_open]
        if status == "error":
            self._fail(open_nodes, error or RUN_FAILED, ended_at)
        else:
            closed_as: NodeStatus = "unfinished" if status == "done" else status
            for node in open_nodes:
                self._close(node, closed_as, ended_at)
        for node in open_nodes:
            self._touch(node)
        self.status = status
        self.error = (error or RUN_FAILED) if status == "error" else None
        self.ended_at = max(ended_at, self.last_event_at or ended_at)
        if self.started_at is None:
            self.started_at = self.ended_at

    def _fail(self, open_nodes: list[RunNode], message: str, at: float) -> None:
        """Close `open_nodes` as "error"; put `message` on the deepest of them and on the root."""
        open_ids = {node.run_id for node in open_nodes}
        for node in open_nodes:
            has_open_child = any(
                child_id in open_ids for child_id in self._children.get(node.run_id, [])
            )
            if not has_open_child or node.is_root:
                node.error = node.error or message
            self._close(node, "error", at)

    def _end_earlier_steps(self, task: RunNode) -> None:
        """A graph runs its steps one after another: once ``task`` starts, its graph's tasks of
        earlier steps still open are over. One that was run again in its step after it (a
        ``RetryPolicy``) failed; the others ended well."""
        step, graph_id = task.langgraph_step or 0, task.parent_id or ""
        if step <= self._steps.get(graph_id, step - 1):
            return  # not a new step: nothing to look at (a fan-out starts hundreds in one)
        self._steps[graph_id] = step
        tasks = [run for run in self.children(graph_id) if run.is_task]
        graph = self._nodes.get(graph_id)
        graph_name = graph.name if graph else "its graph"
        for run in tasks:
            if not run.is_open or (run.langgraph_step or 0) >= step:
                continue
            retried = any(
                other.name == run.name
                and other.langgraph_step == run.langgraph_step
                and other.started_at > run.started_at
                for other in tasks
            )
            if retried:
                why = HANDLED_ERROR.format(handler=graph_name)
                self._end_left_open([run], task.started_at, "error", why)
            else:
                why = ENDED_BY_NEXT_STEP.format(graph=graph_name, step=step)
                self._end_left_open([run], task.started_at, "done", why)

    def _end_left_open(self, runs: list[RunNode], at: float, status: NodeStatus, why: str) -> None:
        """Close those of ``runs`` that never reported their end, and the runs still open inside
        them, as ``status``, saying ``why`` (their error, or a note). Each ended after its last
        frame: when the next run beside it started after that (a fallback, a retry), else at
        ``at`` (or when the run around it was closed so)."""
        stack = [(run, at) for run in runs]
        while stack:
            node, bound = stack.pop()
            if not node.is_open:
                continue
            siblings = self.children(node.parent_id) if node.parent_id else []
            later = [run.started_at for run in siblings if run.started_at > node.last_seen_at]
            ended = min([*later, bound])
            if status == "error":
                node.error = node.error or why
            else:
                node.note = why
            self._close(node, status, ended)
            self._touch(node)
            stack += [(child, ended) for child in self.children(node.run_id)]

    # -- helpers -------------------------------------------------------------------------------

    def _touch(self, node: RunNode) -> None:
        self.revision += 1
        node.revision = self.revision

    def _count(self, node: RunNode) -> None:
        """Mark a model run whose token counts and speed alone changed (``counted_since``)."""
        self.revision += 1
        node.counted_revision = self.revision

    def _touch_subtree(self, run_ids: list[str]) -> None:
        """Mark runs and their descendants changed (their place in the tree moved)."""
        for run_id in run_ids:
            child = self._nodes.get(run_id)
            if child is not None:
                self._touch(child)
                self._touch_subtree(self._children.get(run_id, []))

    def _place(self, node: RunNode, parent_ids: Any) -> None:
        """Mark the root (`parent_ids == []`) or attach `node` under `parent_ids[-1]`."""
        if not isinstance(parent_ids, list):
            return
        if not parent_ids:
            node.is_root = True
            if not self.run_id:
                self.run_id = node.run_id
        elif isinstance(parent_ids[-1], str) and parent_ids[-1]:
            self._link(node, parent_ids[-1])

    def _link(self, node: RunNode, parent_id: str) -> None:
        """Attach `node` under `parent_id` unless that would make a cycle."""
        ancestor_id: str | None = parent_id
        while ancestor_id is not None:
            if ancestor_id == node.run_id:
                return
            ancestor = self._nodes.get(ancestor_id)
            ancestor_id = ancestor.parent_id if ancestor is not None else None
        node.parent_id = parent_id
        self._children.setdefault(parent_id, []).append(node.run_id)

    def _describe(self, node: RunNode, event: dict[str, Any], kind: str) -> None:
        """Set name, kind, tags and metadata from a node's first frame or its start frame."""
        name = event.get("name")
        if isinstance(name, str) and name:
            node.name = name
        if kind != OTHER_KIND or node.kind == OTHER_KIND:
            node.kind = kind
        tags = event.get("tags")
        if isinstance(tags, list):
            node.tags = [tag for tag in tags if isinstance(tag, str)]
        metadata = event.get("metadata")
        if isinstance(metadata, dict) and metadata:
            node.metadata = dict(metadata)
            lg_node = metadata.get("langgraph_node")
            if isinstance(lg_node, str) and lg_node:
                node.langgraph_node = lg_node
                if lg_node not in self._graph_node_names:
                    self._graph_node_names.add(lg_node)
                    self.names_revision = self.revision + 1  # this frame's touch
            step = metadata.get("langgraph_step")
            if isinstance(step, int) and not isinstance(step, bool):
                node.langgraph_step = step

    @staticmethod
    def _close(node: RunNode, status: NodeStatus, at: float) -> None:
        """Close a running node (a closed node keeps its first outcome)."""
        if node.is_open:
            node.status = status
            node.ended_at = max(at, node.started_at)


def parse_event_name(event: Any) -> tuple[str, str | None]:
    """Split `on_<kind>_<phase>` into (kind, phase).

    `on_chat_model_stream` -> ("chat_model", "stream"). An unknown kind is kept as written
    (`on_agent_start` -> ("agent", "start")); anything not of that shape -> ("other", None).
    """
    if not isinstance(event, str) or not event.startswith("on_"):
        return OTHER_KIND, None
    kind, _, phase = event[3:].rpartition("_")
    if not kind or phase not in PHASES:
        return OTHER_KIND, None
    return kind, phase


def _usage_counts(message: Any) -> dict[str, int]:
    """The token counts of a message's (or chunk's) ``usage_metadata``, if it has any: those
    of ``USAGE_KEYS``, and the output's reasoning tokens as ``reasoning_tokens``."""
    usage = message.get("usage_metadata") if isinstance(message, dict) else None
    if not isinstance(usage, dict):
        return {}
    details = usage.get("output_token_details")
    fields = {key: usage.get(key) for key in USAGE_KEYS}
    fields["reasoning_tokens"] = details.get("reasoning") if isinstance(details, dict) else None
    return {
        key: value
        for key, value in fields.items()
        if isinstance(value, int) and not isinstance(value, bool)
    }


def content_text(value: Any) -> str:
    """The text in a message, a message chunk, its `content`, or a plain string.

    `content` may be a string or a list of content blocks (`{"type": "text", "text": ...}`);
    other blocks (tool use, images) are skipped.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "content" in value:
            return content_text(value["content"])
        text = value.get("text")
        return text if isinstance(text, str) else ""
    if isinstance(value, list):
        parts = []
        for block in value:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type", "text") == "text":
                text = block.get("text")
                if isinstance(text, str):
                    parts.append(text)
        return "".join(parts)
    return ""


def thinking_text(value: Any) -> str:
    """The thinking in a message, a message chunk or its content blocks: Anthropic
    `thinking` (signatures skipped) and `redacted_thinking`, LangChain v1 `reasoning`, OpenAI
    reasoning summaries, and a `reasoning_content` field some providers send."""
    if isinstance(value, dict):
        if "content" in value:
            extra = value.get("additional_kwargs")
            kept = extra.get("reasoning_content") if isinstance(extra, dict) else None
            return thinking_text(value["content"]) + (kept if isinstance(kept, str) else "")
        return _block_thinking(value)
    if isinstance(value, list):
        return "".join(_block_thinking(block) for block in value if isinstance(block, dict))
    return ""


def _block_thinking(block: dict[str, Any]) -> str:
    kind = block.get("type")
    if kind == "thinking":
        text = block.get("thinking")
    elif kind == "redacted_thinking":
        text = "[redacted thinking]"
    elif kind == "reasoning":
        text = block.get("reasoning")
        summary = block.get("summary")
        if not isinstance(text, str) and isinstance(summary, list):
            text = "".join(
                str(part.get("text") or "") for part in summary if isinstance(part, dict)
            )
    else:
        text = None
    return text if isinstance(text, str) else ""


def _tool_call_id(value: Any) -> str | None:
    """The `tool_call_id` of a tool's output message or error frame data, if any."""
    call_id = value.get("tool_call_id") if isinstance(value, dict) else None
    return call_id if isinstance(call_id, str) and call_id else None


def _error_text(error: Any) -> str:
    """A readable message from an error frame's `data.error` (a string, or a dict)."""
    if isinstance(error, str) and error:
        return error
    if isinstance(error, dict):
        message = error.get("message")
        kind = error.get("error") or error.get("type")
        if isinstance(message, str) and message:
            return f"{kind}: {message}" if isinstance(kind, str) and kind else message
    if error is None:
        return "error"
    return str(error)
