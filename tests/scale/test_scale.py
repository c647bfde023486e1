"""Beyond one process: several workers sharing state in Redis behind a single-sign-on proxy, in
front of an authenticated deployment; twenty people at once, and a worker killed mid-run."""

import os
import re
import signal

import httpx
from playwright.sync_api import Browser, Page, expect

from app import testids
from tests.access.sso_proxy import sign_in_through
from tests.e2e.pages import (
    ask,
    current_thread_id,
    messages,
    open_app,
    pick_graph,
    root_node,
    run_id_of,
    tree_nodes,
    wait_for_status,
)
from tests.scale.conftest import API_KEY, ASSISTANT_ID, RunningApp

SESSIONS = 20
WORDS = 100  # 30 ms each: about 3 s of streaming per session


def answer_for(n: int) -> str:
    return f"session {n}: " + " ".join(f"s{n}w{i}" for i in range(WORDS))


def test_an_authenticated_deployment_with_another_graph_answers_and_logs_the_run_without_the_key(
    scaled_app: RunningApp, page: Page
):
    sign_in_through(page.context, scaled_app.url, "ada@example.com")
    open_app(page, scaled_app.url)
    expect(page.get_by_test_id(testids.ASSISTANT_PICKER)).to_have_value(ASSISTANT_ID)
    ask(page, "What's the weather in SF?")
    wait_for_status(page, "done")

    root = root_node(page)
    expect(root).to_have_attribute("data-name", ASSISTANT_ID)
    expect(messages(page, "assistant").last).to_contain_text("60 degrees and foggy")

    thread_id = current_thread_id(page)
    run_id = run_id_of(root)
    finished = [
        line
        for line in scaled_app.log_lines()
        if line.get("message") == "run done" and line.get("thread_id") == thread_id
    ]
    assert finished and finished[-1]["run_id"] == run_id, scaled_app.log_lines()[-5:]
    assert finished[-1]["person"] == "ada@example.com"
    assert API_KEY not in scaled_app.log_path.read_text(errors="replace")


def test_the_health_endpoint_reports_the_app_and_the_deployment(scaled_app: RunningApp):
    response = httpx.get(f"{scaled_app.url}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "langgraph": "ok"}


def test_twenty_sessions_survive_a_worker_killed_mid_run(scaled_app: RunningApp, browser: Browser):
    workers = scaled_app.worker_pids()
    assert len(workers) >= 2, f"expected several workers, found {workers}"
    pages = []
    for n in range(SESSIONS):
        context = browser.new_context()
        sign_in_through(context, scaled_app.url, f"person{n}@example.com")
        page = context.new_page()
        open_app(page, scaled_app.url)
        pick_graph(page, "agent")
        pages.append(page)
    for n, page in enumerate(pages):
        ask(page, f"repeat: {answer_for(n)}")
    expect(messages(pages[-1], "assistant")).to_contain_text("w5", timeout=60_000)

    worker, connections = scaled_app.busiest_worker()
    assert connections > 0
    os.kill(worker, signal.SIGKILL)  # its sessions lose their websocket, state link and follower

    for n, page in enumerate(pages):
        # A session whose question had not reached the server yet gets it back with a Retry
        # button (there is no run to rejoin): a person would click it, and so does this test.
        retry = page.get_by_test_id(testids.RETRY_BUTTON)
        wait_for_status(page, re.compile("^(done|error)$"), timeout=120_000)
        if retry.is_visible():
            expect(page.get_by_test_id(testids.ERROR_BANNER)).to_contain_text("send it again")
            retry.click()
        wait_for_status(page, "done", timeout=120_000)
        expect(messages(page, "assistant")).to_have_text([answer_for(n)])
        expect(messages(page, "user")).to_have_count(1)
        expect(root_node(page)).to_have_count(1)
        expect(tree_nodes(page, status="done")).to_have_count(4)
    for page in pages:
        page.context.close()
