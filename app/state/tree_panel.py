"""The run tree panel: which run it shows, the selected node and its details, the plumbing
filter, and how often the tree is re-sent while a run streams."""

from __future__ import annotations

import time

import reflex as rx

from app.run_tree import DetailRow, RunTree, TreeRow, build_rows, flatten_rows, node_details

#: The tree is re-sent on every change of its shape or a status; its clocks only this often.
TREE_TICK_SECONDS = 0.5

#: What a re-send is worth it for: each shown row's run, parent and status.
Shape = list[tuple[str, str, str]]


class TreePanelState(rx.State):
    """The side panel of one browser tab. Trees stay on the server; only rows are sent."""

    tree_rows: list[TreeRow] = []
    run_ids: list[str] = []  # the runs of the thread that have a tree, oldest first
    viewed_run_id: str = ""
    selected_run_id: str = ""
    selected_details: list[DetailRow] = []
    hide_plumbing: bool = False

    _trees: dict[str, RunTree] = {}
    _shape: Shape = []
    _sent_at: float = 0.0

    def start_viewing(self, tree: RunTree) -> None:
        """Show a run that just started (or was rejoined), and keep it in the picker."""
        self._trees[tree.run_id] = tree
        if tree.run_id not in self.run_ids:
            self.run_ids.append(tree.run_id)
        self.viewed_run_id = tree.run_id

    def show_progress(self, tree: RunTree, rows: list[TreeRow]) -> None:
        """A followed run's tree changed: re-send its rows when it is the one shown and its
        shape or a status changed (or its clocks are due, or it finished)."""
        if tree.run_id not in self.run_ids:  # a server that sent no metadata frame
            self.start_viewing(tree)
        self._trees[tree.run_id] = tree
        if tree.run_id != self.viewed_run_id:
            return
        now = time.time()
        shape = _shape_of(rows)
        if tree.is_finished or shape != self._shape or now - self._sent_at >= TREE_TICK_SECONDS:
            self._show(tree, rows, shape, now)

    def clear(self) -> None:
        """Forget every tree (a new or another thread)."""
        self.run_ids, self.viewed_run_id, self.selected_run_id = [], "", ""
        self.tree_rows, self.selected_details = [], []
        self._trees, self._shape = {}, []

    @rx.event
    def select_run(self, run_id: str):
        """Highlight one run (a tree node, a bubble or a card) and show its details."""
        self.selected_run_id = run_id
        for tree_run_id, tree in self._trees.items():
            if tree.get(run_id) is not None:
                self.viewed_run_id = tree_run_id
        self._refresh()

    @rx.event
    def view_run(self, run_id: str):
        self.viewed_run_id = run_id
        self._refresh()

    @rx.event
    def toggle_plumbing(self, hide: bool):
        self.hide_plumbing = hide
        self._refresh()

    def _refresh(self) -> None:
        tree = self._trees.get(self.viewed_run_id)
        now = time.time()
        rows = build_rows(tree, now, self.hide_plumbing) if tree else []
        self._show(tree, rows, _shape_of(rows), now)

    def _show(self, tree: RunTree | None, rows: list[TreeRow], shape: Shape, now: float) -> None:
        self.tree_rows, self._shape, self._sent_at = rows, shape, now
        node = tree.get(self.selected_run_id) if tree else None
        details = node_details(node, tree.started_at) if tree and node else []
        if details != self.selected_details:
            self.selected_details = details


def _shape_of(rows: list[TreeRow]) -> Shape:
    return [(row.run_id, row.parent_id, row.status) for row in flatten_rows(rows)]
