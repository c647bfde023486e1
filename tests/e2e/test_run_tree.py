"""The live run tree beside the chat, against the real LangGraph server's event stream."""

from playwright.sync_api import Locator, Page, expect

from app import testids
from tests.e2e.conftest import ask, wait_for_status

# Each tree node's depth, from its data-parent-id chain (independent of how it is drawn).
NODE_DEPTHS = """nodes => {
  const parent = Object.fromEntries(nodes.map(n => [n.dataset.runId, n.dataset.parentId]));
  const depth = id => (parent[id] ? 1 + depth(parent[id]) : 0);
  return nodes.map(n => ({name: n.dataset.name, kind: n.dataset.kind, depth: depth(n.dataset.runId)}));
}"""


def nodes(page: Page, **attrs: str) -> Locator:
    selector = f'[data-testid="{testids.TREE_NODE}"]'
    selector += "".join(f'[data-{key}="{value}"]' for key, value in attrs.items())
    return page.locator(selector)


def run_id_of(node: Locator) -> str:
    return node.get_attribute("data-run-id") or ""


def test_the_demo_runs_tree_nests_model_and_tool_under_their_graph_nodes_and_ends_done(
    chat: Page,
):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    root = nodes(chat, **{"parent-id": ""})
    expect(root).to_have_count(1)
    expect(root).to_have_attribute("data-name", "agent")
    root_id = run_id_of(root)

    agent_nodes = nodes(chat, name="agent", **{"parent-id": root_id})
    expect(agent_nodes).to_have_count(2)  # the model asks for the tool, then answers
    first_agent = run_id_of(agent_nodes.first)
    expect(nodes(chat, kind="chat_model", **{"parent-id": first_agent})).to_have_count(1)
    expect(nodes(chat, name="should_continue", **{"parent-id": first_agent})).to_have_count(1)

    tool_node = nodes(chat, name="tool", **{"parent-id": root_id})
    expect(tool_node).to_have_count(1)
    get_weather = nodes(chat, name="get_weather", **{"parent-id": run_id_of(tool_node)})
    expect(get_weather).to_have_attribute("data-kind", "tool")

    expect(nodes(chat)).to_have_count(9)
    expect(nodes(chat, status="done")).to_have_count(9)


def test_the_tree_grows_while_the_answer_streams(chat: Page):
    ask(chat, "What's the weather in SF?")
    expect(nodes(chat, status="running").first).to_be_visible()
    expect(chat.get_by_test_id(testids.RUN_STATUS)).to_have_attribute("data-status", "running")
    wait_for_status(chat, "done")
    expect(nodes(chat, status="running")).to_have_count(0)


def test_a_subgraph_run_shows_nested_several_levels_deep(chat: Page):
    chat.get_by_test_id(testids.ASSISTANT_PICKER).select_option("nested")
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    depths = nodes(chat).evaluate_all(NODE_DEPTHS)
    model_depths = [n["depth"] for n in depths if n["kind"] == "chat_model"]
    assert max(model_depths) >= 4, depths  # nested → research → subgraph → agent → model
    expect(nodes(chat, name="research")).to_have_count(1)
    expect(nodes(chat, name="summarize")).to_have_count(1)
    expect(nodes(chat, status="done")).to_have_count(nodes(chat).count())


def test_a_failing_node_shows_error_on_its_node_and_in_the_chat(chat: Page):
    chat.get_by_test_id(testids.ASSISTANT_PICKER).select_option("failing")
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "error")

    expect(nodes(chat, name="flaky_tool")).to_have_attribute("data-status", "error")
    expect(nodes(chat, **{"parent-id": ""})).to_have_attribute("data-status", "error")
    banner = chat.get_by_test_id(testids.ERROR_BANNER)
    expect(banner).to_contain_text("ValueError")
    expect(banner).to_contain_text("The weather service is unavailable")
    messages = chat.get_by_test_id(testids.MESSAGE)
    expect(messages.first).to_have_attribute("data-role", "user")
    expect(chat.locator('[data-role="assistant"]').first).to_contain_text("Let me check")
    expect(chat.get_by_test_id(testids.COMPOSER_INPUT)).to_be_enabled()


def test_clicking_a_tool_card_selects_its_node_and_shows_its_details(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    chat.locator('[data-testid="message"][data-role="tool"]').click()
    get_weather = nodes(chat, name="get_weather")
    expect(get_weather.locator(".node-row").first).to_have_attribute("data-selected", "true")
    details = chat.get_by_test_id(testids.NODE_DETAILS)
    expect(details).to_contain_text("get_weather")
    expect(details).to_contain_text("60 degrees and foggy")


def test_clicking_a_model_node_highlights_its_answer_bubble(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    model = nodes(chat, kind="chat_model").last
    model.locator(".node-row").first.click()
    bubble = chat.locator(f'[data-role="assistant"][data-run-id="{run_id_of(model)}"]')
    expect(bubble).to_have_attribute("data-selected", "true")
    expect(bubble).to_contain_text("60 degrees and foggy")
    expect(chat.get_by_test_id(testids.NODE_DETAILS)).to_contain_text("DemoChatModel")


def test_hiding_plumbing_hides_routing_functions_but_keeps_everything_else(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    expect(nodes(chat, name="should_continue")).to_have_count(2)

    chat.get_by_test_id(testids.HIDE_PLUMBING).click()
    expect(nodes(chat, name="should_continue")).to_have_count(0)
    expect(nodes(chat)).to_have_count(7)
    expect(nodes(chat, kind="chat_model")).to_have_count(2)

    chat.get_by_test_id(testids.HIDE_PLUMBING).click()
    expect(nodes(chat, name="should_continue")).to_have_count(2)


def test_earlier_runs_of_the_thread_stay_viewable(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    first_root = run_id_of(nodes(chat, **{"parent-id": ""}))
    ask(chat, "Hello there")
    expect(chat.locator('[data-testid="message"][data-role="user"]')).to_have_count(2)
    wait_for_status(chat, "done")
    second_root = run_id_of(nodes(chat, **{"parent-id": ""}))
    assert second_root != first_root

    chat.get_by_test_id(testids.RUN_PICKER).select_option(first_root)
    expect(nodes(chat, **{"parent-id": ""})).to_have_attribute("data-run-id", first_root)
    expect(nodes(chat, name="get_weather")).to_have_count(1)
