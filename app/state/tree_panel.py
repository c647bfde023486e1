"""The run tree panel: which run it shows, the selected node and its details, the plumbing
filter, and the pace at which the tree's changes go to the page (``assets/run_tree.js``).

A tab's trees are kept in the memory of the worker that built or read them, not in the tab's
state: Reflex saves a changed state whole (into Redis on every change, with several workers),
and a tab's trees are megabytes (a 300-branch fan-out: ~0.9 MB pickled). A worker without them
(the page joined another worker, the app restarted, the tab was evicted) reads them from the
archive, and a run being followed brings its own tree with each progress.

What the page has of the viewed tree (its rows, 76 KB pickled for that fan-out, changed by every
flush) is kept beside them; the tab's state holds only an epoch naming the latest copy, so a
worker whose copy is not the latest (another worker sent the page something since) sends the
tree whole again."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from app.access import NotSignedIn
from app.archive import service as archive
from app.archive.recording import FINISHED, build_tree
from app.archive.store import RecordingSummary
from app.run_tree import DetailRow, RunTree, format_duration, node_details
from app.run_view import RunView, ShownTree, TreeDelta, empty_tree_delta, tree_delta
from app.state.access import person_of
from app.state.page_scripts import update_tree
from app.transcript import fan_out_holding, title_from

log = logging.getLogger(__name__)

#: New runs and status changes go to the page at once; token counts and speeds this often.
TREE_TICK_SECONDS = 0.5
PICKER_QUESTION_LENGTH = 28
#: Tabs whose trees a worker keeps, the least recently used forgotten first.
KEPT_TABS = 64


@dataclass
class KeptTab:
    """What a worker keeps of one tab: its trees by run_id, and what the page has of the
    viewed one as this worker last sent it (``shown_epoch`` names that copy)."""

    trees: dict[str, RunTree] = field(default_factory=dict)
    shown: ShownTree = field(default_factory=ShownTree)
    shown_epoch: str = ""


_kept_tabs: OrderedDict[str, KeptTab] = OrderedDict()


def kept_tab(tab: str) -> KeptTab:
    """What this worker keeps for ``tab`` (a client token)."""
    kept = _kept_tabs.setdefault(tab, KeptTab())
    _kept_tabs.move_to_end(tab)
    while len(_kept_tabs) > KEPT_TABS:
        _kept_tabs.popitem(last=False)
    return kept


@dataclass
class RunChoice:
    """One run in the picker: a run followed here, or one from the archive."""

    run_id: str
    label: str


class TreePanelState(rx.State):
    """The side panel of one browser tab. Trees stay on the server; the page gets their
    changes as deltas and keeps the tree itself."""

    run_choices: list[RunChoice] = []  # the thread's runs, archived or followed, oldest first
    viewed_run_id: str = ""
    selected_run_id: str = ""
    selected_details: list[DetailRow] = []
    selected_fan_out: str = ""  # the chat's branches row that holds the selected run, if any
    hide_plumbing: bool = False

    _shown_epoch: str = ""  # which copy of what the page has is the latest (see above)
    _ticked_at: float = 0.0

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Sessions saved before the trees and rows left them still hold them: dropped.
        state.pop("_trees", None)
        state.pop("_shown", None)
        super().__setstate__(state)

    def _kept(self) -> KeptTab:
        return kept_tab(self.router.session.client_token)

    def _page_has(self) -> ShownTree:
        """What the page has of the viewed tree; nothing (the next delta is the whole tree)
        when this worker's copy is not the latest."""
        kept = self._kept()
        fresh = self._shown_epoch and kept.shown_epoch == self._shown_epoch
        return kept.shown if fresh else ShownTree()

    def _page_will_have(self, shown: ShownTree) -> None:
        kept = self._kept()
        kept.shown, kept.shown_epoch = shown, uuid.uuid4().hex
        self._shown_epoch = kept.shown_epoch

    async def tree(self, run_id: str) -> RunTree | None:
        """``run_id``'s tree: as this worker keeps it, else as the archive has it (kept only
        once finished: a run still streaming is followed elsewhere, and grows there)."""
        trees = self._kept().trees
        if run_id in trees or not run_id:
            return trees.get(run_id)
        try:
            viewer = archive.viewer_of(await person_of(self))
            recording = await asyncio.to_thread(archive.recording, run_id, viewer)
        except NotSignedIn:
            return None
        except Exception:  # the archive is an extra: never the reason a page fails
            log.exception("archive unreadable", extra={"run_id": run_id})
            return None
        if recording is None:
            return None
        tree = build_tree(recording)
        if recording.status in FINISHED:
            trees[run_id] = tree
        return tree

    async def tree_holding(self, run_id: str) -> RunTree | None:
        """The tree one of whose runs is ``run_id``: one this worker keeps, else the viewed
        run's as ``tree`` reads it, if it has that run."""
        kept = self._kept_tree_holding(run_id)
        if kept is not None:
            return kept
        viewed = await self.tree(self.viewed_run_id)
        return viewed if viewed is not None and viewed.get(run_id) is not None else None

    def _kept_tree_holding(self, run_id: str) -> RunTree | None:
        """The latest tree this worker keeps that has ``run_id`` (the thread's latest run)."""
        trees = [tree for tree in self._kept().trees.values() if tree.get(run_id) is not None]
        return trees[-1] if trees else None

    def start_viewing(self, tree: RunTree) -> None:
        """Show a run that just started (or was rejoined), and keep it in the picker; the
        page gets it whole with the next progress."""
        self._kept().trees[tree.run_id] = tree
        if not self._has_choice(tree.run_id):
            self.run_choices.append(RunChoice(tree.run_id, f"Run {len(self.run_choices) + 1}"))
        if tree.run_id != self.viewed_run_id:
            self.viewed_run_id = tree.run_id
            self._page_will_have(ShownTree())

    def show_archived(self, runs: list[RecordingSummary]) -> None:
        """Offer the thread's archived runs in the picker; their trees load when picked."""
        for run in runs:
            if not self._has_choice(run.run_id):
                self.run_choices.append(RunChoice(run.run_id, _label(len(self.run_choices), run)))

    async def show_finished(self, tree: RunTree) -> list[EventSpec]:
        """Show an archived run's finished tree, and keep it in the picker."""
        self.start_viewing(tree)
        return await self.whole_tree()

    def _has_choice(self, run_id: str) -> bool:
        return any(choice.run_id == run_id for choice in self.run_choices)

    def shown_for(self, tree: RunTree) -> ShownTree | None:
        """What the page has of ``tree``'s rows; None when the panel shows another run."""
        if not self._has_choice(tree.run_id):  # a server that sent no metadata frame
            self.start_viewing(tree)
        self._kept().trees[tree.run_id] = tree
        return self._page_has() if tree.run_id == self.viewed_run_id else None

    def counters_due(self, now: float) -> bool:
        return now - self._ticked_at >= TREE_TICK_SECONDS

    def show_progress(self, tree: RunTree, view: RunView, now: float) -> TreeDelta | None:
        """Take what the page will have of the tree once ``view.tree`` is sent (returned, for
        the caller to send); refresh the selected node's details at the tick's pace."""
        if view.shown_tree is not None:
            self._page_will_have(view.shown_tree)
        if view.tree is None:
            return None
        if self.counters_due(now) or view.tree.finished:
            self._ticked_at = now
            self._refresh_details(tree)
        return view.tree

    async def whole_tree(self, tree: RunTree | None = None) -> list[EventSpec]:
        """The viewed tree whole: for a page that (re)joined, or another view of it.
        ``tree`` is a run's tree the caller has read already (used if it is the viewed run's:
        a running run's tree read from the archive is not kept, and is not read twice)."""
        if tree is None or tree.run_id != self.viewed_run_id:
            tree = await self.tree(self.viewed_run_id)
        if tree is None:
            self._page_will_have(ShownTree(finished=True, reset=False))
            return [update_tree(empty_tree_delta())]
        now = time.time()
        delta, shown = tree_delta(tree, ShownTree(), now, self.hide_plumbing, True)
        self._page_will_have(shown)
        self._refresh_details(tree)
        return [update_tree(delta)] if delta else []

    async def clear(self) -> list[EventSpec]:
        """Forget every tree (a new or another thread)."""
        self.run_choices, self.viewed_run_id, self.selected_run_id = [], "", ""
        self.selected_details, self.selected_fan_out = [], ""
        self._kept().trees.clear()
        return await self.whole_tree()

    @rx.event
    async def select_run(self, run_id: str):
        """Highlight one run (a tree node, a bubble or a card) and show its details."""
        return await self._select(run_id)

    @rx.event
    async def select_tree_node(self, run_id: str):
        """A click in the tree: on a node selects it, elsewhere does nothing."""
        return await self._select(run_id) if run_id else None

    async def _select(self, run_id: str) -> list[EventSpec] | None:
        self.selected_run_id = run_id
        viewed = self.viewed_run_id
        holding = self._kept_tree_holding(run_id)
        if holding is not None:
            self.viewed_run_id = holding.run_id
        if self.viewed_run_id != viewed:
            return await self.whole_tree()
        self._refresh_details(await self.tree(viewed))
        return None

    @rx.event
    async def view_run(self, run_id: str):
        """Show another run of the thread: an archived one's tree is read from the archive."""
        if await self.tree(run_id) is None:
            return None
        self.viewed_run_id = run_id
        return await self.whole_tree()

    @rx.event
    async def toggle_plumbing(self, hide: bool):
        self.hide_plumbing = hide
        return await self.whole_tree()

    def _refresh_details(self, tree: RunTree | None) -> None:
        node = tree.get(self.selected_run_id) if tree else None
        details = node_details(node, tree.started_at) if tree and node else []
        if details != self.selected_details:
            self.selected_details = details
        fan_out = fan_out_holding(tree, node.run_id) if tree and node else ""
        if fan_out != self.selected_fan_out:
            self.selected_fan_out = fan_out


def _label(index: int, run: RecordingSummary) -> str:
    """``Run 2 · done · 1.84 s · What's the weather…``"""
    parts = [f"Run {index + 1}", run.status]
    if run.ended_at is not None:
        parts.append(format_duration(max(run.ended_at - run.started_at, 0.0)))
    if run.question:
        parts.append(title_from(run.question)[:PICKER_QUESTION_LENGTH])
    return " · ".join(parts)
