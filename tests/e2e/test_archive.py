"""The run archive in the browser: every run recorded, replayed in the page at any speed or
step by step, exported as a self-contained HTML page and a JSON recording, imported again,
and earlier runs' trees shown after the LangGraph server forgot the thread."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, Route, expect

from app import testids
from app.embedded_server import DemoServer
from tests.e2e.conftest import API_KEY
from tests.e2e.pages import (
    ask,
    by_test_id,
    current_thread_id,
    messages,
    open_app,
    tree_nodes,
    wait_for_status,
)

WEATHER = "What's the weather in SF?"


def tree_snapshot(page: Page) -> list[tuple[str, str, str, str]]:
    """Every shown tree node's name, kind, status and parent position, in order."""
    return page.eval_on_selector_all(
        f'[data-testid="{testids.TREE_NODE}"]',
        "nodes => nodes.map(n => [n.dataset.name, n.dataset.kind, n.dataset.status,"
        " n.dataset.parentId ? 'child' : 'root'])",
    )


def assistant_texts(page: Page) -> list[str]:
    return messages(page, "assistant").all_inner_texts()


def finish_weather_run(page: Page) -> None:
    ask(page, WEATHER)
    expect(messages(page, "user").last).to_have_text(WEATHER)
    expect(messages(page, "assistant").last).to_contain_text("foggy")
    wait_for_status(page, "done")


