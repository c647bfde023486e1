"""What a worker keeps of a tab's trees: in its own memory (not in the tab's saved state), for
its most recently used tabs only."""

import asyncio
from collections import OrderedDict

import pytest

from app.run_tree import RunTree
from app.state import tree_panel
from app.state.tree_panel import kept_trees


@pytest.fixture(autouse=True)
def empty_keep(monkeypatch):
    monkeypatch.setattr(tree_panel, "_kept_trees", OrderedDict())
    monkeypatch.setattr(tree_panel, "KEPT_TABS", 2)


def test_a_tab_finds_the_trees_it_kept():
    tree = RunTree()
    kept_trees("tab-a")["run-1"] = tree
    kept_trees("tab-b")["run-2"] = RunTree()
    assert kept_trees("tab-a") == {"run-1": tree}


def test_the_least_recently_used_tab_is_forgotten_beyond_the_limit():
    kept_trees("tab-a")["run-1"] = RunTree()
    kept_trees("tab-b")["run-2"] = RunTree()
    kept_trees("tab-a")  # used again: tab-b is now the oldest
    kept_trees("tab-c")
    assert list(tree_panel._kept_trees) == ["tab-a", "tab-c"]
    assert "run-1" in kept_trees("tab-a")


def test_a_session_saved_with_its_trees_by_an_older_app_loads_without_them():
    old = tree_panel.TreePanelState(_reflex_internal_init=True)
    old.viewed_run_id = "run-1"
    vars(old)["_trees"] = {"run-1": RunTree()}  # where earlier versions kept them
    restored = tree_panel.TreePanelState._deserialize(old._serialize())
    assert restored.viewed_run_id == "run-1"
    assert "_trees" not in vars(restored)


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
