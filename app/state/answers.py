"""Answering the thread's interrupts: from their cards (a question's answer; approve, edit,
reject or respond to a tool call), or from the composer. Several pending interrupts are
answered together, in one resume run."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.interrupts import (
    AnswerError,
    InterruptCard,
    actions_answer,
    decision,
    resume_summary,
    resume_value,
    text_answer,
)
from app.state.conversation import ConversationState
from app.state.page_scripts import give_back


def draft_key(interrupt_id: str, index: int, field: str) -> str:
    return f"{interrupt_id}/{index}/{field}"


class AnswersState(ConversationState):
    """A substate of the conversation: its interrupts' answers until all are given."""

    answered: list[str] = []  # interrupts answered here, waiting for the others

    _answers: dict[str, Any] = {}
    _decisions: dict[str, list[dict[str, Any] | None]] = {}
    # What is typed in an action card (edited arguments, a message), by `draft_key`.
    _drafts: dict[str, str] = {}

    @rx.event
    def remember_draft(self, key: str, text: str):
        self._drafts[key] = text

    @rx.event
    def answer_interrupt(self, form_data: dict[str, Any]):
        """A question's (or any value's) card was answered (its form names the interrupt)."""
        card = self._card(str(form_data.get("interrupt_id") or ""))
        if card is None:
            return None
        text = str(form_data.get("response") or "").strip()
        if not text:
            self.error_message = "Write an answer before sending it."
            return None
        return self._take(card, text_answer(card, text))

    @rx.event
    def decide_action(self, interrupt_id: str, index: int, kind: str):
        """Approve, edit, reject or respond to one tool call of an action card."""
        card = self._card(interrupt_id)
        if card is None or not 0 <= index < len(card.actions):
            return None
        action = card.actions[index]
        field = "args" if kind == "edit" else "message"
        typed = self._drafts.get(
            draft_key(interrupt_id, index, field), action.args if field == "args" else ""
        )
        try:
            chosen = decision(action, kind, typed)
        except AnswerError as exc:
            self.error_message = str(exc)  # the card keeps what was typed
            return None
        decisions = self._decisions.setdefault(interrupt_id, [None] * len(card.actions))
        decisions[index] = chosen
        if any(d is None for d in decisions):
            return None
        return self._take(card, actions_answer(card, decisions))

    @rx.event
    def handle_composer_submit(self, form_data: dict[str, Any]):
        """The composer answers the interrupt the thread waits on; otherwise it asks."""
        if not self.is_waiting:
            return ConversationState.handle_submit(form_data)
        text = str(form_data.get("question") or "").strip()
        if not text:
            return None
        unanswered = [c for c in self.interrupts if c.interrupt_id not in self._answers]
        card = unanswered[0] if len(unanswered) == 1 else None
        try:
            if card is None:
                raise AnswerError(
                    f"{len(unanswered)} questions wait for an answer: answer each in its card."
                )
            if card.kind == "actions":
                if len(card.actions) != 1:
                    raise AnswerError("Decide on each tool call in its card.")
                answer = actions_answer(card, [decision(card.actions[0], "reject", text)])
            else:
                answer = text_answer(card, text)
        except AnswerError as exc:
            self.error_message = str(exc)
            return give_back(text)
        return self._take(card, answer)

    def _card(self, interrupt_id: str) -> InterruptCard | None:
        if self.status == "running":
            return None
        return next((c for c in self.interrupts if c.interrupt_id == interrupt_id), None)

    def _take(self, card: InterruptCard, answer: Any):
        """Keep ``card``'s answer; once every card has one, resume the thread with them all."""
        self._answers[card.interrupt_id] = answer
        self.error_message = ""
        pending = [c.interrupt_id for c in self.interrupts]
        answers = {i: self._answers[i] for i in pending if i in self._answers}
        if len(answers) < len(pending):
            self.answered = list(answers)
            return None
        value = resume_value(answers)
        self._answers, self._decisions, self._drafts, self.answered = {}, {}, {}, []
        return self.resume(resume_summary(self.interrupts, value), {"resume": value}, pending)
