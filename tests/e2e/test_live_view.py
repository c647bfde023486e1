"""The live view in real Chromium against the real server: markdown while the answer streams
and the very same elements after it ends, model output that never runs, the tree's live
numbers, and the layout on a projector's 1024×768."""

import re

from playwright.sync_api import Page, expect

from app import testids
from tests.e2e.pages import (
    ask,
    messages,
    open_app,
    pick_graph,
    tree_nodes,
    wait_for_hydration,
    wait_for_status,
)

# A word every 30 ms: section 1 (a heading, lists, a code block, a table), then 60 words.
MARKDOWN = "slow markdown 120 tokens"
# `repeat:` echoes the text verbatim (on one line: the question box has one).
TAIL = " ".join(f"tail{i}" for i in range(60))
HOSTILE = (
    "Click [here](javascript:window.__pwned=1) or ![x](javascript:window.__pwned=2) "
    '<img src=x onerror="window.__pwned=3"> <script>window.__pwned=4</script> ' + TAIL
)

# Marks the answer's heading, list items and code block once they are all there while the
# run still streams, and says whether it did.
MARK_WHILE_STREAMING = """() => {
  const bubbles = document.querySelectorAll('[data-testid="message"][data-role="assistant"]');
  const answer = bubbles[bubbles.length - 1]?.querySelector('[data-md-part="answer"]');
  const status = document.querySelector('[data-testid="run-status"]').dataset.status;
  if (!answer || status !== "running") return false;
  const parts = [answer.querySelector("h2"), ...answer.querySelectorAll("li"),
                 answer.querySelector("pre code"), answer.querySelector('[data-testid="copy-code"]'),
                 answer.querySelector("table td")];
  if (parts.length < 9 || parts.some(p => !p) || !answer.textContent.includes("word1")) return false;
  if (answer.textContent.includes("End of document")) return false;  // must still be streaming
  parts.forEach(p => { p.__marked = true; });
  return true;
}"""

STILL_MARKED = """() => {
  const answer = [...document.querySelectorAll('[data-md-part="answer"]')].pop();
  const parts = [answer.querySelector("h2"), ...answer.querySelectorAll("li"),
                 answer.querySelector("pre code"), answer.querySelector('[data-testid="copy-code"]'),
                 answer.querySelector("table td")];
  return parts.length === 9 && parts.every(p => p.__marked === true);
}"""

# The hostile answer's state while it streams: live links, images, and whether anything ran.
HOSTILE_STATE = """() => {
  const answer = [...document.querySelectorAll('[data-md-part="answer"]')].pop();
  return {
    text: answer ? answer.textContent : "",
    links: answer ? [...answer.querySelectorAll("a")].map(a => a.getAttribute("href")) : [],
    images: answer ? answer.querySelectorAll("img, script").length : 0,
    pwned: window.__pwned ?? null,
    status: document.querySelector('[data-testid="run-status"]').dataset.status,
  };
}"""


# A model's time to first token and speed, and the run's totals, seen while it streams.
NUMBERS_WHILE_STREAMING = """() => {
  const status = document.querySelector('[data-testid="run-status"]').dataset.status;
  const numbers = [...document.querySelectorAll('[data-testid="model-numbers"]')]
    .map(n => n.textContent);
  const totals = document.querySelector('[data-testid="run-totals"]').textContent;
  return status === "running" && numbers.some(n => /TTFT\\s\\d+\\sms · \\d+\\stok\\/s/.test(n))
    && /\\d+ model calls? · \\d+ tool calls? · \\d+ tokens?/.test(totals);
}"""


def test_markdown_shows_while_the_answer_streams_and_the_same_elements_stay_after(chat: Page):
    ask(chat, MARKDOWN)
    chat.wait_for_function(MARK_WHILE_STREAMING, polling="raf", timeout=30_000)
    wait_for_status(chat, "done")

    answer = messages(chat, "assistant").last
    expect(answer.locator("h2")).to_have_text("Section 1")
    expect(answer.locator("ul > li > ul > li")).to_have_text("a nested point")
    expect(answer.locator("ol > li")).to_have_text(["step one", "step two"])
    expect(answer.locator("p strong")).to_have_text("bold words")
    expect(answer.locator("pre code")).to_have_text("def section_1():\n    return 1 * 2")
    expect(answer.locator("table td")).to_have_text(["alpha", "1", "beta", "2"])
    expect(answer.locator("a")).to_have_attribute("href", "https://example.com/1")
    expect(answer).to_contain_text("End of document.")
    assert chat.evaluate(STILL_MARKED), "the streamed elements were replaced when the run ended"


