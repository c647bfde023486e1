"""The live run tree beside the chat, against the real LangGraph server's event stream."""

from playwright.sync_api import Page, expect

from app import testids
from tests.e2e.pages import (
    ask,
    by_test_id,
    messages,
    pick_graph,
    root_node,
    run_id_of,
    tree_nodes,
    wait_for_status,
)

# Each tree node's depth, from its data-parent-id chain (independent of how it is drawn).
NODE_DEPTHS = """nodes => {
  const parent = Object.fromEntries(nodes.map(n => [n.dataset.runId, n.dataset.parentId]));
  const depth = id => (parent[id] ? 1 + depth(parent[id]) : 0);
  return nodes.map(n => ({name: n.dataset.name, kind: n.dataset.kind, depth: depth(n.dataset.runId)}));
}"""


def test_the_demo_runs_tree_nests_model_and_tool_under_their_graph_nodes_and_ends_done(
    chat: Page,
):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    root = root_node(chat)
    expect(root).to_have_count(1)
    expect(root).to_have_attribute("data-name", "agent")
    root_id = run_id_of(root)

    agent_nodes = tree_nodes(chat, name="agent", parent_id=root_id)
    expect(agent_nodes).to_have_count(2)  # the model asks for the tool, then answers
    first_agent = run_id_of(agent_nodes.first)
    expect(tree_nodes(chat, kind="chat_model", parent_id=first_agent)).to_have_count(1)
    expect(tree_nodes(chat, name="should_continue", parent_id=first_agent)).to_have_count(1)

    tool_node = tree_nodes(chat, name="tool", parent_id=root_id)
    expect(tool_node).to_have_count(1)
    get_weather = tree_nodes(chat, name="get_weather", parent_id=run_id_of(tool_node))
    expect(get_weather).to_have_attribute("data-kind", "tool")

    expect(tree_nodes(chat)).to_have_count(9)
    expect(tree_nodes(chat, status="done")).to_have_count(9)


def test_a_node_folds_and_unfolds_its_runs_by_click_or_keyboard_without_selecting_it(
    chat: Page,
):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    root = root_node(chat)
    tool_node = tree_nodes(chat, name="tool", parent_id=run_id_of(root))
    fold = root.get_by_role("button", name="Fold or unfold the runs inside").first
    expect(fold).to_have_attribute("aria-expanded", "true")
    expect(tool_node).to_be_visible()
    leaf_fold = tree_nodes(chat, name="get_weather").locator(".node-fold")
    expect(leaf_fold).to_be_hidden()  # nothing inside to fold

    fold.click()
    expect(fold).to_have_attribute("aria-expanded", "false")
    expect(tool_node).to_be_hidden()
    expect(root.locator(".node-row").first).to_be_visible()
    expect(chat.get_by_test_id(testids.NODE_DETAILS)).to_have_count(0)  # not selected

    fold.focus()
    chat.keyboard.press("Enter")
    expect(fold).to_have_attribute("aria-expanded", "true")
    expect(tool_node).to_be_visible()
    expect(tree_nodes(chat)).to_have_count(9)  # folding hid nodes, never dropped them


def test_the_tree_grows_while_the_answer_streams(chat: Page):
    ask(chat, "What's the weather in SF?")
    expect(tree_nodes(chat, status="running").first).to_be_visible()
    wait_for_status(chat, "running")
    wait_for_status(chat, "done")
    expect(tree_nodes(chat, status="running")).to_have_count(0)


def test_a_subgraph_run_shows_nested_several_levels_deep(chat: Page):
    pick_graph(chat, "nested")
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    depths = tree_nodes(chat).evaluate_all(NODE_DEPTHS)
    model_depths = [n["depth"] for n in depths if n["kind"] == "chat_model"]
    assert max(model_depths) >= 4, depths  # nested → research → subgraph → agent → model
    expect(tree_nodes(chat, name="research")).to_have_count(1)
    expect(tree_nodes(chat, name="summarize")).to_have_count(1)
    expect(tree_nodes(chat, status="done")).to_have_count(tree_nodes(chat).count())


