"""The cards of a thread's pending interrupts: what the graph asks, and how to answer it."""

import reflex as rx

from app import testids
from app.interrupts import ActionRequest, InterruptCard
from app.state import AnswersState, ConversationState


def _decision_button(
    card: rx.Var[InterruptCard], index: rx.Var[int], kind: str, label: str, testid: str, **props
) -> rx.Component:
    action: rx.Var[ActionRequest] = card.actions[index]
    return rx.cond(
        action.allowed.contains(kind),
        rx.button(
            label,
            type="button",
            size="1",
            on_click=AnswersState.decide_action(card.interrupt_id, index, kind),
            data_testid=testid,
            **props,
        ),
    )


def _action_request(card: rx.Var[InterruptCard], action: rx.Var[ActionRequest], index: rx.Var[int]):
    key = card.interrupt_id + "/" + index.to_string()
    return rx.vstack(
        rx.hstack(
            rx.icon("wrench", size=14),
            rx.text(action.name, weight="bold", size="2"),
            rx.text("wants to run with these arguments", size="1", class_name="dim"),
            align="center",
            spacing="2",
        ),
        rx.cond(
            action.allowed.contains("edit"),
            rx.text_area(
                default_value=action.args,
                on_change=lambda text: AnswersState.remember_draft(key + "/args", text),
                rows="3",
                width="100%",
                class_name="code-box",
                data_testid=testids.INTERRUPT_ARGS,
            ),
            rx.el.pre(action.args, class_name="payload"),
        ),
        rx.input(
            placeholder="Message for Reject or Respond (optional for Reject)",
            on_change=lambda text: AnswersState.remember_draft(key + "/message", text),
            size="2",
            width="100%",
            data_testid=testids.INTERRUPT_RESPONSE,
        ),
        rx.hstack(
            _decision_button(card, index, "approve", "Approve", testids.INTERRUPT_APPROVE),
            _decision_button(
                card, index, "edit", "Run with edited arguments", testids.INTERRUPT_EDIT,
                variant="soft",
            ),
            _decision_button(
                card, index, "reject", "Reject", testids.INTERRUPT_REJECT,
                variant="soft", color_scheme="red",
            ),
            _decision_button(
                card, index, "respond", "Respond instead", testids.INTERRUPT_RESPOND,
                variant="soft", color_scheme="gray",
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="2",
        width="100%",
    )  # fmt: skip


def _answer_form(card: rx.Var[InterruptCard]) -> rx.Component:
    return rx.form(
        # The form's submit handler is compiled outside the loop: the card's id goes as data.
        rx.el.input(type="hidden", name="interrupt_id", value=card.interrupt_id),
        rx.vstack(
            rx.text_area(
                name="response",
                placeholder=rx.cond(
                    card.kind == "value",
                    "Your answer (sent as JSON when it parses as JSON, else as text)",
                    "Your answer",
                ),
                rows="2",
                width="100%",
                data_testid=testids.INTERRUPT_RESPONSE,
            ),
            rx.button("Send answer", type="submit", size="1", data_testid=testids.INTERRUPT_SUBMIT),
            spacing="2",
            align="end",
            width="100%",
        ),
        on_submit=AnswersState.answer_interrupt,
        reset_on_submit=False,
        width="100%",
    )


def interrupt_card(card: rx.Var[InterruptCard]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon("hand", size=16, color=rx.color("amber", 11)),
            rx.text("The agent is waiting for you", weight="bold", size="2"),
            align="center",
            spacing="2",
        ),
        rx.match(
            card.kind,
            ("question", rx.text(card.text, size="3", class_name="interrupt-question")),
            ("value", rx.el.pre(card.text, class_name="payload")),
            rx.fragment(),
        ),
        rx.cond(
            AnswersState.answered.contains(card.interrupt_id),
            rx.text("Answered: it is sent with your answers to the other cards.", size="1"),
            rx.cond(
                card.kind == "actions",
                rx.foreach(card.actions, lambda action, i: _action_request(card, action, i)),
                _answer_form(card),
            ),
        ),
        class_name="interrupt-card",
        data_testid=testids.INTERRUPT,
        data_interrupt_id=card.interrupt_id,
    )


def interrupt_cards() -> rx.Component:
    return rx.cond(
        ConversationState.is_waiting,
        rx.foreach(ConversationState.interrupts, interrupt_card),
    )
