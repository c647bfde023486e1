"""The run tree panel: which run it shows, the selected node and its details, the plumbing
filter, and how often the tree is re-sent while a run streams."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import reflex as rx

from app.access import NotSignedIn
from app.archive import service as archive
from app.archive.recording import build_tree
from app.archive.store import RecordingSummary
from app.run_tree import (
    DetailRow,
    RunTree,
    TreeRow,
    build_rows,
    flatten_rows,
    format_duration,
    node_details,
)
from app.state.access import person_of
from app.transcript import title_from

#: The tree is re-sent on every change of its shape or a status; its clocks only this often.
TREE_TICK_SECONDS = 0.5

#: What a re-send is worth it for: each shown row's run, parent and status.
Shape = list[tuple[str, str, str]]
PICKER_QUESTION_LENGTH = 28


@dataclass
class RunChoice:
    """One run in the picker: a run followed here, or one from the archive."""

    run_id: str
    label: str


class TreePanelState(rx.State):
    """The side panel of one browser tab. Trees stay on the server; only rows are sent."""

    tree_rows: list[TreeRow] = []
    run_choices: list[RunChoice] = []  # the thread's runs, archived or followed, oldest first
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
        if not self._has_choice(tree.run_id):
            self.run_choices.append(RunChoice(tree.run_id, f"Run {len(self.run_choices) + 1}"))
        self.viewed_run_id = tree.run_id

    def show_archived(self, runs: list[RecordingSummary]) -> None:
        """Offer the thread's archived runs in the picker; their trees load when picked."""
        for run in runs:
            if not self._has_choice(run.run_id):
                self.run_choices.append(RunChoice(run.run_id, _label(len(self.run_choices), run)))

    def show_finished(self, tree: RunTree) -> None:
        """Show an archived run's finished tree, and keep it in the picker."""
        self.start_viewing(tree)
        self._refresh()

    def _has_choice(self, run_id: str) -> bool:
        return any(choice.run_id == run_id for choice in self.run_choices)

    def show_progress(self, tree: RunTree, rows: list[TreeRow]) -> None:
        """A followed run's tree changed: re-send its rows when it is the one shown and its
        shape or a status changed (or its clocks are due, or it finished)."""
        if not self._has_choice(tree.run_id):  # a server that sent no metadata frame
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
        self.run_choices, self.viewed_run_id, self.selected_run_id = [], "", ""
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
    async def view_run(self, run_id: str):
        """Show another run of the thread: an archived one's tree is read from the archive."""
        if run_id not in self._trees:
            try:
                viewer = archive.viewer_of(await person_of(self))
            except NotSignedIn:
                return
            recording = await asyncio.to_thread(archive.recording, run_id, viewer)
            if recording is None:
                return
            self._trees[run_id] = build_tree(recording)
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


def _label(index: int, run: RecordingSummary) -> str:
    """``Run 2 · done · 1.84 s · What's the weather…``"""
    parts = [f"Run {index + 1}", run.status]
    if run.ended_at is not None:
        parts.append(format_duration(max(run.ended_at - run.started_at, 0.0)))
    if run.question:
        parts.append(title_from(run.question)[:PICKER_QUESTION_LENGTH])
    return " · ".join(parts)


def _shape_of(rows: list[TreeRow]) -> Shape:
    return [(row.run_id, row.parent_id, row.status) for row in flatten_rows(rows)]
