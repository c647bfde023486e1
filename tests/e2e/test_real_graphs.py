"""Graphs built the way LangGraph users build them, told truthfully in the page: interrupts and
their answers, thinking, custom events, handled tool errors, a thread's own graph."""

import re

from playwright.sync_api import Browser, Page, expect

from app import testids
from demo_agent.middleware import SUMMARY
from tests.e2e.pages import (
    ask,
    by_test_id,
    current_thread_id,
    messages,
    open_app,
    pick_graph,
    tree_nodes,
    wait_for_status,
)

WEATHER_QUESTION = "What's the weather in SF?"


def interrupts(page: Page):
    return page.get_by_test_id(testids.INTERRUPT)


def test_an_approval_waits_for_the_person_and_an_edit_resumes_the_same_thread(chat: Page):
    pick_graph(chat, "approval")
    ask(chat, WEATHER_QUESTION)

    wait_for_status(chat, "interrupted")
    card = interrupts(chat)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("get_weather")
    expect(card).to_contain_text("San Francisco")
    pending = messages(chat, "tool").last
    expect(pending).to_contain_text("not run yet")  # the call that waits has its card
    expect(tree_nodes(chat, name="HumanInTheLoopMiddleware.after_model")).to_have_attribute(
        "data-status", "interrupted"
    )
    expect(tree_nodes(chat, status="error")).to_have_count(0)
    thread = current_thread_id(chat)

    card.get_by_test_id(testids.INTERRUPT_ARGS).fill('{"city": "Paris"}')
    card.get_by_test_id(testids.INTERRUPT_EDIT).click()

    wait_for_status(chat, "done")
    expect(interrupts(chat)).to_have_count(0)
    expect(messages(chat, "assistant").last).to_contain_text("64 degrees and sunny in Paris")
    expect(messages(chat, "user").last).to_contain_text('Edit get_weather {"city": "Paris"}')
    expect(messages(chat, "tool")).to_have_count(1)  # the call that ran, no stale "not run yet"
    expect(messages(chat, "tool")).to_contain_text("64 degrees and sunny")
    assert current_thread_id(chat) == thread  # resumed, not restarted
    expect(chat.get_by_test_id(testids.RUN_PICKER).locator("option")).to_have_count(2)


def test_a_thread_reopened_after_approvals_reads_as_it_did_live(chat: Page):
    pick_graph(chat, "approval")
    for question in (WEATHER_QUESTION, "What's the weather in Paris?"):
        ask(chat, question)
        wait_for_status(chat, "interrupted")
        interrupts(chat).get_by_test_id(testids.INTERRUPT_APPROVE).click()
        wait_for_status(chat, "done")
    live = messages(chat).all_text_contents()
    assert live.count("Approve get_weather") == 2
    assert any("Let me check the weather" in text for text in live)  # a call that asked
    thread = current_thread_id(chat)

    chat.get_by_test_id(testids.NEW_THREAD).click()
    by_test_id(chat, testids.THREAD_ITEM, thread_id=thread).click()  # its last run is replayed

    wait_for_status(chat, "done")
    expect(messages(chat)).to_have_text(live)  # the answers that asked, and both approvals


def test_an_invalid_json_edit_is_refused_with_a_clear_error_and_the_card_keeps_it(chat: Page):
    pick_graph(chat, "approval")
    ask(chat, WEATHER_QUESTION)
    wait_for_status(chat, "interrupted")

    args = interrupts(chat).get_by_test_id(testids.INTERRUPT_ARGS)
    args.fill('{"city": Paris')
    interrupts(chat).get_by_test_id(testids.INTERRUPT_EDIT).click()

    expect(chat.get_by_test_id(testids.ERROR_BANNER)).to_contain_text("not valid JSON")
    expect(args).to_have_value('{"city": Paris')
    wait_for_status(chat, "interrupted")

    interrupts(chat).get_by_test_id(testids.INTERRUPT_APPROVE).click()
    wait_for_status(chat, "done")
    expect(messages(chat, "assistant").last).to_contain_text("60 degrees and foggy")


