"""The run archive on PostgreSQL behind several workers: a run followed by two tabs at once
is recorded once and whole, and after the LangGraph server restarted, another browser sees
every run of the thread, read-only, with its tree and durations, and can replay it."""

import re

import psycopg
from playwright.sync_api import Browser, Page, expect

from app import testids
from app.embedded_server import DemoServer
from tests.e2e.pages import ask, current_thread_id, messages, open_app, tree_nodes, wait_for_status
from tests.scale.conftest import API_KEY, RunningApp
from tests.scale.postgres import Postgres

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


def test_runs_followed_twice_are_recorded_once_and_come_back_after_a_server_restart(
    scaled_app: RunningApp,
    postgres: Postgres,
    deployment: DemoServer,
    page: Page,
    browser: Browser,
):
    open_app(page, scaled_app.url)
    ask(page, "What's the weather in SF?")
    expect(messages(page, "assistant").last).to_contain_text("foggy")
    wait_for_status(page, "done")

    ask(page, SLOW)
    expect(messages(page, "assistant").last).to_contain_text("w3")
    watcher = browser.new_context().new_page()  # a second tab on the thread, mid-run
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
    rows = whole_and_once()
    assert rows[1][2] > 60  # every token of the slow run

    deployment.restart()  # the in-memory server forgets every thread
    other = browser.new_context().new_page()
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
