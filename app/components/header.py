"""The top bar: product name, the thread's id and the run's status."""

import reflex as rx

from app import testids
from app.state import ChatState

STATUS_COLORS = {
    "idle": "gray",
    "running": "blue",
    "done": "green",
    "error": "red",
    "cancelled": "amber",
}


def run_status_badge() -> rx.Component:
    return rx.badge(
        rx.cond(ChatState.is_running, rx.spinner(size="1"), rx.fragment()),
        ChatState.status,
        color_scheme=rx.match(ChatState.status, *STATUS_COLORS.items(), "gray"),
        variant="soft",
        size="2",
        data_testid=testids.RUN_STATUS,
        data_status=ChatState.status,
    )


def assistant_picker() -> rx.Component:
    return rx.cond(
        ChatState.assistant_ids.length() > 1,
        rx.el.select(
            rx.foreach(ChatState.assistant_ids, lambda graph_id: rx.el.option(graph_id)),
            value=ChatState.assistant_id,
            on_change=ChatState.pick_assistant,
            disabled=ChatState.is_running,
            class_name="assistant-picker",
            title="Assistant (graph)",
            data_testid=testids.ASSISTANT_PICKER,
        ),
        rx.code(ChatState.assistant_id, size="1"),
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.heading("LangGraph run inspector", size="4"),
        rx.spacer(),
        assistant_picker(),
        rx.text(
            "thread ",
            rx.code(
                rx.cond(ChatState.thread_id != "", ChatState.thread_id, "new"),
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
