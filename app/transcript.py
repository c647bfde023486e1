"""The chat side of a run: one assistant bubble per model call, one card per tool call.

Built from the same run tree the side panel shows, so the two always agree. No Reflex import.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from app.run_tree import RunNode, RunTree, content_text, thinking_text
from app.vocabulary import MODEL_KINDS, CardStatus, MessageRole, NodeStatus

TITLE_LENGTH = 60
#: From this many parallel tasks of one graph node in one step on (a `Send` fan-out), their
#: bubbles and cards fold into one ``branches`` row, which a person opens to see them.
FOLD_BRANCHES_AT = 6


@dataclass
class ChatMessage:
    """One row of the chat. ``run_id`` is the model or tool run it came from, if any (a tool
    call whose tool has not started yet carries its model's run). A ``branches`` row carries
    the graph run that fanned out, the branches' node name in ``tool_name``, how they did in
    ``content`` and their outcome in ``status``."""

    role: MessageRole
    content: str = ""
    run_id: str = ""
    tool_name: str = ""
    tool_args: str = ""
    tool_output: str = ""
    status: CardStatus = "done"  # a tool card's or a bubble's run status
    thinking: str = ""  # what the model thought before answering (never part of the answer)
    # The fan-out a ``branches`` row stands for, or that a bubble or card inside it belongs to.
    group: str = ""


def run_messages(tree: RunTree) -> list[ChatMessage]:
    """The run's model answers and tool calls, in the order they started.

    A model call that only asked for tools (no text) gets no bubble: its tool cards say it;
    nor does one tagged ``nostream`` (see ``answer_runs``).
    A tool call whose tool has not started (its arguments still streaming, or waiting for a
    person's approval) gets a ``pending`` card right after its model's answer.
    """
    models, tools = answer_runs(tree), tree.tool_runs()
    unstarted = _unstarted_calls(models, tools)
    messages: list[tuple[float, ChatMessage]] = []
    for node in sorted(models + tools, key=lambda node: node.started_at):
        if node.kind in MODEL_KINDS:
            bubble = _model_message(node)
            if bubble.content or bubble.thinking:
                messages.append((node.started_at, bubble))
            messages.extend((node.started_at, card) for card in unstarted.get(node.run_id, []))
        else:
            messages.append((node.started_at, _tool_message(node, tree)))
    output = _output_message(tree)
    return [message for _, message in messages] + ([output] if output else [])


def answer_runs(tree: RunTree) -> list[RunNode]:
    """The model runs that speak in the chat, in start order: all but those tagged
    ``nostream`` (their text stays in their tree node)."""
    return [node for node in tree.model_runs() if node.answers_in_chat]


@dataclass
class _FanOut:
    """Parallel tasks of one graph node (``name``) in one step, under the graph ``parent_id``."""

    key: str
    parent_id: str
    name: str
    tasks: list[RunNode]  # in the order they started
    branch_of: dict[str, int] = field(init=False)  # a task's run_id -> its place in ``tasks``

    def __post_init__(self) -> None:
        self.branch_of = {task.run_id: index for index, task in enumerate(self.tasks)}


def fold_branches(
    messages: list[ChatMessage], tree: RunTree, open_groups: Collection[str]
) -> list[ChatMessage]:
    """``tree``'s ``messages`` with those of each large fan-out (``FOLD_BRANCHES_AT``) replaced
    by one ``branches`` row where the first of them was, and followed by them (marked with its
    ``group``, branch by branch in the order the branches started) only when the group is in
    ``open_groups``. A fan-out inside a branch of another folds into the outer one."""
    fan_outs = _fan_outs(tree)
    if not fan_outs:
        return messages
    members: dict[str, list[tuple[int, ChatMessage]]] = {}
    rows: list[ChatMessage | _FanOut] = []
    for message in messages:
        found = _outermost_task(tree, message.run_id, fan_outs)
        if found is None:
            rows.append(message)
            continue
        fan_out = fan_outs[found]
        if fan_out.key not in members:
            members[fan_out.key] = []
            rows.append(fan_out)
        if fan_out.key in open_groups:  # a folded one's messages are not shown: not copied
            member = dataclasses.replace(message, group=fan_out.key)
            members[fan_out.key].append((fan_out.branch_of[found], member))
    folded: list[ChatMessage] = []
    for row in rows:
        if isinstance(row, ChatMessage):
            folded.append(row)
            continue
        folded.append(_branches_row(row))
        if row.key in open_groups:  # a stable sort: each branch's messages keep their order
            folded.extend(m for _, m in sorted(members[row.key], key=lambda pair: pair[0]))
    return folded


def fan_out_holding(tree: RunTree, run_id: str) -> str:
    """The ``group`` of the large fan-out ``run_id`` runs in (the key of its ``branches``
    row), or "" when it runs in none."""
    fan_outs = _fan_outs(tree)
    task = _outermost_task(tree, run_id, fan_outs) if fan_outs else None
    return fan_outs[task].key if task else ""


def _fan_outs(tree: RunTree) -> dict[str, _FanOut]:
    """The large fan-outs of ``tree``, by the run_id of each of their tasks."""
    by_step: dict[tuple[str, str, int], list[RunNode]] = {}
    for node in tree.nodes:
        if node.is_task and node.parent_id:
            by_step.setdefault((node.parent_id, node.name, node.langgraph_step or 0), []).append(
                node
            )
    fan_outs = {}
    for (parent_id, name, step), tasks in by_step.items():
        if len(tasks) >= FOLD_BRANCHES_AT:
            fan_out = _FanOut(f"{parent_id}/{name}/{step}", parent_id, name, tasks)
            fan_outs.update((task.run_id, fan_out) for task in tasks)
    return fan_outs


def _outermost_task(tree: RunTree, run_id: str, fan_outs: dict[str, _FanOut]) -> str | None:
    """The run_id of the outermost fan-out task ``run_id`` runs in (itself included), if any."""
    found, node = None, tree.get(run_id) if run_id else None
    while node is not None:
        found = node.run_id if node.run_id in fan_outs else found
        node = tree.get(node.parent_id) if node.parent_id else None
    return found


def _branches_row(fan_out: _FanOut) -> ChatMessage:
    """``40 in parallel · 2 running · 38 done`` (after the node's name: ``branch``, or
    ``tools`` for a model's parallel tool calls in `create_agent`): running while any branch
    runs, else the first other outcome than done, if any."""
    counts = Counter(task.status for task in fan_out.tasks)
    in_order = [(status, counts[status]) for status in get_args(NodeStatus) if counts[status]]
    summary = " · ".join(
        [f"{len(fan_out.tasks)} in parallel", *(f"{n} {status}" for status, n in in_order)]
    )
    status = next((s for s, _ in in_order if s != "done"), "done")  # running comes first
    return ChatMessage(
        "branches",
        summary,
        fan_out.parent_id,
        tool_name=fan_out.name,
        status=status,
        group=fan_out.key,
    )


def _output_message(tree: RunTree) -> ChatMessage | None:
    """A graph without chat messages answers with its final output values, as JSON."""
    root = tree.root
    if tree.status != "done" or root is None or not isinstance(root.outputs, dict):
        return None
    if "messages" in root.outputs:
        return None
    text = json.dumps(root.outputs, indent=2, ensure_ascii=False, default=str)
    return ChatMessage("assistant", f"```json\n{text}\n```", root.run_id)


def _model_message(node: RunNode) -> ChatMessage:
    text = node.streamed_text or node.output_text
    thinking = node.streamed_thinking or thinking_text(node.outputs)
    return ChatMessage("assistant", text, node.run_id, status=node.status, thinking=thinking)


def _tool_message(node: RunNode, tree: RunTree) -> ChatMessage:
    output = _tool_output(node.outputs)
    if not output and node.status == "error":
        # The server masks a tool's error; a tools node that handles errors says what it was.
        output = _handled_error(node, tree) or node.error or ""
    return ChatMessage(
        "tool",
        run_id=node.run_id,
        tool_name=node.name,
        tool_args=_compact(node.inputs),
        tool_output=output,
        status=node.status,
    )


def _unstarted_calls(models: list[RunNode], tools: list[RunNode]) -> dict[str, list[ChatMessage]]:
    """Per model run, the cards of the tool calls it asked for that no tool run took up yet.
    A tool run takes up the earliest unmatched call of its name made before it started."""
    open_calls = [
        (model, call)
        for model in sorted(models, key=lambda m: m.started_at)
        for call in _calls(model)
    ]
    for tool in sorted(tools, key=lambda t: t.started_at):
        match = next(
            (
                pair
                for pair in open_calls
                if pair[1]["name"] == tool.name and pair[0].started_at <= tool.started_at
            ),
            None,
        )
        if match:
            open_calls.remove(match)
    cards: dict[str, list[ChatMessage]] = {}
    for model, call in open_calls:
        cards.setdefault(model.run_id, []).append(
            ChatMessage(
                "tool",
                run_id=model.run_id,
                tool_name=call["name"],
                tool_args=call["args"],
                status="running" if model.is_open else "pending",
            )
        )
    return cards


def _calls(model: RunNode) -> list[dict[str, str]]:
    """A model run's tool calls as name and argument text: final ones when it ended, else the
    fragments streamed so far."""
    final = _calls_in(model.outputs) if isinstance(model.outputs, dict) else []
    if final:
        return [
            {"name": str(call.get("name") or "tool"), "args": _compact(call.get("args"))}
            for call in final
        ]
    return [
        {"name": str(chunk["name"] or "tool"), "args": chunk["args"]}
        for chunk in model.tool_call_chunks
    ]


def _handled_error(node: RunNode, tree: RunTree) -> str:
    """The error text of the `ToolMessage` (status `error`) an ancestor output for this call."""
    parent = tree.get(node.parent_id) if node.parent_id else None
    while parent is not None:
        for message in _messages_in(parent.outputs):
            same_call = node.tool_call_id and message.get("tool_call_id") == node.tool_call_id
            if (
                message.get("type") == "tool"
                and message.get("status") == "error"
                and (same_call or (not node.tool_call_id and message.get("name") == node.name))
            ):
                return content_text(message)
        parent = tree.get(parent.parent_id) if parent.parent_id else None
    return ""


def _messages_in(output: Any) -> list[dict[str, Any]]:
    messages = output.get("messages") if isinstance(output, dict) else None
    return [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []


def _tool_output(output: Any) -> str:
    if output is None:
        return ""
    if isinstance(output, dict) and "content" in output:
        return content_text(output["content"]) or _compact(output["content"])
    return output if isinstance(output, str) else _compact(output)


def _compact(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and set(value) == {"input"} and isinstance(value["input"], str):
        return value["input"]
    return json.dumps(value, ensure_ascii=False, default=str)


def state_messages(values: Any) -> list[dict[str, Any]]:
    """The graph's messages in a thread state's ``values`` (none for a graph without them)."""
    raw = values.get("messages") if isinstance(values, dict) else None
    return [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []


def thread_messages(
    values: Any, answers: Mapping[int, list[str]] | None = None
) -> list[ChatMessage]:
    """A thread's conversation from its state ``values`` (``GET /threads/{id}/state``), with
    the person's ``answers`` to interrupts (lines by the index of the state message they
    came before: the server keeps no message for them).

    A tool call with no tool message yet (waiting for a person's approval) is a pending card."""
    raw = state_messages(values)
    answered = {m.get("tool_call_id") for m in raw if m.get("type") == "tool"}
    tool_args = {call.get("id"): _compact(call.get("args")) for m in raw for call in _calls_in(m)}
    answers = answers or {}
    messages = []
    for index, message in enumerate(raw):
        messages.extend(ChatMessage("user", line) for line in answers.get(index, []))
        kind, text = message.get("type"), content_text(message.get("content"))
        if kind == "human":
            messages.append(ChatMessage("user", text))
        elif kind == "ai":
            thinking = thinking_text(message)
            if text or thinking:
                messages.append(ChatMessage("assistant", text, thinking=thinking))
            messages.extend(
                ChatMessage(
                    "tool",
                    tool_name=str(call.get("name") or "tool"),
                    tool_args=_compact(call.get("args")),
                    status="pending",
                )
                for call in _calls_in(message)
                if call.get("id") not in answered
            )
        elif kind == "tool":
            messages.append(
                ChatMessage(
                    "tool",
                    tool_name=str(message.get("name") or "tool"),
                    tool_args=tool_args.get(message.get("tool_call_id"), ""),
                    tool_output=text,
                    status="error" if message.get("status") == "error" else "done",
                )
            )
    messages.extend(ChatMessage("user", line) for line in answers.get(len(raw), []))
    return messages


def _calls_in(message: dict[str, Any]) -> list[dict[str, Any]]:
    calls = message.get("tool_calls")
    return [call for call in calls if isinstance(call, dict)] if isinstance(calls, list) else []


def input_question(input: dict[str, Any]) -> str:
    """What the chat shows of the input of a graph without chat messages (its form's)."""
    return json.dumps(input, indent=2, ensure_ascii=False)


def thread_title(values: Any) -> str:
    """A thread's first user message, shortened, as its title in the thread list."""
    return title_from(next((m.content for m in thread_messages(values) if m.role == "user"), ""))


def title_from(question: str) -> str:
    """A question on one line, cut to TITLE_LENGTH characters."""
    line = " ".join(question.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"
