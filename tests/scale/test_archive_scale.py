"""The run archive on PostgreSQL behind several workers: a run followed by two tabs at once
is recorded once and whole, and after the LangGraph server restarted, the same person in
another browser sees every run of the thread, read-only, with its tree and durations, and can
replay it; another person sees nothing of it."""

import re
import time
from collections.abc import Callable

import psycopg
from playwright.sync_api import Browser, Page, expect

from app import testids
from app.embedded_server import DemoServer
from tests.access.sso_proxy import sign_in_through
from tests.e2e.pages import ask, current_thread_id, messages, open_app, tree_nodes, wait_for_status
from tests.scale.conftest import API_KEY, RunningApp
from tests.scale.postgres import Postgres

OWNER, SOMEONE_ELSE = "grace@example.com", "linus@example.com"
SLOW = "repeat: " + " ".join(f"w{i}" for i in range(60))  # about 2 s of streaming


def recordings(postgres: Postgres, thread_id: str) -> list[tuple]:
    """Each recording of the thread: run id, status, frames, and the frames its chunks hold."""
    with psycopg.connect(postgres.dsn) as connection:
        return connection.execute(
            "SELECT r.run_id, r.status, r.frame_count, COALESCE(SUM(c.frame_count), 0),"
            " COUNT(c.id), COUNT(DISTINCT c.first_frame)"
            " FROM run_recording r LEFT JOIN run_frame_chunk c ON c.run_id = r.run_id"
            " WHERE r.thread_id = %s GROUP BY r.id ORDER BY r.started_at",
            (thread_id,),
        ).fetchall()


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for ``condition`` (checked every 0.1 s), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the archive was not written in time"
        time.sleep(0.1)


def httpx_status(page: Page, path: str) -> int:
    """The status of a GET the page's own browser makes (its cookies, through the proxy)."""
    return page.evaluate("async (path) => (await fetch(path)).status", path)


def test_runs_followed_twice_are_recorded_once_and_come_back_after_a_server_restart(
    scaled_app: RunningApp,
    postgres: Postgres,
    deployment: DemoServer,
    page: Page,
    browser: Browser,
):
    sign_in_through(page.context, scaled_app.url, OWNER)
    open_app(page, scaled_app.url)
    ask(page, "What's the weather in SF?")
    expect(messages(page, "assistant").last).to_contain_text("foggy")
    wait_for_status(page, "done")

    ask(page, SLOW)
    expect(messages(page, "assistant").last).to_contain_text("w3")
    watcher = browser.new_context().new_page()  # a second tab on the thread, mid-run
    sign_in_through(watcher.context, scaled_app.url, OWNER)
    open_app(watcher, page.url)
    for tab in (page, watcher):
        expect(messages(tab, "assistant").last).to_contain_text("w59")
        wait_for_status(tab, "done")
    thread_id = current_thread_id(page)
    watcher.context.close()

    def whole_and_once() -> list[tuple]:
        rows = recordings(postgres, thread_id)
        assert [row[1] for row in rows] == ["done", "done"]
        for _, _, frames, in_chunks, chunks, distinct_starts in rows:
            assert frames == in_chunks and chunks == distinct_starts  # no frame twice
        return rows

    expect(page.get_by_test_id(testids.RUN_PICKER).locator("option")).to_have_count(2)
    # the workers write their batches every half second: wait for the last one
    until(lambda: [row[1] for row in recordings(postgres, thread_id)] == ["done", "done"])
    rows = whole_and_once()
    assert rows[1][2] > 60  # every token of the slow run

    deployment.restart()  # the in-memory server forgets every thread
    stranger = browser.new_context().new_page()
    sign_in_through(stranger.context, scaled_app.url, SOMEONE_ELSE)
    open_app(stranger, page.url)
    expect(stranger.get_by_test_id(testids.ERROR_BANNER)).to_contain_text("someone else")
    expect(messages(stranger)).to_have_count(0)
    assert httpx_status(stranger, f"/archive/threads/{thread_id}.json") == 404
    stranger.context.close()

    other = browser.new_context().new_page()
    sign_in_through(other.context, scaled_app.url, OWNER)
    open_app(other, page.url)
    expect(other.get_by_text("no longer knows this thread")).to_be_visible()
    expect(messages(other, "user")).to_have_text(["What's the weather in SF?", SLOW])
    picker = other.get_by_test_id(testids.RUN_PICKER)
    expect(picker.locator("option")).to_have_count(2)
    picker.select_option(index=0)
    expect(tree_nodes(other, kind="tool", status="done")).to_have_count(1)
    expect(other.locator(".duration").first).to_have_text(re.compile(r"\d+ ms|\d\.\d+ s"))

    other.get_by_test_id(testids.REPLAY_SPEED).select_option("max")
    other.get_by_test_id(testids.REPLAY_BUTTON).click()
    wait_for_status(other, "done")
    expect(messages(other, "assistant").last).to_contain_text("foggy")
    assert API_KEY not in other.content()
    other.context.close()
    assert whole_and_once() == rows  # neither the reopening nor the replay recorded anything