def test_a_saved_answer_renders_the_same_way_when_the_thread_is_opened_again(chat: Page):
    ask(chat, MARKDOWN)
    wait_for_status(chat, "done")
    streamed = messages(chat, "assistant").last.locator('[data-md-part="answer"]').inner_html()

    other = chat.context.new_page()
    open_app(other, chat.url)  # the thread's id is in the URL: its saved messages
    wait_for_status(other, "done")  # the reopened thread replays its last run first
    saved = messages(other, "assistant").last.locator('[data-md-part="answer"]')
    expect(saved.locator("pre code")).to_have_text("def section_1():\n    return 1 * 2")
    assert saved.inner_html() == streamed
    other.close()


# Installed before the page loads: how much of each answer (oldest first) is drawn, each
# time the page draws markdown.
DRAWS = """window.__draws = [];
new MutationObserver((records) => {
  if (!records.some((r) => r.target.closest?.("[data-md]"))) return;
  window.__draws.push([...document.querySelectorAll("[data-md]")].map((a) => a.textContent.length));
}).observe(document, {subtree: true, childList: true});"""


def test_a_thread_of_long_answers_opens_from_its_newest_answer_a_part_each_frame(chat: Page):
    answers = messages(chat, "assistant").locator('[data-md-part="answer"]')
    for count in (1, 2, 3):
        ask(chat, "markdown 3000 tokens")  # 16,000 characters each
        expect(answers.nth(count - 1)).to_contain_text("End of document.")
        wait_for_status(chat, "done")
    whole = answers.evaluate_all("answers => answers.map(a => a.innerHTML)")

    other = chat.context.new_page()
    other.add_init_script(DRAWS)
    open_app(other, chat.url)  # the first two answers are saved, the last one replays
    reopened = messages(other, "assistant").locator('[data-md-part="answer"]')
    for answer in (reopened.last, reopened.first):
        expect(answer).to_contain_text("End of document.")
    wait_for_status(other, "done")
    assert reopened.evaluate_all("answers => answers.map(a => a.innerHTML)") == whole
    draws = other.evaluate("window.__draws")
    first_drawn = [next(i for i, d in enumerate(draws) if d[k] > 0) for k in (0, 1)]
    assert first_drawn[1] < first_drawn[0]  # the saved answers fill in from the chat's end
    assert len({tuple(d) for d in draws}) > 3  # over several frames, not in one long task
    other.close()


def test_script_links_and_raw_html_in_model_output_are_inert_while_streaming_and_after(
    chat: Page,
):
    ask(chat, "repeat: " + HOSTILE)
    chat.wait_for_function(
        "() => [...document.querySelectorAll('[data-md-part=\"answer\"]')].pop()"
        "?.textContent.includes('tail3')",
        polling="raf",
    )
    during = chat.evaluate(HOSTILE_STATE)
    wait_for_status(chat, "done")
    after = chat.evaluate(HOSTILE_STATE)

    assert during["status"] == "running"
    for state in (during, after):
        assert state["links"] == [] and state["images"] == 0 and state["pwned"] is None
        assert "[here](javascript:window.__pwned=1)" in state["text"]
        assert '<img src=x onerror="window.__pwned=3">' in state["text"]
    assert "<script>window.__pwned=4</script>" in after["text"]


def test_the_copy_button_copies_the_code(chat: Page):
    chat.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ask(chat, MARKDOWN)
    wait_for_status(chat, "done")
    button = messages(chat, "assistant").last.get_by_test_id(testids.COPY_CODE)
    button.click()
    expect(button).to_have_text("Copied")
    assert chat.evaluate("navigator.clipboard.readText()") == "def section_1():\n    return 1 * 2"


def test_model_numbers_and_run_totals_show_while_the_run_streams(chat: Page):
    ask(chat, "What's the weather in SF?")
    chat.wait_for_function(NUMBERS_WHILE_STREAMING, polling="raf", timeout=30_000)
    wait_for_status(chat, "done")

    numbers = tree_nodes(chat, kind="chat_model").first.get_by_test_id(testids.MODEL_NUMBERS)

    expect(numbers).to_contain_text(re.compile(r"\d+→\d+\stok"))  # usage_metadata: in→out
    totals = chat.get_by_test_id(testids.RUN_TOTALS)
    expect(totals).to_contain_text("2 model calls · 1 tool call")
    expect(totals).to_contain_text(re.compile(r"\d+ tokens \(in \d+ · out \d+\)"))
    tree_nodes(chat, kind="chat_model").first.locator(".node-row").first.click()
    details = chat.get_by_test_id(testids.NODE_DETAILS)
    expect(details).to_contain_text("Time to first token")
    expect(details).to_contain_text("Output tokens")


