"""The side panel: the live tree of the viewed run, its waterfall bars and a node's details."""

import reflex as rx

from app import testids
from app.components.replay_bar import replay_bar
from app.run_tree import DetailRow, TreeRow
from app.state import TreePanelState

KIND_COLORS = {
    "chain": "gray",
    "chat_model": "violet",
    "llm": "violet",
    "tool": "orange",
    "retriever": "teal",
    "custom_event": "amber",
}


def _status_dot(row: rx.Var[TreeRow]) -> rx.Component:
    return rx.box(
        class_name="status-dot",
        data_status=row.status,
        title=rx.cond(row.error != "", row.status + ": " + row.error, row.status),
    )


def _waterfall_bar(row: rx.Var[TreeRow]) -> rx.Component:
    return rx.box(
        rx.box(
            class_name="waterfall-bar",
            data_status=row.status,
            left=row.offset_pct.to_string() + "%",
            width=row.width_pct.to_string() + "%",
        ),
        class_name="waterfall-track",
    )


@rx.memo
def tree_node(row: rx.Var[TreeRow], selected_run_id: rx.Var[str]) -> rx.Component:
    """One run and, nested inside it, its children: a component that contains itself."""
    return rx.el.details(
        rx.el.summary(
            rx.box(
                _status_dot(row),
                rx.badge(
                    rx.cond(row.is_root, "graph", row.kind),
                    color_scheme=rx.match(row.kind, *KIND_COLORS.items(), "blue"),
                    variant="soft",
                    size="1",
                ),
                rx.text(row.name, class_name="node-name", size="2", title=row.run_id),
                rx.cond(
                    row.summary != "",
                    rx.text(
                        row.summary, size="1", class_name="dim node-summary", title=row.summary
                    ),
                ),
                rx.cond(
                    (row.step >= 0) & (row.name == row.langgraph_node),  # graph nodes only
                    rx.text("step " + row.step.to_string(), size="1", class_name="dim"),
                ),
                rx.cond(
                    row.thinking_tokens > 0,
                    rx.text(row.thinking_tokens.to_string() + " think", size="1", class_name="dim"),
                ),
                rx.cond(
                    row.answer_tokens > 0,
                    rx.text(row.answer_tokens.to_string() + " tok", size="1", class_name="dim"),
                ),
                rx.text(row.duration_label, size="1", class_name="dim duration"),
                _waterfall_bar(row),
                class_name="node-row",
                data_selected=(row.run_id == selected_run_id).to_string(),
                on_click=TreePanelState.select_run(row.run_id).prevent_default,
            ),
            data_leaf=(row.children.length() == 0).to_string(),
        ),
        rx.box(
            rx.foreach(
                row.children,
                lambda child: tree_node(row=child, selected_run_id=selected_run_id),
            ),
            class_name="node-children",
        ),
        open=True,
        class_name="tree-node",
        data_plumbing=row.is_plumbing.to_string(),
        data_testid=testids.TREE_NODE,
        data_run_id=row.run_id,
        data_parent_id=row.parent_id,
        data_name=row.name,
        data_kind=row.kind,
        data_status=row.status,
        data_duration_ms=rx.cond(row.duration_ms >= 0, row.duration_ms.to_string(), ""),
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


def run_tree_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Run tree", size="3"),
            _run_picker(),
            rx.spacer(),
            rx.el.label(
                rx.checkbox(
                    checked=TreePanelState.hide_plumbing,
                    on_change=TreePanelState.toggle_plumbing,
                    data_testid=testids.HIDE_PLUMBING,
                ),
                rx.text("Hide plumbing", size="1"),
                class_name="plumbing-toggle",
            ),
            align="center",
            width="100%",
        ),
        replay_bar(),
        rx.box(
            rx.cond(
                TreePanelState.tree_rows.length() == 0,
                rx.text("The runs of the next answer appear here as they start.", size="1"),
            ),
            rx.foreach(
                TreePanelState.tree_rows,
                lambda row: tree_node(row=row, selected_run_id=TreePanelState.selected_run_id),
            ),
            class_name="tree-scroller",
            data_testid=testids.EVENT_TREE,
        ),
        node_details(),
        class_name="tree-panel",
        spacing="2",
    )
