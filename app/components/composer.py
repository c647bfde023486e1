"""The question box, its Send and Stop buttons, and the error banner above it."""

import reflex as rx

from app import testids
from app.graph_input import InputField
from app.state import AnswersState, ConversationState, ThreadsState
from app.state.page_scripts import COMPOSER_ID


def error_banner() -> rx.Component:
    return rx.cond(
        ConversationState.error_message != "",
        rx.callout(
            rx.hstack(
                rx.text(ConversationState.error_message, flex="1"),
                rx.cond(
                    ConversationState.can_retry,
                    rx.button(
                        rx.icon("rotate_ccw", size=14),
                        "Retry",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=ConversationState.handle_retry_click,
                        data_testid=testids.RETRY_BUTTON,
                    ),
                ),
                align="center",
                width="100%",
            ),
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
            width="100%",
            data_testid=testids.ERROR_BANNER,
        ),
    )


def stream_notes() -> rx.Component:
    return rx.foreach(
        ConversationState.stream_notes,
        lambda note: rx.text(note, size="1", color=rx.color("amber", 11)),
    )


def _stop_or_send(label: str) -> rx.Component:
    return rx.cond(
        ConversationState.is_running,
        rx.button(
            rx.icon("square", size=14),
            "Stop",
            type="button",
            color_scheme="red",
            variant="soft",
            size="3",
            on_click=ConversationState.handle_stop_click,
            data_testid=testids.STOP_BUTTON,
        ),
        rx.button(
            rx.icon("send", size=14),
            label,
            type="submit",
            size="3",
            disabled=ConversationState.read_only,
            data_testid=testids.SEND_BUTTON,
        ),
    )


def chat_box() -> rx.Component:
    """The question box (also the answer box while the graph waits for one)."""
    return rx.form(
        rx.hstack(
            # Enter sends, Shift+Enter starts a new line (a pasted table or code keeps its lines).
            rx.text_area(
                name="question",
                id=COMPOSER_ID,
                placeholder=rx.cond(
                    ConversationState.is_waiting,
                    "The agent waits for your answer (or use its card above)",
                    "Ask the agent… e.g. What's the weather in SF?",
                ),
                disabled=ConversationState.is_running | ConversationState.read_only,
                auto_focus=True,
                enter_key_submit=True,
                auto_height=True,
                rows="1",
                size="3",
                flex="1",
                class_name="composer-input",
                data_testid=testids.COMPOSER_INPUT,
            ),
            _stop_or_send("Send"),
            align="end",
            width="100%",
        ),
        on_submit=AnswersState.handle_composer_submit,
        reset_on_submit=True,
        width="100%",
    )


def _input_field(field: rx.Var[InputField]) -> rx.Component:
    label = rx.text(field.name, rx.cond(field.required, " *", ""), size="1", weight="bold")
    control = rx.match(
        field.kind,
        ("boolean", rx.checkbox(name=field.name)),
        (
            "json",
            rx.text_area(name=field.name, placeholder="JSON", rows="2", class_name="code-box"),
        ),
        rx.input(
            name=field.name,
            type=rx.match(field.kind, ("integer", "number"), ("number", "number"), "text"),
            step=rx.cond(field.kind == "number", "any", "1"),
            placeholder=field.description,
            size="2",
        ),
    )
    return rx.el.label(
        label,
        control,
        class_name="input-field",
        data_testid=testids.GRAPH_INPUT_FIELD,
        data_name=field.name,
    )


def input_form() -> rx.Component:
    """A graph without chat messages gets a form built from its input schema."""
    return rx.form(
        rx.hstack(
            rx.foreach(ThreadsState.input_fields, _input_field),
            _stop_or_send("Run"),
            align="end",
            wrap="wrap",
            spacing="3",
            width="100%",
        ),
        on_submit=ConversationState.handle_input_submit,
        reset_on_submit=False,
        width="100%",
        data_testid=testids.GRAPH_INPUT_FORM,
    )


def composer() -> rx.Component:
    return rx.vstack(
        error_banner(),
        stream_notes(),
        rx.cond(
            (ThreadsState.input_fields.length() > 0) & ~ConversationState.is_waiting,
            input_form(),
            chat_box(),
        ),
        width="100%",
        spacing="2",
        padding="12px 16px",
        border_top=f"1px solid {rx.color('gray', 5)}",
    )
