"""The side panel: the live tree of the viewed run (drawn in the page by assets/run_tree.js
from the deltas the state sends), the run's totals, a node's details; foldable and resizable."""

import reflex as rx

from app import testids
from app.components.replay_bar import replay_bar
from app.run_tree import DetailRow
from app.state import TreePanelState

#: The run id of the tree node a click landed on ("" elsewhere), read in the page.
CLICKED_NODE = rx.Var(
    "(_e.target.closest('.node-row')?.closest('[data-run-id]')?.dataset.runId ?? '')"
)


def _detail_row(detail: rx.Var[DetailRow]) -> rx.Component:
    """Short values on one line; payloads (inputs, outputs, metadata) as folded blocks."""
    label = rx.text(detail.label, size="1", weight="bold", color=rx.color("gray", 11))
    return rx.cond(
        detail.is_block,
        rx.el.details(
            rx.el.summary(label),
            rx.el.pre(detail.value, class_name="payload"),
            open=detail.label != "Metadata",
            class_name="detail-row",
        ),
        rx.box(label, rx.code(detail.value, size="1"), class_name="detail-row inline"),
    )


def node_details() -> rx.Component:
    return rx.cond(
        TreePanelState.selected_details.length() > 0,
        rx.box(
            rx.hstack(
                rx.heading("Details", size="2"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    size="1",
                    on_click=TreePanelState.select_run(""),
                ),
                align="center",
            ),
            rx.foreach(TreePanelState.selected_details, _detail_row),
            class_name="node-details",
            data_testid=testids.NODE_DETAILS,
        ),
    )


def _run_picker() -> rx.Component:
    return rx.cond(
        TreePanelState.run_choices.length() > 0,
        rx.el.select(
            rx.foreach(
                TreePanelState.run_choices,
                lambda choice: rx.el.option(choice.label, value=choice.run_id),
            ),
            value=TreePanelState.viewed_run_id,
            on_change=TreePanelState.view_run,
            class_name="run-picker",
            data_testid=testids.RUN_PICKER,
        ),
    )


def _fold_button() -> rx.Component:
    return rx.icon_button(
        rx.icon("panel-right", size=14),
        variant="ghost",
        size="1",
        title="Fold or unfold the run tree",
        on_click=rx.call_script("window.pageLayout.toggle('tree')"),
        data_testid=testids.TREE_FOLD,
    )


def run_tree_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _fold_button(),
            rx.heading("Run tree", size="3", class_name="foldable"),
            _run_picker(),
            rx.spacer(),
            rx.el.label(
                rx.checkbox(
                    checked=TreePanelState.hide_plumbing,
                    on_change=TreePanelState.toggle_plumbing,
                    data_testid=testids.HIDE_PLUMBING,
                ),
                rx.text("Hide plumbing", size="1"),
                class_name="plumbing-toggle foldable",
            ),
            align="center",
            width="100%",
        ),
        rx.text(
            id="tree-totals", size="1", class_name="dim foldable", data_testid=testids.RUN_TOTALS
        ),
        rx.box(
            rx.el.div(id="tree-root"),  # filled by assets/run_tree.js, never by React
            class_name="tree-scroller foldable",
            data_testid=testids.EVENT_TREE,
            data_selected_run_id=TreePanelState.selected_run_id,
            on_click=TreePanelState.select_tree_node(CLICKED_NODE),
        ),
        rx.box(replay_bar(), class_name="foldable", width="100%"),
        rx.box(node_details(), class_name="details-slot foldable", width="100%"),
        class_name="tree-panel",
        id="tree-panel",
        spacing="2",
    )


def tree_resizer() -> rx.Component:
    """The handle between the chat and the tree: drag it, or focus it and press the arrow
    keys, to widen or narrow the tree (``assets/page_layout.js`` keeps its width)."""
    return rx.el.div(
        class_name="tree-resizer",
        role="separator",
        tab_index=0,
        aria_label="Resize the run tree",
        aria_orientation="vertical",
        aria_controls="tree-panel",
        title="Drag, or press ← and →, to resize the run tree; double-click for its default width",
        data_testid=testids.TREE_RESIZER,
    )