def test_a_failing_node_shows_error_on_its_node_and_in_the_chat(chat: Page):
    pick_graph(chat, "failing")
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "error")

    expect(tree_nodes(chat, name="flaky_tool")).to_have_attribute("data-status", "error")
    expect(root_node(chat)).to_have_attribute("data-status", "error")
    banner = chat.get_by_test_id(testids.ERROR_BANNER)
    expect(banner).to_contain_text("ValueError")
    expect(banner).to_contain_text("The weather service is unavailable")
    expect(messages(chat).first).to_have_attribute("data-role", "user")
    expect(messages(chat, "assistant").first).to_contain_text("Let me check")
    expect(chat.get_by_test_id(testids.COMPOSER_INPUT)).to_be_enabled()


def test_clicking_a_tool_card_selects_its_node_and_shows_its_details(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    messages(chat, "tool").click()
    get_weather = tree_nodes(chat, name="get_weather")
    expect(get_weather.locator(".node-row").first).to_have_attribute("data-selected", "true")
    details = chat.get_by_test_id(testids.NODE_DETAILS)
    expect(details).to_contain_text("get_weather")
    expect(details).to_contain_text("60 degrees and foggy")


def test_clicking_a_model_node_highlights_its_answer_bubble(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    model = tree_nodes(chat, kind="chat_model").last
    model.locator(".node-row").first.click()
    bubble = messages(chat, "assistant", run_id=run_id_of(model))
    expect(bubble).to_have_attribute("data-selected", "true")
    expect(bubble).to_contain_text("60 degrees and foggy")
    expect(chat.get_by_test_id(testids.NODE_DETAILS)).to_contain_text("DemoChatModel")


def test_hiding_plumbing_hides_routing_functions_but_keeps_everything_else(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    expect(tree_nodes(chat, name="should_continue")).to_have_count(2)

    chat.get_by_test_id(testids.HIDE_PLUMBING).click()
    expect(tree_nodes(chat, name="should_continue")).to_have_count(0)
    expect(tree_nodes(chat)).to_have_count(7)
    expect(tree_nodes(chat, kind="chat_model")).to_have_count(2)

    chat.get_by_test_id(testids.HIDE_PLUMBING).click()
    expect(tree_nodes(chat, name="should_continue")).to_have_count(2)


def test_earlier_runs_of_the_thread_stay_viewable(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    first_root = run_id_of(root_node(chat))
    ask(chat, "Hello there")
    expect(messages(chat, "user")).to_have_count(2)
    wait_for_status(chat, "done")
    second_root = run_id_of(root_node(chat))
    assert second_root != first_root

    chat.get_by_test_id(testids.RUN_PICKER).select_option(first_root)
    expect(root_node(chat)).to_have_attribute("data-run-id", first_root)
    expect(tree_nodes(chat, name="get_weather")).to_have_count(1)


# Every node as the page draws it, in document order (parents before children, siblings in
# order): what a person can read off the tree.
DRAWN_TREE = """nodes => nodes.map(n => {
  const line = n.querySelector(".node-row");
  return [n.dataset.runId, n.dataset.parentId, n.dataset.name, n.dataset.kind, n.dataset.status,
          n.dataset.durationMs, line.querySelector(".node-step").textContent,
          line.querySelector(".node-numbers").textContent,
          line.querySelector(".duration").textContent];
})"""


def test_a_fan_out_drawn_change_by_change_is_the_tree_a_fresh_page_draws_whole(chat: Page):
    """Hundreds of runs arrive as deltas (only what changed, in bursts); the tree they build
    is exactly the one a page that opens the thread afterwards gets in one piece."""
    pick_graph(chat, "fanout")
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text("new")
    ask(chat, "fan out 40")
    wait_for_status(chat, "done")
    expect(tree_nodes(chat, name="branch")).to_have_count(40)
    expect(tree_nodes(chat, status="running")).to_have_count(0)
    expect(chat.get_by_test_id(testids.RUN_TOTALS)).to_contain_text("41 model calls")
    live = tree_nodes(chat).evaluate_all(DRAWN_TREE)
    branches = [row for row in live if row[2] == "branch"]
    models_under = {row[1] for row in live if row[3] == "chat_model"}
    assert all(branch[0] in models_under for branch in branches)
    assert all(branch[6] == "step 2" for branch in branches)

    chat.reload()
    expect(tree_nodes(chat)).to_have_count(len(live))
    assert tree_nodes(chat).evaluate_all(DRAWN_TREE) == live


def test_a_large_fan_out_is_one_row_in_the_chat_that_opens_on_its_branches(chat: Page):
    """Twelve parallel branches are one row saying how they did, not twelve bubbles, marked
    while a run inside them is selected; opened, their answers follow it in the order they
    started, and each leads to its run."""
    pick_graph(chat, "fanout")
    ask(chat, "fan out 12")
    wait_for_status(chat, "done")
    row = by_test_id(chat, testids.BRANCHES)
    expect(row).to_have_text("branch12 in parallel · 12 done")
    expect(row).to_have_attribute("aria-expanded", "false")
    expect(messages(chat, "assistant")).to_have_text(["All 12 branches reported."])
    # a run inside a folded branch, selected in the tree: the row that holds it says so
    tree_nodes(chat, name="branch").nth(2).locator(".node-row").first.click()
    expect(row).to_have_attribute("data-selected", "true")
    tree_nodes(chat, name="join").locator(".node-row").first.click()
    expect(row).to_have_attribute("data-selected", "false")

    row.click()
    expect(row).to_have_attribute("aria-expanded", "true")
    expect(row).to_be_in_viewport()  # the branches open below it, it stays where it was
    reports = [f"Branch {i} reporting." for i in range(1, 13)]
    expect(messages(chat, "assistant")).to_have_text([*reports, "All 12 branches reported."])
    fifth = messages(chat, "assistant").nth(4)
    fifth.click()
    model = tree_nodes(chat, run_id=run_id_of(fifth))
    expect(model.locator(".node-row").first).to_have_attribute("data-selected", "true")
    branch = tree_nodes(chat, run_id=model.get_attribute("data-parent-id") or "")
    expect(branch.locator(".node-summary").first).to_have_text('{"index": 5, "messages": []}')

    row.click()
    expect(messages(chat, "assistant")).to_have_count(1)


# Per node: its name, its summary's text, whether the summary is cut, and the room between
# the summary and the step label after it.
SUMMARIES = """nodes => nodes.map(n => {
  const line = n.querySelector(".node-row");
  const summary = line.querySelector(".node-summary");
  const step = line.querySelector(".node-step");
  const gap = step.getBoundingClientRect().left - summary.getBoundingClientRect().right;
  return [n.dataset.name, summary.textContent, summary.scrollWidth > summary.clientWidth, gap];
})"""


def test_a_send_branch_says_what_it_got_beside_its_name_and_its_model_does_not(chat: Page):
    """Each branch of a fan-out shows its input whole when the panel has room, with the
    step label right after it; the model inside a branch repeats none of it."""
    chat.set_viewport_size({"width": 1600, "height": 900})
    pick_graph(chat, "fanout")
    ask(chat, "fan out 3")
    wait_for_status(chat, "done")

    rows = tree_nodes(chat).evaluate_all(SUMMARIES)
    branches = [row for row in rows if row[0] == "branch"]
    assert [row[1] for row in branches] == [f'{{"index": {i}, "messages": []}}' for i in (1, 2, 3)]
    assert all(not cut and 0 <= gap <= 8 for _, _, cut, gap in branches)
    assert {row[1] for row in rows if row[0] == "DemoChatModel"} == {""}