# A running model's tokens (in, out) once it has streamed a few: null before.
TOKENS_WHILE_STREAMING = """() => {
  const node = document.querySelector(
    '[data-testid="tree-node"][data-kind="chat_model"][data-status="running"]');
  const text = node?.querySelector('[data-testid="model-numbers"]').textContent || "";
  const match = text.match(/(\\d+)→(\\d+)\\stok/);
  return match && Number(match[2]) >= 5 ? [Number(match[1]), Number(match[2])] : null;
}"""


def test_a_models_tokens_count_up_while_its_usage_is_still_to_come(chat: Page):
    """The thinker reports usage as Anthropic's models do: its input tokens on the first
    chunk, its output only on the last. Meanwhile the node counts what it streamed."""
    pick_graph(chat, "thinker")
    ask(chat, "Hello there?")
    during = chat.wait_for_function(TOKENS_WHILE_STREAMING, polling="raf").json_value()
    wait_for_status(chat, "done")

    numbers = tree_nodes(chat, kind="chat_model").get_by_test_id(testids.MODEL_NUMBERS)
    final = re.search(r"(\d+)→(\d+)\stok", numbers.inner_text())
    given, answered = int(final[1]), int(final[2])
    assert during[0] == given > 0  # the input tokens, from the first chunk on
    assert answered > during[1]
    expect(chat.get_by_test_id(testids.RUN_TOTALS)).to_contain_text(
        f"{given + answered} tokens (in {given} · out {answered})"
    )


# What of the tree panel reaches past its right edge, and what of a model's numbers is cut.
PANEL_OVERFLOW = """() => {
  const panel = document.querySelector(".tree-panel").getBoundingClientRect();
  const past = [...document.querySelectorAll(
      '.tree-panel .node-row > *, [data-testid="run-totals"], .import-button')]
    .filter(el => el.getBoundingClientRect().width > 0
      && el.getBoundingClientRect().right > panel.right + 0.5)
    .map(el => el.className || el.dataset.testid);
  const cut = [...document.querySelectorAll('[data-testid="model-numbers"]')]
    .filter(el => el.textContent
      && (el.scrollWidth > el.clientWidth || el.getBoundingClientRect().width === 0))
    .map(el => el.textContent);
  return {past, cut};
}"""


def test_on_a_projector_the_tree_panel_fits_and_shows_the_model_numbers_whole(chat: Page):
    chat.set_viewport_size({"width": 1024, "height": 768})
    ask(chat, "What's the weather in SF?")
    chat.wait_for_function(NUMBERS_WHILE_STREAMING, polling="raf", timeout=30_000)
    during = chat.evaluate(PANEL_OVERFLOW)
    wait_for_status(chat, "done")
    after = chat.evaluate(PANEL_OVERFLOW)

    assert during == {"past": [], "cut": []}
    assert after == {"past": [], "cut": []}
    numbers = tree_nodes(chat, kind="chat_model").first.get_by_test_id(testids.MODEL_NUMBERS)
    expect(numbers).to_be_visible()
    # each figure stays whole (no-break spaces inside): a narrow panel wraps between them
    expect(numbers).to_contain_text(re.compile(r"TTFT\s\d+\sms · \d+\stok/s · \d+→\d+\stok"))


def test_on_a_projector_a_selected_nodes_details_leave_the_tree_in_view(chat: Page):
    chat.set_viewport_size({"width": 1024, "height": 768})
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    tree_nodes(chat, kind="chat_model").first.locator(".node-row").first.click()
    details = chat.get_by_test_id(testids.NODE_DETAILS)
    expect(details).to_contain_text("Streamed text")

    assert chat.get_by_test_id(testids.EVENT_TREE).bounding_box()["height"] > 150
    tree_nodes(chat, kind="tool").locator(".node-row").first.click()  # still reachable
    expect(details).to_contain_text("Tool call ID")