def test_a_question_is_answered_from_the_composer_after_a_reload(chat: Page):
    pick_graph(chat, "interview")
    ask(chat, "Plan my day")
    wait_for_status(chat, "interrupted")
    expect(interrupts(chat)).to_contain_text("Which city should I check the weather for?")

    chat.reload()
    wait_for_status(chat, "interrupted")
    expect(interrupts(chat)).to_contain_text("Which city should I check the weather for?")
    expect(chat.get_by_test_id(testids.COMPOSER_INPUT)).to_have_attribute(
        "placeholder", re.compile("waits for your answer")
    )

    ask(chat, "Tokyo")
    wait_for_status(chat, "done")
    expect(messages(chat, "user").last).to_have_text("Tokyo")
    expect(messages(chat, "assistant").last).to_contain_text("72 degrees and humid in Tokyo")
    expect(messages(chat, "user")).to_have_count(2)  # the question and the answer: no restart


def test_parallel_interrupts_each_get_a_card_and_are_answered_together(chat: Page):
    pick_graph(chat, "review")
    form = chat.get_by_test_id(testids.GRAPH_INPUT_FORM)  # no messages in its input: a form
    expect(chat.get_by_test_id(testids.COMPOSER_INPUT)).to_have_count(0)
    form.locator('[data-name="topic"] input').fill("Trip")
    form.locator('[data-name="sections"] input').fill("2")
    chat.get_by_test_id(testids.SEND_BUTTON).click()
    wait_for_status(chat, "interrupted")

    cards = interrupts(chat)
    expect(cards).to_have_count(2)
    branches = tree_nodes(chat, name="review_section")
    expect(branches).to_have_count(2)
    expect(branches.first).to_contain_text("section: Trip, part 1")
    expect(branches.last).to_contain_text("section: Trip, part 2")

    first = cards.nth(0)
    first.get_by_test_id(testids.INTERRUPT_RESPONSE).fill("yes")
    first.get_by_test_id(testids.INTERRUPT_SUBMIT).click()
    expect(first).to_contain_text("Answered")
    wait_for_status(chat, "interrupted")  # nothing is sent before the other card is answered

    second = cards.nth(1)
    second.get_by_test_id(testids.INTERRUPT_RESPONSE).fill("no")
    second.get_by_test_id(testids.INTERRUPT_SUBMIT).click()

    wait_for_status(chat, "done")
    expect(interrupts(chat)).to_have_count(0)
    answer = messages(chat, "assistant").last
    expect(answer).to_contain_text('"verdict": "yes"')
    expect(answer).to_contain_text('"verdict": "no"')

    live = messages(chat).all_text_contents()  # the form's input, the answers, the output
    thread = current_thread_id(chat)
    chat.get_by_test_id(testids.NEW_THREAD).click()
    by_test_id(chat, testids.THREAD_ITEM, thread_id=thread).click()
    wait_for_status(chat, "done")
    expect(messages(chat)).to_have_text(live)  # reopened, it reads as it did


def test_an_interrupt_answered_in_another_tab_is_not_answered_twice(chat: Page, browser: Browser):
    pick_graph(chat, "interview")
    ask(chat, "Plan my day")
    wait_for_status(chat, "interrupted")
    url = chat.url

    other = browser.new_page()
    try:
        open_app(other, url)
        wait_for_status(other, "interrupted")
        ask(other, "Paris")
        wait_for_status(other, "done")
    finally:
        other.close()

    ask(chat, "London")
    wait_for_status(chat, "error")
    expect(chat.get_by_test_id(testids.ERROR_BANNER)).to_contain_text("answered meanwhile")
    expect(messages(chat, "user").last).to_have_text("London")  # what was typed stays


def test_thinking_streams_into_its_own_section_never_into_the_answer(chat: Page):
    pick_graph(chat, "thinker")
    ask(chat, "Hello?")

    live_thinking = chat.locator('[data-md-part="thinking"]')
    expect(live_thinking).to_contain_text("The person wrote to me")
    wait_for_status(chat, "done")

    bubble = messages(chat, "assistant").last
    thinking = bubble.get_by_test_id(testids.THINKING)
    expect(thinking).to_have_count(1)
    expect(thinking).not_to_have_attribute("open", "")  # folded once the answer is there
    expect(thinking).to_contain_text("The person wrote to me", use_inner_text=False)
    expect(bubble).to_contain_text("I'm the demo agent")
    answer_text = bubble.inner_text().split("I'm the demo agent", 1)[1]
    assert "wrote to me" not in answer_text
    assert "signature" not in bubble.text_content()
    expect(tree_nodes(chat, kind="chat_model")).to_contain_text("think")


