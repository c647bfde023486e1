"""The question box, its Send and Stop buttons, and the error banner above it."""

import reflex as rx

from app import testids
from app.state import ConversationState
from app.state.conversation import COMPOSER_ID


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


def composer() -> rx.Component:
    return rx.vstack(
        error_banner(),
        stream_notes(),
        rx.form(
            rx.hstack(
                rx.input(
                    name="question",
                    id=COMPOSER_ID,
                    placeholder="Ask the agent… e.g. What's the weather in SF?",
                    disabled=ConversationState.is_running | ConversationState.read_only,
                    auto_focus=True,
                    size="3",
                    flex="1",
                    data_testid=testids.COMPOSER_INPUT,
                ),
                rx.cond(
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
                        "Send",
                        type="submit",
                        size="3",
                        disabled=ConversationState.read_only,
                        data_testid=testids.SEND_BUTTON,
                    ),
                ),
                width="100%",
            ),
            on_submit=ConversationState.handle_submit,
            reset_on_submit=True,
            width="100%",
        ),
        width="100%",
        spacing="2",
        padding="12px 16px",
        border_top=f"1px solid {rx.color('gray', 5)}",
    )
