"""The top bar: product name, the thread's id, the run's status and who is signed in; above
it, on an app anyone may use, a banner that says so."""

import reflex as rx

from app import testids
from app.access.pages import SIGN_IN_PATH, SIGN_OUT_PATH
from app.state import AccessState, ConversationState, NavigationState, ThreadsState

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
        # The tree's running ring, not a spinner: an animation keeps the page drawing every
        # frame for as long as the run goes on.
        rx.cond(
            ConversationState.is_running,
            rx.el.span(class_name="status-dot", data_status="running"),
            rx.fragment(),
        ),
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
            on_change=NavigationState.pick_assistant,
            disabled=ConversationState.is_running,
            class_name="assistant-picker",
            title="Assistant (graph)",
            data_testid=testids.ASSISTANT_PICKER,
        ),
        rx.code(ThreadsState.assistant_id, size="1"),
    )


def threads_toggle() -> rx.Component:
    """Shows or hides the thread list (hidden by default on narrow screens, e.g. a projector)."""
    return rx.icon_button(
        rx.icon("panel-left", size=16),
        variant="ghost",
        size="2",
        title="Show or hide the threads",
        on_click=rx.call_script("window.pageLayout.toggle('threads')"),
        data_testid=testids.THREADS_TOGGLE,
    )


# A POST from the page; the gate checks its Origin, which the page's ``no-referrer`` policy
# would blank for this request, and ends the session for good.
SIGN_OUT_SCRIPT = (
    f"fetch('{SIGN_OUT_PATH}', {{method: 'POST', referrerPolicy: 'same-origin'}})"
    f".then(() => window.location.assign('{SIGN_IN_PATH}?signed_out=1'))"
)


def current_user() -> rx.Component:
    return rx.cond(
        AccessState.person != "",
        rx.hstack(
            rx.icon("circle_user", size=16, color=rx.color("gray", 10)),
            rx.text(AccessState.person, size="2", data_testid=testids.CURRENT_USER),
            rx.cond(
                AccessState.can_sign_out,
                rx.button(
                    "Sign out",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=rx.call_script(SIGN_OUT_SCRIPT),
                    data_testid=testids.SIGN_OUT,
                ),
            ),
            align="center",
            spacing="2",
        ),
    )


def open_access_banner() -> rx.Component:
    return rx.cond(
        AccessState.open_access,
        rx.callout(
            "Open access: anyone who can reach this address can use this app, read every "
            "thread and start runs with the deployment's key. See the README's \"Who can use "
            'it" to require a sign-in.',
            icon="lock_open",
            color_scheme="amber",
            size="1",
            width="100%",
            border_radius="0",
            data_testid=testids.OPEN_ACCESS,
        ),
    )


def header() -> rx.Component:
    return rx.hstack(
        threads_toggle(),
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
        current_user(),
        align="center",
        spacing="3",
        padding_x="16px",
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )
