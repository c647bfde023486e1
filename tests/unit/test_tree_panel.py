"""What a worker keeps of a tab's trees and of what the page has of them: in its own memory (not
in the tab's saved state), for its most recently used tabs only."""

import asyncio
from collections import OrderedDict

import pytest

from app.run_tree import RunTree
from app.run_view import ShownTree
from app.state import tree_panel
from app.state.tree_panel import kept_tab


@pytest.fixture(autouse=True)
def empty_keep(monkeypatch):
    monkeypatch.setattr(tree_panel, "_kept_tabs", OrderedDict())
    monkeypatch.setattr(tree_panel, "KEPT_TABS", 2)


def test_a_tab_finds_the_trees_it_kept():
    tree = RunTree()
    kept_tab("tab-a").trees["run-1"] = tree
    kept_tab("tab-b").trees["run-2"] = RunTree()
    assert kept_tab("tab-a").trees == {"run-1": tree}


def test_the_least_recently_used_tab_is_forgotten_beyond_the_limit():
    kept_tab("tab-a").trees["run-1"] = RunTree()
    kept_tab("tab-b").trees["run-2"] = RunTree()
    kept_tab("tab-a")  # used again: tab-b is now the oldest
    kept_tab("tab-c")
    assert list(tree_panel._kept_tabs) == ["tab-a", "tab-c"]
    assert "run-1" in kept_tab("tab-a").trees


def test_a_session_saved_with_its_trees_by_an_older_app_loads_without_them():
    old = tree_panel.TreePanelState(_reflex_internal_init=True)
    old.viewed_run_id = "run-1"
    vars(old)["_trees"] = {"run-1": RunTree()}  # where earlier versions kept them
    vars(old)["_shown"] = ShownTree(rows={"run-1": {"run_id": "run-1"}})
    restored = tree_panel.TreePanelState._deserialize(old._serialize())
    assert restored.viewed_run_id == "run-1"
    assert "_trees" not in vars(restored)
    assert "_shown" not in vars(restored)


def fan_out(width: int) -> RunTree:
    tree = RunTree("run-1")
    tree.apply({"event": "on_chain_start", "run_id": "run-1", "name": "fanout"}, 1.0)
    for n in range(width):
        branch = {"event": "on_chain_start", "run_id": f"b{n}", "name": "branch"}
        tree.apply({**branch, "parent_ids": ["run-1"]}, 1.0)
    return tree


def test_the_rows_the_page_has_stay_out_of_the_saved_tab():
    panel = tree_panel.TreePanelState(_reflex_internal_init=True)
    tree = fan_out(300)
    panel.start_viewing(tree)
    empty = len(panel._serialize())
    asyncio.run(panel.whole_tree(tree))
    assert len(panel.shown_for(tree).rows) == 301
    assert len(panel._serialize()) < empty + 200  # an epoch, not 301 rows


def test_a_worker_whose_copy_of_the_rows_is_not_the_latest_sends_the_tree_whole():
    panel = tree_panel.TreePanelState(_reflex_internal_init=True)
    tree = fan_out(3)
    panel.start_viewing(tree)
    asyncio.run(panel.whole_tree(tree))
    assert not panel.shown_for(tree).reset  # the next flush sends only what changed
    panel._shown_epoch = "another worker's"  # it sent the page something since
    assert panel.shown_for(tree).reset


def test_the_whole_tree_uses_the_viewed_runs_tree_its_caller_already_read(monkeypatch):
    panel = tree_panel.TreePanelState(_reflex_internal_init=True)
    panel.viewed_run_id = "run-1"
    read = []

    async def read_tree(_panel, run_id):
        read.append(run_id)
        return RunTree(run_id)

    monkeypatch.setattr(tree_panel.TreePanelState, "tree", read_tree)
    running = RunTree("run-1")
    running.apply({"event": "on_chain_start", "run_id": "run-1", "name": "agent"}, 1.0)

    [script] = asyncio.run(panel.whole_tree(running))
    assert read == []  # the partial recording is not read from the archive a second time
    assert '"agent"' in str(script)
    asyncio.run(panel.whole_tree(RunTree("run-0")))  # another run's tree: the viewed one is read
    assert read == ["run-1"]
