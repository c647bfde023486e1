"""The chat, in real Chromium against the real LangGraph server and demo agent."""

from playwright.sync_api import Page, expect

from app import testids
from tests.e2e.pages import ask, current_thread_id, messages, open_app, wait_for_status

# Records, in the page itself, every text the streamed answer shows and every run status,
# so the test sees each step however fast the stream is.
RECORD_STEPS = """() => {
  window.__answers = []; window.__statuses = [];
  const record = () => {
    const bubbles = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
    const last = bubbles[bubbles.length - 1];
    const text = last ? last.innerText : "";
    if (text && window.__answers[window.__answers.length - 1] !== text) window.__answers.push(text);
    const status = document.querySelector('[data-testid="run-status"]').dataset.status;
    if (window.__statuses[window.__statuses.length - 1] !== status) window.__statuses.push(status);
  };
  new MutationObserver(record).observe(document.body,
    {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def test_answer_streams_in_token_by_token_and_status_goes_running_then_done(chat: Page):
    chat.evaluate(RECORD_STEPS)
    ask(chat, "What's the weather in SF?")

    expect(messages(chat, "user")).to_have_text(["What's the weather in SF?"])
    wait_for_status(chat, "done")
    expect(messages(chat, "assistant").last).to_contain_text("60 degrees and foggy")

    answers = chat.evaluate("window.__answers")
    final = messages(chat, "assistant").last.inner_text()
    growing = [text for text in answers if final.startswith(text.strip()) and text != final]
    assert len(growing) >= 3, f"the answer appeared in too few steps: {answers}"
    statuses = chat.evaluate("window.__statuses")
    assert statuses[-2:] == ["running", "done"], statuses


def test_dots_stand_where_the_answer_will_be_until_the_run_shows_something(chat: Page):
    chat.evaluate(
        """() => {
      window.__seen = [];
      new MutationObserver(() => {
        const dots = document.querySelector('[data-testid="awaiting-answer"][role="status"]');
        const shown = document.querySelectorAll('[data-testid="message"]:not([data-role="user"])');
        const step = [Boolean(dots && dots.checkVisibility()), shown.length];
        const last = window.__seen[window.__seen.length - 1];
        if (!last || last[0] !== step[0] || last[1] !== step[1]) window.__seen.push(step);
      }).observe(document.body, {subtree: true, childList: true});
    }"""
    )
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    expect(chat.get_by_test_id(testids.AWAITING_ANSWER)).to_have_count(0)
    seen = chat.evaluate("window.__seen")  # [dots shown, bubbles and cards shown] per change
    start = seen.index([True, 0])
    # the dots went in the same step as the run's first bubble or card came, and stayed away
    assert not seen[start + 1][0] and seen[start + 1][1] > 0, seen
    assert not any(dots for dots, _ in seen[start + 1 :]), seen


def test_the_weather_tool_call_shows_as_a_card_between_the_two_model_answers(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")

    card = messages(chat, "tool")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("get_weather")
    card.locator("summary").click()
    expect(card).to_contain_text("60 degrees and foggy")
    roles = messages(chat).evaluate_all("nodes => nodes.map(n => n.dataset.role)")
    assert roles == ["user", "assistant", "tool", "assistant"], roles


def test_enter_sends_and_shift_enter_keeps_a_pasted_question_on_its_lines(chat: Page):
    box = chat.get_by_test_id(testids.COMPOSER_INPUT)
    box.fill("repeat: | a | b |")
    box.press("Shift+Enter")
    box.press_sequentially("|---|---|")
    box.press("Shift+Enter")
    box.press_sequentially("| 1 | 2 |")
    box.press("Enter")

    expect(messages(chat, "user")).to_have_text(["repeat: | a | b |\n|---|---|\n| 1 | 2 |"])
    wait_for_status(chat, "done")
    answer = messages(chat, "assistant").last
    expect(answer.locator("table td")).to_have_text(["1", "2"])  # the answer kept the lines
    expect(box).to_have_value("")


def test_the_composer_is_disabled_while_a_run_streams_and_usable_after(chat: Page):
    ask(chat, "What's the weather in Paris?")
    expect(chat.get_by_test_id(testids.COMPOSER_INPUT)).to_be_disabled()
    expect(chat.get_by_test_id(testids.STOP_BUTTON)).to_be_visible()
    wait_for_status(chat, "done")
    expect(chat.get_by_test_id(testids.COMPOSER_INPUT)).to_be_enabled()
    expect(chat.get_by_test_id(testids.COMPOSER_INPUT)).to_have_value("")


def test_a_second_question_continues_the_same_thread(chat: Page):
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    thread_id = current_thread_id(chat)
    assert thread_id not in ("", "new")

    ask(chat, "And the weather in Tokyo?")
    expect(messages(chat, "user")).to_have_count(2)
    wait_for_status(chat, "done")
    expect(messages(chat, "assistant").last).to_contain_text("Tokyo")
    expect(messages(chat, "assistant").first).to_contain_text("San Francisco")
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text(thread_id)


def test_each_tab_has_its_own_conversation(chat: Page):
    other = chat.context.new_page()
    open_app(other, chat.url)
    ask(chat, "What's the weather in London?")
    wait_for_status(chat, "done")
    expect(messages(other, "user")).to_have_count(0)
    other.close()
