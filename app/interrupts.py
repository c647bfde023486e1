"""A thread's pending interrupts as the chat shows them, and the ``resume`` values that answer
them (no Reflex import).

What graphs put in ``interrupt(value)`` comes in three shapes here:
- a question: a string, or a dict with a ``question`` (or ``message``/``prompt``) string;
- LangChain's ``HumanInTheLoopMiddleware`` requests: ``{"action_requests": [...],
  "review_configs": [...]}`` (batched, answered with ``{"decisions": [...]}``, one per request),
  or one ``{"type": "tool_approval", "name", "args", ...}`` (per call, answered with one
  decision);
- anything else, shown as JSON and answered with JSON when the answer parses, else a string.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from app.lg_client import ThreadState

InterruptKind = Literal["question", "actions", "value"]
DecisionType = Literal["approve", "edit", "reject", "respond"]
DECISION_TYPES: tuple[DecisionType, ...] = ("approve", "edit", "reject", "respond")
QUESTION_KEYS = ("question", "message", "prompt")


class AnswerError(ValueError):
    """An answer that cannot be sent as it is (say, edited arguments that are not JSON)."""


@dataclass
class ActionRequest:
    """One tool call waiting for a person's decision."""

    name: str
    args: str  # pretty JSON, also the starting point of an edit
    description: str
    allowed: list[str]  # of DECISION_TYPES


@dataclass
class InterruptCard:
    """One pending interrupt: what the graph asks, readably."""

    interrupt_id: str
    kind: InterruptKind
    text: str  # the question, or the value as pretty JSON
    actions: list[ActionRequest] = field(default_factory=list)
    per_call: bool = False  # a `tool_approval` value: answered with one bare decision


def pending_interrupts(state: ThreadState | dict[str, Any]) -> list[dict[str, Any]]:
    """The ``{"id", "value"}`` interrupts a thread waits on, from its state (``interrupts``, or
    its tasks' on servers that only list them there)."""
    found = state.get("interrupts")
    if not isinstance(found, list):
        tasks = state.get("tasks") if isinstance(state.get("tasks"), list) else []
        found = [
            i for task in tasks if isinstance(task, dict) for i in task.get("interrupts") or []
        ]
    return [i for i in found if isinstance(i, dict) and isinstance(i.get("id"), str)]


def interrupt_cards(state: ThreadState | dict[str, Any]) -> list[InterruptCard]:
    return [card_for(i["id"], i.get("value")) for i in pending_interrupts(state)]


def card_for(interrupt_id: str, value: Any) -> InterruptCard:
    if isinstance(value, str):
        return InterruptCard(interrupt_id, "question", value)
    if isinstance(value, dict):
        if isinstance(value.get("action_requests"), list):
            return InterruptCard(interrupt_id, "actions", "", _action_requests(value))
        if value.get("type") == "tool_approval":
            request = _action(value, list(DECISION_TYPES))
            return InterruptCard(interrupt_id, "actions", "", [request], per_call=True)
        question = next((value[k] for k in QUESTION_KEYS if isinstance(value.get(k), str)), None)
        if question is not None:
            return InterruptCard(interrupt_id, "question", question)
    return InterruptCard(interrupt_id, "value", _pretty(value))


def _action_requests(value: dict[str, Any]) -> list[ActionRequest]:
    configs = {
        c.get("action_name"): c.get("allowed_decisions")
        for c in value.get("review_configs") or []
        if isinstance(c, dict)
    }
    return [
        _action(request, configs.get(request.get("name")) or ["approve", "reject"])
        for request in value["action_requests"]
        if isinstance(request, dict)
    ]


def _action(request: dict[str, Any], allowed: list[Any]) -> ActionRequest:
    return ActionRequest(
        name=str(request.get("name") or "tool"),
        args=_pretty(request.get("args") or {}),
        description=str(request.get("description") or ""),
        allowed=[d for d in DECISION_TYPES if d in allowed],
    )


def text_answer(card: InterruptCard, text: str) -> Any:
    """The resume value for a typed answer: a question gets the text; any other value gets
    JSON when the text parses as JSON, else the text."""
    if card.kind == "value":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def decision(action: ActionRequest, kind: str, text: str = "") -> dict[str, Any]:
    """One decision on an action request. ``text`` is the edited arguments (JSON) for
    ``edit``, the message for ``reject`` and ``respond``."""
    if kind not in action.allowed:
        raise AnswerError(f"'{kind}' is not allowed for {action.name} (allowed: {action.allowed})")
    if kind == "approve":
        return {"type": "approve"}
    if kind == "edit":
        try:
            args = json.loads(text)
        except ValueError as exc:
            raise AnswerError(f"The edited arguments are not valid JSON: {exc}") from exc
        if not isinstance(args, dict):
            raise AnswerError('The edited arguments must be a JSON object, like {"city": "Paris"}')
        return {"type": "edit", "edited_action": {"name": action.name, "args": args}}
    message = text.strip()
    if kind == "respond" and not message:
        raise AnswerError("Write the response the tool should give before sending it.")
    return {"type": kind, "message": message} if message else {"type": kind}


def actions_answer(card: InterruptCard, decisions: list[dict[str, Any]]) -> Any:
    """The resume value for an actions card once each request has its decision."""
    return decisions[0] if card.per_call else {"decisions": decisions}


def resume_value(answers: dict[str, Any]) -> Any:
    """What ``command.resume`` carries: the one answer, or answers by interrupt id."""
    if len(answers) == 1:
        return next(iter(answers.values()))
    return dict(answers)


def resume_summary(cards: list[InterruptCard], resume: Any) -> str:
    """What the chat shows of ``resume`` (a ``resume_value``) answering ``cards``, a line each."""
    if len(cards) == 1:
        answers = {cards[0].interrupt_id: resume}
    else:
        answers = resume if isinstance(resume, dict) else {}
    return "\n".join(
        answer_summary(card, answers[card.interrupt_id])
        for card in cards
        if card.interrupt_id in answers
    )


def answer_summary(card: InterruptCard, answer: Any) -> str:
    """The answer as the chat shows it, on the person's side."""
    if card.kind == "actions":
        decisions = (
            answer.get("decisions") if isinstance(answer, dict) and not card.per_call else [answer]
        )
        parts = []
        for action, chosen in zip(card.actions, decisions or [], strict=False):
            kind = chosen.get("type") if isinstance(chosen, dict) else "?"
            detail = ""
            if kind == "edit":
                detail = " " + json.dumps(chosen["edited_action"]["args"], ensure_ascii=False)
            elif chosen.get("message"):
                detail = f": {chosen['message']}"
            parts.append(f"{kind.capitalize()} {action.name}{detail}")
        return "; ".join(parts)
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