def test_middleware_work_shows_in_the_tree_as_it_happened_and_not_in_the_chat(chat: Page):
    """`ModelFallbackMiddleware`: each call of the out-of-service model fails (the event
    stream just never ends it) and the fallback answers. `SummarizationMiddleware`: past six
    messages, a model call it tags `nostream` sums up the thread."""
    pick_graph(chat, "middleware")
    ask(chat, WEATHER_QUESTION)
    wait_for_status(chat, "done")
    failed = tree_nodes(chat, name="UnavailableModel")
    expect(failed).to_have_count(2)
    for node in failed.all():
        expect(node).to_have_attribute("data-status", "error")
        expect(node.locator(".status-dot").first).to_have_attribute(
            "title", re.compile('raised an error that "model" handled')
        )
    expect(messages(chat, "assistant").last).to_contain_text("foggy")

    ask(chat, "And in London?")
    wait_for_status(chat, "done")
    expect(messages(chat, "assistant").last).to_contain_text("in London")
    expect(chat.get_by_test_id(testids.MESSAGE).filter(has_text=SUMMARY)).to_have_count(0)
    middleware = tree_nodes(chat, name="SummarizationMiddleware.before_model")
    summarizer = middleware.locator('[data-testid="tree-node"][data-kind="chat_model"]')
    summarizer.locator(".node-row").first.click()
    expect(chat.get_by_test_id(testids.NODE_DETAILS)).to_contain_text(SUMMARY)
    expect(chat.get_by_test_id(testids.NODE_DETAILS)).to_contain_text("nostream")


def test_custom_events_are_nodes_under_the_node_that_sent_them(chat: Page):
    pick_graph(chat, "research")
    ask(chat, "Is Paris mild in spring?")
    wait_for_status(chat, "done")

    research = tree_nodes(chat, name="research", kind="chain").last
    events = tree_nodes(
        chat, kind="custom_event", parent_id=research.get_attribute("data-run-id") or ""
    )
    expect(events).to_have_count(3)
    expect(events.first).to_have_attribute("data-name", "progress")
    events.first.locator(".node-row").first.click()
    expect(chat.get_by_test_id(testids.NODE_DETAILS)).to_contain_text("searching the library")
    expect(tree_nodes(chat, kind="retriever")).to_have_count(1)
    expect(messages(chat, "assistant").last).to_contain_text("Paris is mild in spring")


def test_a_failing_tool_shows_its_real_error_in_its_card(chat: Page):
    pick_graph(chat, "flaky")
    ask(chat, WEATHER_QUESTION)
    wait_for_status(chat, "done")

    card = messages(chat, "tool").last
    card.click()
    expect(card).to_contain_text("error")
    expect(card).to_contain_text("The weather service did not answer for San Francisco")
    expect(tree_nodes(chat, kind="tool")).to_have_attribute("data-status", "error")


def test_a_reopened_thread_runs_its_own_graph_with_its_live_durations(chat: Page):
    pick_graph(chat, "flaky")
    ask(chat, WEATHER_QUESTION)
    wait_for_status(chat, "done")
    thread = current_thread_id(chat)
    model = tree_nodes(chat, kind="chat_model").first
    live_ms = int(model.get_attribute("data-duration-ms") or "0")
    assert live_ms >= 100  # the demo model streams for a while

    chat.get_by_test_id(testids.NEW_THREAD).click()
    pick_graph(chat, "agent")
    item = by_test_id(chat, testids.THREAD_ITEM, thread_id=thread)
    expect(item).to_contain_text("flaky")
    item.click()

    wait_for_status(chat, "done")
    expect(chat.get_by_test_id(testids.ASSISTANT_PICKER)).to_have_value("flaky")
    replayed = int(tree_nodes(chat, kind="chat_model").first.get_attribute("data-duration-ms"))
    assert abs(replayed - live_ms) <= max(50, live_ms * 0.2)  # not ~1 ms: the server's times

    ask(chat, "What's the weather in Paris?")
    wait_for_status(chat, "done")
    expect(messages(chat, "tool").last).to_contain_text("did not answer for Paris")


def test_typing_in_the_composer_while_a_tool_call_waits_rejects_it_never_restarts(chat: Page):
    pick_graph(chat, "approval")
    ask(chat, WEATHER_QUESTION)
    wait_for_status(chat, "interrupted")

    ask(chat, "No, do not look it up")

    wait_for_status(chat, "done")
    expect(messages(chat, "user").last).to_have_text("Reject get_weather: No, do not look it up")
    expect(messages(chat, "assistant").last).to_contain_text("User rejected the tool call")
    expect(messages(chat, "user")).to_have_count(2)
    expect(tree_nodes(chat, kind="tool")).to_have_count(0)  # the tool never ran