def test_a_narrow_question_box_keeps_its_hint_on_its_one_line(chat: Page):
    chat.set_viewport_size({"width": 1200, "height": 800})  # the thread list open beside it
    expect(chat.get_by_test_id(testids.NEW_THREAD)).to_be_visible()
    composer = chat.get_by_test_id(testids.COMPOSER_INPUT)
    assert composer.bounding_box()["width"] < 400  # the hint is longer than the box
    # no second line of the hint hidden under the box's edge
    assert composer.evaluate("box => box.scrollHeight <= box.clientHeight")


def test_on_a_projector_the_panels_fold_and_the_question_box_gets_the_focus_back(chat: Page):
    chat.set_viewport_size({"width": 1024, "height": 768})
    composer = chat.get_by_test_id(testids.COMPOSER_INPUT)
    expect(chat.get_by_test_id(testids.NEW_THREAD)).to_be_hidden()  # threads folded away
    assert composer.bounding_box()["width"] > 420

    chat.get_by_test_id(testids.THREADS_TOGGLE).click()
    expect(chat.get_by_test_id(testids.NEW_THREAD)).to_be_visible()
    chat.get_by_test_id(testids.THREADS_TOGGLE).click()
    expect(chat.get_by_test_id(testids.NEW_THREAD)).to_be_hidden()

    tree = chat.get_by_test_id(testids.EVENT_TREE)
    chat.get_by_test_id(testids.TREE_FOLD).click()
    expect(tree).to_be_hidden()
    chat.get_by_test_id(testids.TREE_FOLD).click()
    expect(tree).to_be_visible()

    handle = chat.get_by_test_id(testids.TREE_RESIZER).bounding_box()
    before = tree.bounding_box()["width"]
    chat.mouse.move(handle["x"] + 3, handle["y"] + 200)
    chat.mouse.down()
    chat.mouse.move(handle["x"] - 150, handle["y"] + 200, steps=5)
    chat.mouse.up()
    assert tree.bounding_box()["width"] > before + 100

    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    expect(composer).to_be_focused()


def _width(page: Page, selector: str) -> float:
    return page.locator(selector).bounding_box()["width"]


def test_the_tree_resizes_from_the_keyboard_and_keeps_its_width_after_a_reload(chat: Page):
    chat.set_viewport_size({"width": 1400, "height": 900})
    handle = chat.get_by_test_id(testids.TREE_RESIZER)
    default = _width(chat, "#tree-panel")
    handle.focus()
    for _ in range(3):
        chat.keyboard.press("ArrowLeft")  # the handle moves left: the tree widens
    chat.keyboard.press("ArrowRight")
    widened = _width(chat, "#tree-panel")
    assert abs(widened - (default + 64)) <= 2
    expect(handle).to_have_attribute("aria-valuenow", str(round(widened)))

    chat.reload()
    wait_for_hydration(chat)
    assert abs(_width(chat, "#tree-panel") - widened) <= 1

    chat.get_by_test_id(testids.TREE_RESIZER).dblclick()  # back to the default, kept so too
    assert abs(_width(chat, "#tree-panel") - default) <= 1
    chat.reload()
    wait_for_hydration(chat)
    assert abs(_width(chat, "#tree-panel") - default) <= 1


def test_a_tree_widened_to_its_limit_leaves_the_chat_room_on_a_smaller_screen(chat: Page):
    chat.set_viewport_size({"width": 1400, "height": 900})  # the thread list shown too
    expect(chat.get_by_test_id(testids.NEW_THREAD)).to_be_visible()
    chat.get_by_test_id(testids.TREE_RESIZER).focus()
    for _ in range(12):
        chat.keyboard.press("Shift+ArrowLeft")
    assert abs(_width(chat, ".chat-column") - 320) <= 1
    assert _width(chat, "#tree-panel") > 700

    chat.set_viewport_size({"width": 1024, "height": 768})  # the projector, same browser
    assert _width(chat, ".chat-column") >= 319
    assert _width(chat, "#tree-panel") >= 260
    ask(chat, "What's the weather in SF?")
    wait_for_status(chat, "done")
    expect(messages(chat, role="assistant").last).to_be_in_viewport()
    card = messages(chat, role="tool").first.bounding_box()
    status = messages(chat, role="tool").first.locator(".tool-status").bounding_box()
    assert status["x"] + status["width"] <= card["x"] + card["width"]  # not cut off
    name = messages(chat, role="tool").first.locator(".tool-name")
    assert name.evaluate("e => e.scrollWidth <= e.clientWidth")  # whole: not "get_wea / ther"
    assert name.bounding_box()["height"] < 24
