"""The left sidebar: a new-thread button and the deployment's threads, newest first."""

import reflex as rx

from app import testids
from app.state import ConversationState, NavigationState, ThreadsState
from app.state.threads import ThreadSummary


def _thread_item(thread: rx.Var[ThreadSummary]) -> rx.Component:
    """Plain elements styled by class (app.css): the list re-renders whole when this tab adds
    a thread, and a deployment may have hundreds."""
    return rx.el.div(
        rx.el.span(thread.title, class_name="thread-title", title=thread.title),
        rx.el.div(
            rx.cond(thread.graph_id != "", rx.el.code(thread.graph_id, class_name="thread-graph")),
            rx.cond(thread.archived, rx.el.span("archived", class_name="thread-archived")),
            rx.cond(
                thread.updated_at != "",
                rx.moment(thread.updated_at, from_now=True, class_name="dim thread-age"),
            ),
            class_name="thread-meta",
        ),
        on_click=NavigationState.open_thread(thread.thread_id),
        class_name="thread-item",
        data_testid=testids.THREAD_ITEM,
        data_thread_id=thread.thread_id,
        data_current=(thread.thread_id == ConversationState.thread_id).to_string(),
    )


def thread_list() -> rx.Component:
    return rx.vstack(
        rx.button(
            rx.icon("plus", size=14),
            "New thread",
            variant="soft",
            width="100%",
            disabled=ConversationState.is_running,
            on_click=NavigationState.handle_new_thread_click,
            data_testid=testids.NEW_THREAD,
        ),
        rx.text("Threads", size="1", weight="bold", color=rx.color("gray", 10)),
        rx.box(
            rx.foreach(ThreadsState.created, _thread_item),
            rx.foreach(ThreadsState.threads, _thread_item),
            class_name="thread-scroller",
        ),
        class_name="thread-list",
        spacing="2",
    )
