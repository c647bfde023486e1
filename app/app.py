"""Assembles the app: one page, the chat beside the live run tree."""

import reflex as rx

from app import deployment
from app.access import AccessGate
from app.archive.routes import archive_api
from app.components.composer import composer
from app.components.header import header, open_access_banner
from app.components.message_list import message_list
from app.components.run_tree_panel import run_tree_panel, tree_resizer
from app.components.thread_list import thread_list
from app.operations import configure_logging, health_api
from app.state import AccessState, ConversationState, NavigationState


def index() -> rx.Component:
    return rx.box(
        open_access_banner(),
        header(),
        rx.box(
            thread_list(),
            rx.box(message_list(), composer(), class_name="chat-column"),
            tree_resizer(),
            run_tree_panel(),
            class_name="columns",
        ),
        # While a run streams, ask every 2 s whether its follower is alive (see check_run_alive).
        rx.cond(
            ConversationState.is_running,
            rx.moment(
                interval=2000,
                format="HH:mm:ss",
                on_change=ConversationState.check_run_alive,
                display="none",
            ),
        ),
        class_name="page",
        data_hydrated=rx.State.is_hydrated.to_string(),
    )


configure_logging()
app = rx.App(
    stylesheets=["/app.css"],
    # Plain <script> tags in the served page's head: they run before the app connects, so
    # the states' page scripts always find them (rx.script would add them after hydration).
    head_components=[
        rx.el.script(src=f"/{script}")
        for script in (
            "markdown.js",
            "live_text.js",
            "run_tree.js",
            "page_layout.js",
            "import_recording.js",
        )
    ],
    # The gate is outermost: it sees the page, the assets, /health, the archive and the websocket.
    api_transformer=[health_api, archive_api, AccessGate],
)
app.register_lifespan_task(deployment.lifespan)
app.add_page(
    index,
    title="LangGraph run inspector",
    on_load=[NavigationState.handle_page_load, AccessState.handle_page_load],
)