def download(page: Page, test_id: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def drop_file(page: Page, path: Path) -> None:
    """Drop a file on the page, as a person dragging it from their desktop would."""
    page.evaluate(
        """([name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: "application/json"}));
            const drop = new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true});
            document.querySelector(".chat-column").dispatchEvent(drop);
        }""",
        [path.name, path.read_text()],
    )


def test_a_replay_reproduces_the_runs_answer_and_tree(chat: Page):
    finish_weather_run(chat)
    answers, tree = assistant_texts(chat), tree_snapshot(chat)

    chat.get_by_test_id(testids.REPLAY_SPEED).select_option("5")
    chat.get_by_test_id(testids.REPLAY_BUTTON).click()
    wait_for_status(chat, "replaying")
    expect(messages(chat, "user")).to_have_text([WEATHER])
    wait_for_status(chat, "done")
    expect(messages(chat, "assistant")).to_have_text(answers)
    assert tree_snapshot(chat) == tree
    chat.screenshot(path="/tmp/archive-replay-done.png")

    chat.get_by_test_id(testids.REPLAY_SPEED).select_option("max")
    chat.get_by_test_id(testids.REPLAY_BUTTON).click()
    wait_for_status(chat, "done")
    expect(messages(chat, "assistant")).to_have_text(answers)
    assert tree_snapshot(chat) == tree


def test_stepping_through_a_run_grows_its_tree_frame_by_frame(chat: Page):
    finish_weather_run(chat)
    final = tree_snapshot(chat)
    chat.get_by_test_id(testids.REPLAY_SPEED).select_option("step")
    chat.get_by_test_id(testids.REPLAY_BUTTON).click()
    wait_for_status(chat, "replaying")
    expect(tree_nodes(chat)).to_have_count(0)
    dots = chat.get_by_test_id(testids.AWAITING_ANSWER)
    expect(dots).to_be_visible()  # as live: the agent works, nothing answered yet
    step = chat.get_by_test_id(testids.REPLAY_STEP)
    step.click()
    expect(tree_nodes(chat)).to_have_count(1)  # the graph's own run starts first
    step.click()
    expect(tree_nodes(chat)).to_have_count(2)
    expect(tree_nodes(chat, status="running")).to_have_count(2)

    thumb = chat.get_by_test_id(testids.REPLAY_POSITION).get_by_role("slider")
    thumb.focus()
    thumb.press("End")  # drag to the end
    wait_for_status(chat, "done")
    assert tree_snapshot(chat) == final
    expect(dots).to_have_count(0)
    chat.screenshot(path="/tmp/archive-step-end.png")
    thumb.press("Home")
    expect(chat.get_by_text(re.compile(r"^0 / \d+$"))).to_be_visible()
    expect(tree_nodes(chat)).to_have_count(0)
    wait_for_status(chat, "replaying")


def test_the_exported_page_opens_from_disk_with_no_network(
    chat: Page, browser: Browser, tmp_path: Path
):
    hostile = '<img src=x onerror="window.__pwned=1"> [link](javascript:alert(1))'
    ask(
        chat,
        f"repeat: {hostile} **bold** [site](https://example.com) ![pic](https://example.com/p.png)",
    )
    wait_for_status(chat, "done")
    finish_weather_run(chat)
    page_file = download(chat, testids.EXPORT_THREAD_HTML, tmp_path)
    text = page_file.read_text()
    assert API_KEY not in text

    offline = browser.new_context().new_page()
    requests: list[str] = []

    def only_the_file(route: Route) -> None:
        requests.append(route.request.url)
        if route.request.url == page_file.as_uri():
            route.continue_()
        else:
            route.abort()

    offline.route("**/*", only_the_file)
    offline.goto(page_file.as_uri())
    expect(messages(offline, "user").last).to_have_text(WEATHER)
    answer = messages(offline, "assistant").first
    # markdown, as in the app, but links and images are their text and address
    expect(answer).to_have_text(
        f"{hostile} bold site (https://example.com/) Image: pic (https://example.com/p.png)"
    )
    expect(answer.locator("strong")).to_have_text("bold")
    expect(offline.locator("img, a")).to_have_count(0)
    expect(tree_nodes(offline, kind="tool", status="done")).to_have_count(1)
    tree_nodes(offline, kind="tool").locator(".row").click()
    expect(offline.get_by_test_id(testids.NODE_DETAILS).first).to_contain_text("Duration")

    second_run = offline.locator("section.run").nth(1)
    second_run.get_by_test_id(testids.REPLAY_SPEED).select_option("max")
    second_run.get_by_test_id(testids.REPLAY_BUTTON).click()
    expect(tree_nodes(second_run, kind="tool", status="done")).to_have_count(1)
    expect(messages(second_run, "assistant").last).to_contain_text("foggy")
    offline.screenshot(path="/tmp/archive-export.png", full_page=True)
    assert requests == [page_file.as_uri()]
    assert offline.evaluate("window.__pwned") is None
    offline.context.close()


def test_a_json_export_imported_again_equals_the_original(chat: Page, tmp_path: Path):
    finish_weather_run(chat)
    thread_id = current_thread_id(chat)
    exported = download(chat, testids.EXPORT_JSON, tmp_path)
    original = json.loads(exported.read_text())
    assert original["version"] == 1 and len(original["runs"]) == 1
    assert API_KEY not in exported.read_text()

    chat.get_by_test_id(testids.NEW_THREAD).click()
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text("new")
    chat.get_by_test_id(testids.IMPORT_RECORDING).set_input_files(exported)
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text(thread_id)
    expect(tree_nodes(chat, kind="tool")).to_have_count(1)

    again = json.loads(download(chat, testids.EXPORT_JSON, tmp_path / "again").read_text())
    assert again["runs"] == original["runs"]

    chat.get_by_test_id(testids.NEW_THREAD).click()
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text("new")
    drop_file(chat, exported)  # dropped anywhere on the page
    expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text(thread_id)
    expect(tree_nodes(chat, kind="tool")).to_have_count(1)


def test_bad_recordings_are_refused_with_a_clear_message(chat: Page, tmp_path: Path):
    finish_weather_run(chat)
    thread_id = current_thread_id(chat)
    good = json.loads(download(chat, testids.EXPORT_JSON, tmp_path).read_text())
    cases = {
        "notes.json": ("hello, not json", "not a run recording"),
        "other.json": (json.dumps({"name": "x"}), "not a run recording"),
        "newer.json": (json.dumps({**good, "version": 99}), "newer version"),
        "cut.json": (json.dumps(good)[:-200], "cut off"),
    }
    banner = chat.get_by_test_id(testids.ERROR_BANNER)
    for name, (content, message) in cases.items():
        bad = tmp_path / name
        bad.write_text(content)
        chat.get_by_test_id(testids.IMPORT_RECORDING).set_input_files(bad)
        expect(banner).to_contain_text(re.compile(message, re.IGNORECASE))
        expect(chat.get_by_test_id(testids.THREAD_ID)).to_have_text(thread_id)
        expect(messages(chat, "assistant").last).to_contain_text("foggy")
        wait_for_status(chat, "done")


def test_earlier_runs_trees_come_back_after_the_server_forgot_the_thread(
    chat: Page, browser: Browser, demo_server: DemoServer, app_url: str
):
    finish_weather_run(chat)
    ask(chat, "repeat: second run")
    expect(messages(chat, "assistant").last).to_have_text("second run")
    wait_for_status(chat, "done")
    thread_id = current_thread_id(chat)
    demo_server.restart()

    other = browser.new_context().new_page()  # another browser, from the sidebar
    open_app(other, app_url)
    item = by_test_id(other, testids.THREAD_ITEM, thread_id=thread_id)
    expect(item).to_contain_text("archived")
    item.click()
    expect(other.get_by_text("no longer knows this thread")).to_be_visible()
    expect(messages(other, "user")).to_have_text([WEATHER, "repeat: second run"])
    expect(messages(other, "assistant").last).to_have_text("second run")
    expect(other.get_by_test_id(testids.COMPOSER_INPUT)).to_be_disabled()
    picker = other.get_by_test_id(testids.RUN_PICKER)
    expect(picker.locator("option")).to_have_count(2)
    expect(picker.locator("option").first).to_contain_text(re.compile(r"done · \d"))
    picker.select_option(index=0)
    expect(tree_nodes(other, kind="tool", status="done")).to_have_count(1)
    expect(other.locator(".duration").first).to_have_text(re.compile(r"\d"))
    other.get_by_test_id(testids.REPLAY_SPEED).select_option("max")
    other.get_by_test_id(testids.REPLAY_BUTTON).click()
    wait_for_status(other, "done")
    expect(messages(other, "assistant").last).to_contain_text("foggy")
    other.screenshot(path="/tmp/archive-read-only.png")
    other.context.close()
