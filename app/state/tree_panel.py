"""The run tree panel: which run it shows, the selected node and its details, the plumbing
filter, and the pace at which the tree's changes go to the page (``assets/run_tree.js``)."""

from __future__ import annotations

import time

import reflex as rx
from reflex.event import EventSpec

from app.run_tree import DetailRow, RunTree, node_details
from app.run_view import RunView, ShownTree, empty_tree_delta, tree_delta
from app.state.page_scripts import update_tree
from app.state.plain import plain

#: New runs and status changes go to the page at once; token counts and speeds this often.
TREE_TICK_SECONDS = 0.5


class TreePanelState(rx.State):
    """The side panel of one browser tab. Trees stay on the server; the page gets their
    changes as deltas and keeps the tree itself."""

    run_ids: list[str] = []  # the runs of the thread that have a tree, oldest first
    viewed_run_id: str = ""
    selected_run_id: str = ""
    selected_details: list[DetailRow] = []
    hide_plumbing: bool = False

    _trees: dict[str, RunTree] = {}
    _shown: ShownTree = ShownTree()  # the viewed tree as the page has it
    _ticked_at: float = 0.0

    def start_viewing(self, tree: RunTree) -> None:
        """Show a run that just started (or was rejoined), and keep it in the picker; the
        page gets it whole with the next progress."""
        self._trees[tree.run_id] = tree
        if tree.run_id not in self.run_ids:
            self.run_ids.append(tree.run_id)
        if tree.run_id != self.viewed_run_id:
            self.viewed_run_id, self._shown = tree.run_id, ShownTree()

    def shown_for(self, tree: RunTree) -> ShownTree | None:
        """What the page has of ``tree``'s rows; None when the panel shows another run."""
        if tree.run_id not in self.run_ids:  # a server that sent no metadata frame
            self.start_viewing(tree)
        self._trees[tree.run_id] = tree
        return plain(self._shown) if tree.run_id == self.viewed_run_id else None

    def tree_of(self, run_id: str) -> RunTree | None:
        return plain(self._trees).get(run_id)

    def counters_due(self, now: float) -> bool:
        return now - self._ticked_at >= TREE_TICK_SECONDS

    def show_progress(self, tree: RunTree, view: RunView, now: float) -> list[EventSpec]:
        """Take what the page will have of the tree once ``view.tree`` is sent; refresh the
        selected node's details at the tick's pace."""
        if view.tree is None or view.shown_tree is None:
            return []
        self._shown = view.shown_tree
        if self.counters_due(now) or view.tree.finished:
            self._ticked_at = now
            self._refresh_details(tree)
        return [update_tree(view.tree)]

    def whole_tree(self) -> list[EventSpec]:
        """The viewed tree whole: for a page that (re)joined, or another view of it."""
        tree = plain(self._trees).get(self.viewed_run_id)
        if tree is None:
            self._shown = ShownTree(finished=True, reset=False)
            return [update_tree(empty_tree_delta())]
        now = time.time()
        delta, self._shown = tree_delta(tree, ShownTree(), now, self.hide_plumbing, True)
        self._refresh_details(tree)
        return [update_tree(delta)] if delta else []

    def clear(self) -> list[EventSpec]:
        """Forget every tree (a new or another thread)."""
        self.run_ids, self.viewed_run_id, self.selected_run_id = [], "", ""
        self.selected_details, self._trees = [], {}
        return self.whole_tree()

    @rx.event
    def select_run(self, run_id: str):
        """Highlight one run (a tree node, a bubble or a card) and show its details."""
        return self._select(run_id)

    @rx.event
    def select_tree_node(self, run_id: str):
        """A click in the tree: on a node selects it, elsewhere does nothing."""
        return self._select(run_id) if run_id else None

    def _select(self, run_id: str) -> list[EventSpec] | None:
        self.selected_run_id = run_id
        viewed = self.viewed_run_id
        for tree_run_id, tree in plain(self._trees).items():
            if tree.get(run_id) is not None:
                self.viewed_run_id = tree_run_id
        if self.viewed_run_id != viewed:
            return self.whole_tree()
        self._refresh_details(plain(self._trees).get(viewed))
        return None

    @rx.event
    def view_run(self, run_id: str):
        self.viewed_run_id = run_id
        return self.whole_tree()

    @rx.event
    def toggle_plumbing(self, hide: bool):
        self.hide_plumbing = hide
        return self.whole_tree()

    def _refresh_details(self, tree: RunTree | None) -> None:
        node = tree.get(self.selected_run_id) if tree else None
        details = node_details(node, tree.started_at) if tree and node else []
        if details != self.selected_details:
            self.selected_details = details
