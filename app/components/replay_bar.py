"""The archive's controls above the run tree: replay the viewed run (1×, 5×, as fast as
possible, or step by step with a draggable position), export it or its thread, import a
recording (a file picker; a file dropped anywhere on the page works too)."""

import reflex as rx

from app import testids
from app.state import ConversationState, ReplayState, TreePanelState

SPEED_LABELS = {"1": "1×", "5": "5×", "max": "As fast as possible", "step": "Step by step"}


def _download(label: str, url: rx.Var[str], test_id: str) -> rx.Component:
    # A button, not a link: Reflex turns same-origin links into client-side page navigation.
    return rx.button(
        label, size="1", variant="ghost", on_click=rx.download(url=url), data_testid=test_id
    )


def _exports() -> rx.Component:
    run = "/archive/runs/" + TreePanelState.viewed_run_id
    thread = "/archive/threads/" + ConversationState.thread_id
    return rx.hstack(
        rx.text("Export run", size="1", class_name="dim"),
        _download("HTML", run + ".html", testids.EXPORT_HTML),
        _download("JSON", run + ".json", testids.EXPORT_JSON),
        rx.text("· thread", size="1", class_name="dim"),
        _download("HTML", thread + ".html", testids.EXPORT_THREAD_HTML),
        _download("JSON", thread + ".json", testids.EXPORT_THREAD_JSON),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _replay_controls() -> rx.Component:
    return rx.hstack(
        rx.el.select(
            *(rx.el.option(label, value=value) for value, label in SPEED_LABELS.items()),
            value=ReplayState.speed,
            on_change=ReplayState.pick_speed,
            class_name="replay-speed",
            title="Replay speed",
            data_testid=testids.REPLAY_SPEED,
        ),
        rx.cond(
            ConversationState.is_replaying & ~ReplayState.is_stepping,
            rx.button(
                rx.icon("square", size=12),
                "Stop replay",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=ConversationState.handle_stop_click,
            ),
            rx.button(
                rx.icon("play", size=12),
                "Replay",
                size="1",
                variant="soft",
                disabled=ConversationState.is_running,
                on_click=ReplayState.handle_replay_click,
                data_testid=testids.REPLAY_BUTTON,
            ),
        ),
        rx.cond(
            ReplayState.is_stepping,
            rx.hstack(
                rx.button(
                    rx.icon("step_forward", size=12),
                    size="1",
                    variant="soft",
                    title="Next frame",
                    on_click=ReplayState.handle_step_click,
                    data_testid=testids.REPLAY_STEP,
                ),
                rx.slider(
                    value=[ReplayState.position],
                    min=0,
                    max=ReplayState.length,
                    step=1,
                    size="1",
                    # while dragging, a few times a second; where it is let go, always
                    on_change=ReplayState.handle_position_change.throttle(100),
                    on_value_commit=ReplayState.handle_position_change,
                    width="110px",
                    data_testid=testids.REPLAY_POSITION,
                ),
                rx.text(
                    ReplayState.position.to_string() + " / " + ReplayState.length.to_string(),
                    size="1",
                    class_name="dim",
                ),
                align="center",
                spacing="2",
            ),
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _import() -> rx.Component:
    return rx.el.label(
        rx.icon("upload", size=12),
        rx.text("Import", size="1"),
        rx.el.input(
            type="file",
            accept=".json,application/json",
            class_name="visually-hidden",
            data_testid=testids.IMPORT_RECORDING,
        ),
        # assets/import_recording.js puts the upload's answer here, which sends it to the state.
        rx.el.input(
            id="import-result",
            type="text",
            on_change=ReplayState.handle_import_result,
            style={"display": "none"},
        ),
        class_name="import-button",
        title="Open a JSON recording (or drop one on the page)",
    )


def replay_bar() -> rx.Component:
    return rx.vstack(
        rx.cond(TreePanelState.viewed_run_id != "", _replay_controls()),
        rx.hstack(
            rx.cond(TreePanelState.viewed_run_id != "", _exports()),
            rx.spacer(),
            _import(),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
        class_name="replay-bar",
    )
