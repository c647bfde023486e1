"""Conversations that survive: threads, stop, reload, a crashing server, hostile output."""

import re

from playwright.sync_api import Browser, Page, expect

from app import testids
from app.embedded_server import DemoServer
from tests.e2e.conftest import API_KEY
from tests.e2e.cut_proxy import CutProxy
from tests.e2e.pages import (
    ask,
    by_test_id,
    current_thread_id,
    messages,
    open_app,
    root_node,
    tree_nodes,
    wait_for_hydration,
    wait_for_status,
)

# The demo model echoes `repeat:` text a word at a time (30 ms each): about 4.5 s here.
SLOW_WORDS = " ".join(f"word{i}" for i in range(150))
SLOW_QUESTION = f"repeat: {SLOW_WORDS}"


def wait_for_partial_answer(page: Page) -> None:
    expect(messages(page, "assistant").last).to_contain_text("word5")


def expect_complete_slow_answer(page: Page) -> None:
    wait_for_status(page, "done")
    expect(messages(page, "assistant")).to_have_count(1)
    expect(messages(page, "assistant")).to_have_text(SLOW_WORDS)
    expect(tree_nodes(page)).to_have_count(4)  # graph, agent, model, should_continue
    expect(tree_nodes(page, status="done")).to_have_count(4)


def test_reloading_mid_run_still_shows_the_full_answer_and_tree(chat: Page):
    ask(chat, SLOW_QUESTION)
    wait_for_partial_answer(chat)
    assert "thread=" in chat.url
    chat.reload()
    wait_for_hydration(chat)
    expect_complete_slow_answer(chat)


def test_a_thread_link_opened_mid_run_rejoins_the_run(chat: Page, browser: Browser):
    ask(chat, SLOW_QUESTION)
    wait_for_partial_answer(chat)
    other = browser.new_context().new_page()  # a new session: nothing shared but the URL
    open_app(other, chat.url)
    expect(other.get_by_test_id(testids.THREAD_ID)).to_have_text(re.compile(r"\w{8}-"))
    expect(messages(other, "user")).to_have_text([SLOW_QUESTION])
    expect_complete_slow_answer(other)
    other.context.close()


def test_a_dropped_connection_to_the_server_is_rejoined_without_losing_anything(
    chat: Page, network: CutProxy
):
    ask(chat, SLOW_QUESTION)
    wait_for_partial_answer(chat)
    assert network.cut() > 0

    expect(chat.get_by_text("rejoining the run")).to_be_visible()
    expect_complete_slow_answer(chat)


def test_stop_cancels_the_run_and_keeps_the_partial_answer(chat: Page):
    ask(chat, SLOW_QUESTION)
    wait_for_partial_answer(chat)
    chat.get_by_test_id(testids.STOP_BUTTON).click()

    wait_for_status(chat, "cancelled")
    partial = messages(chat, "assistant").last.inner_text()
    assert SLOW_WORDS.startswith(partial.strip()) and len(partial) < len(SLOW_WORDS), partial
    caption = "el => getComputedStyle(el, '::after').content"  # the bubble says it was stopped
    expect(messages(chat, "assistant").last).to_have_attribute("data-status", "cancelled")
    assert messages(chat, "assistant").last.evaluate(caption) == '"Stopped."'
    expect(tree_nodes(chat, status="running")).to_have_count(0)
    expect(tree_nodes(chat, status="cancelled").first).to_be_visible()

    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    expect(messages(chat, "assistant").last).to_contain_text("60 degrees and foggy")


def test_threads_are_listed_and_reopened_from_the_server(chat: Page):
    ask(chat, "What's the weather in Paris?")
    wait_for_status(chat, "done")
    first_thread = current_thread_id(chat)

    chat.get_by_test_id(testids.NEW_THREAD).click()
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text("new")
    expect(messages(chat)).to_have_count(0)
    ask(chat, "Hello there")
    wait_for_status(chat, "done")

    item = by_test_id(chat, testids.THREAD_ITEM, thread_id=first_thread)
    expect(item).to_contain_text("What's the weather in Paris?")
    item.click()
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text(first_thread)
    expect(messages(chat)).to_have_count(4)  # question, "let me check", tool card, answer
    expect(messages(chat, "assistant").last).to_contain_text("Paris")
    assert f"thread={first_thread}" in chat.url


def test_a_server_crash_mid_run_is_reported_and_the_app_recovers(
    chat: Page, demo_server: DemoServer
):
    ask(chat, SLOW_QUESTION)
    wait_for_partial_answer(chat)
    demo_server.kill()
    demo_server.restart()

    wait_for_status(chat, "error")
    expect(chat.get_by_test_id(testids.ERROR_BANNER)).to_contain_text("no longer knows this run")
    expect(messages(chat, "user")).to_have_text([SLOW_QUESTION])
    expect(messages(chat, "assistant").last).to_contain_text("word5")  # the partial answer stays

    chat.get_by_test_id(testids.RETRY_BUTTON).click()  # the same question, on the new server
    wait_for_status(chat, "done")
    expect(messages(chat, "user")).to_have_text([SLOW_QUESTION, SLOW_QUESTION])
    expect(messages(chat, "assistant").last).to_have_text(SLOW_WORDS)
    expect(chat.get_by_text("starts a new thread")).to_be_visible()


def test_html_and_scripts_in_model_output_stay_inert_text(chat: Page):
    chat.on("dialog", lambda dialog: dialog.dismiss())
    payload = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> **bold**'
    ask(chat, f"repeat: {payload}")
    wait_for_status(chat, "done")

    answer = messages(chat, "assistant").last
    expect(answer).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(answer).to_contain_text("<script>window.__pwned=2</script>")
    expect(answer.locator("strong")).to_have_text("bold")  # markdown still renders
    expect(answer.locator("img, script")).to_have_count(0)
    assert chat.evaluate("window.__pwned") is None


def test_the_api_key_never_reaches_the_browser(chat: Page):
    frames: list[str] = []
    chat.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    chat.reload()
    wait_for_hydration(chat)
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    assert frames, "no websocket frames were seen"
    assert not [f for f in frames if API_KEY in f]
    assert API_KEY not in chat.content()


def test_an_oversized_message_is_refused_and_kept_in_the_box(chat: Page):
    huge = "x" * 120_000
    ask(chat, huge)
    wait_for_status(chat, "error")
    expect(chat.get_by_test_id(testids.ERROR_BANNER)).to_contain_text("the limit is 100,000")
    expect(messages(chat)).to_have_count(0)
    box = chat.get_by_test_id(testids.COMPOSER_INPUT)
    expect(box).to_have_value(huge)
    # The box fits the text it got back (up to a third of the window), as typing would.
    third = chat.viewport_size["height"] / 3
    chat.wait_for_function(
        "([el, h]) => el.clientHeight > h - 10", arg=[box.element_handle(), third]
    )

    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")


def test_twenty_sessions_at_once_each_see_only_their_own_answer(app_url: str, browser: Browser):
    sessions = []
    for n in range(20):
        page = browser.new_context().new_page()
        open_app(page, app_url)
        sessions.append(page)
    for n, page in enumerate(sessions):
        ask(page, f"repeat: session {n} says " + " ".join(f"s{n}w{i}" for i in range(20)))
    for n, page in enumerate(sessions):
        wait_for_status(page, "done", timeout=120_000)
        expected = f"session {n} says " + " ".join(f"s{n}w{i}" for i in range(20))
        expect(messages(page, "assistant")).to_have_text([expected])
        expect(root_node(page)).to_have_count(1)
        expect(tree_nodes(page, status="done")).to_have_count(4)
    for page in sessions:
        page.context.close()
