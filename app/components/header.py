"""The top bar: product name, the thread's id and the run's status."""

import reflex as rx

from app import testids
from app.state import ConversationState, ThreadsState

STATUS_COLORS = {
    "idle": "gray",
    "running": "blue",
    "done": "green",
    "error": "red",
    "cancelled": "amber",
    "interrupted": "amber",
}


def run_status_badge() -> rx.Component:
    return rx.badge(
        rx.cond(ConversationState.is_running, rx.spinner(size="1"), rx.fragment()),
        rx.cond(
            ConversationState.status == "interrupted",
            "interrupted · waiting for you",
            ConversationState.status,
        ),
        color_scheme=rx.match(ConversationState.status, *STATUS_COLORS.items(), "gray"),
        variant="soft",
        size="2",
        data_testid=testids.RUN_STATUS,
        data_status=ConversationState.status,
    )


def assistant_picker() -> rx.Component:
    return rx.cond(
        ThreadsState.assistant_ids.length() > 1,
        rx.el.select(
            rx.foreach(ThreadsState.assistant_ids, lambda graph_id: rx.el.option(graph_id)),
            value=ThreadsState.assistant_id,
            on_change=ConversationState.pick_assistant,
            disabled=ConversationState.is_running,
            class_name="assistant-picker",
            title="Assistant (graph)",
            data_testid=testids.ASSISTANT_PICKER,
        ),
        rx.code(ThreadsState.assistant_id, size="1"),
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.heading("LangGraph run inspector", size="4"),
        rx.spacer(),
        assistant_picker(),
        rx.text(
            "thread ",
            rx.code(
                rx.cond(ConversationState.thread_id != "", ConversationState.thread_id, "new"),
                data_testid=testids.THREAD_ID,
            ),
            size="1",
            color=rx.color("gray", 11),
        ),
        run_status_badge(),
        align="center",
        spacing="3",
        padding_x="16px",
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )
