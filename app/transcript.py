"""The chat side of a run: one assistant bubble per model call, one card per tool call.

Built from the same run tree the side panel shows, so the two always agree. No Reflex import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.run_tree import RunNode, RunTree, content_text
from app.vocabulary import MODEL_KINDS, MessageRole, NodeStatus

TITLE_LENGTH = 60


@dataclass
class ChatMessage:
    """One row of the chat. ``run_id`` is the model or tool run it came from, if any."""

    role: MessageRole
    content: str = ""
    run_id: str = ""
    tool_name: str = ""
    tool_args: str = ""
    tool_output: str = ""
    status: NodeStatus = "done"  # a tool card's or a bubble's run status


def run_messages(tree: RunTree) -> list[ChatMessage]:
    """The run's model answers and tool calls, in the order they started.

    A model call that only asked for tools (no text) gets no bubble: its tool cards say it.
    """
    runs = sorted(tree.model_runs() + tree.tool_runs(), key=lambda node: node.started_at or 0.0)
    messages = [_message_for(node) for node in runs]
    return [m for m in messages if m.role == "tool" or m.content]


def _message_for(node: RunNode) -> ChatMessage:
    if node.kind in MODEL_KINDS:
        text = node.streamed_text or node.output_text
        return ChatMessage("assistant", text, node.run_id, status=node.status)
    return ChatMessage(
        "tool",
        run_id=node.run_id,
        tool_name=node.name,
        tool_args=_compact(node.inputs),
        tool_output=_tool_output(node.outputs),
        status=node.status,
    )


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


def thread_messages(values: Any) -> list[ChatMessage]:
    """A thread's conversation from its state ``values`` (``GET /threads/{id}/state``)."""
    raw = values.get("messages") if isinstance(values, dict) else None
    if not isinstance(raw, list):
        return []
    tool_args = {
        call.get("id"): _compact(call.get("args"))
        for message in raw
        if isinstance(message, dict)
        for call in message.get("tool_calls") or []
        if isinstance(call, dict)
    }
    messages = []
    for message in raw:
        if not isinstance(message, dict):
            continue
        kind, text = message.get("type"), content_text(message.get("content"))
        if kind == "human":
            messages.append(ChatMessage("user", text))
        elif kind == "ai" and text:
            messages.append(ChatMessage("assistant", text))
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
    return messages


def thread_title(values: Any) -> str:
    """A thread's first user message, shortened, as its title in the thread list."""
    return title_from(next((m.content for m in thread_messages(values) if m.role == "user"), ""))


def title_from(question: str) -> str:
    """A question on one line, cut to TITLE_LENGTH characters."""
    line = " ".join(question.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"
