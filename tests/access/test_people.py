"""Behind a single-sign-on proxy: each person sees only their own threads, a link to
another's shows nothing of it, runs at once are limited per person, and the deployment's own
custom auth receives the person and refuses cross-person reads."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from app import testids
from app.embedded_server import DemoServer, free_port, start_demo_server
from tests.access.conftest import RunningApp, running_app
from tests.access.sso_proxy import SsoProxy, sign_in_through
from tests.e2e.pages import (
    ask,
    by_test_id,
    current_thread_id,
    messages,
    open_app,
    wait_for_status,
)

API_KEY = "lg-people-secret-2b7e"
IDENTITY_HEADER = "X-Forwarded-Email"
USER_HEADER = "X-Inspector-User"
ALICE, BOB = "alice@example.com", "bob@example.com"
SLOW_QUESTION = "repeat: " + " ".join(f"word{i}" for i in range(100))


@pytest.fixture(scope="module")
def deployment() -> Iterator[DemoServer]:
    """A LangGraph server whose custom auth wants the key and a person, and keeps each
    person's threads to them."""
    server = start_demo_server(options=["--api-key", API_KEY, "--user-header", USER_HEADER])
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def sso_app(deployment: DemoServer, tmp_path_factory) -> Iterator[RunningApp]:
    """The app behind its single-sign-on proxy; ``url`` is the proxy's, where people go."""
    port = free_port()
    proxy = SsoProxy(port, IDENTITY_HEADER)
    env = {
        "LANGGRAPH_API_KEY": API_KEY,
        "INSPECTOR_IDENTITY_HEADER": IDENTITY_HEADER,
        "INSPECTOR_TRUSTED_PROXIES": "127.0.0.1",
        "INSPECTOR_ORIGINS": proxy.url,
        "REFLEX_API_URL": proxy.url,  # the page opens its websocket through the proxy
        "INSPECTOR_MAX_RUNS_PER_PERSON": "1",
    }
    log_path = tmp_path_factory.mktemp("sso") / "app.log"
    try:
        with running_app(deployment.url, env, log_path, port) as app:
            yield RunningApp(proxy.url, app.log_path)
    finally:
        proxy.close()


def person_page(browser: Browser, app: RunningApp, email: str) -> Page:
    """A browser the proxy knows as ``email``."""
    context = browser.new_context()
    sign_in_through(context, app.url, email)
    page = context.new_page()
    open_app(page, app.url)
    return page


def as_person(deployment: DemoServer, email: str) -> httpx.Client:
    """The deployment, asked directly with the key, as ``email``."""
    headers = {"x-api-key": API_KEY, USER_HEADER: email}
    return httpx.Client(base_url=deployment.url, headers=headers)


def test_two_people_each_see_only_their_own_threads_and_not_each_others_links(
    sso_app: RunningApp, deployment: DemoServer, browser: Browser
):
    alice, bob = person_page(browser, sso_app, ALICE), person_page(browser, sso_app, BOB)
    expect(alice.get_by_test_id(testids.CURRENT_USER)).to_have_text(ALICE)
    expect(alice.get_by_test_id(testids.SIGN_OUT)).to_have_count(0)  # the proxy signs out
    ask(alice, "What's the weather in SF?")
    wait_for_status(alice, "done")
    alices_thread = current_thread_id(alice)
    ask(bob, "What's the weather in Paris?")
    wait_for_status(bob, "done")
    bobs_thread = current_thread_id(bob)

    for page, own, other in (
        (alice, alices_thread, bobs_thread),
        (bob, bobs_thread, alices_thread),
    ):
        page.reload()
        items = page.get_by_test_id(testids.THREAD_ITEM)
        expect(items).to_have_count(1)
        expect(items).to_have_attribute("data-thread-id", own)
        expect(by_test_id(page, testids.THREAD_ITEM, thread_id=other)).to_have_count(0)

    bob.goto(f"{sso_app.url}/?thread={alices_thread}")  # a link alice shared
    expect(bob.get_by_test_id(testids.ERROR_BANNER)).to_contain_text("belongs to someone else")
    expect(messages(bob)).to_have_count(0)
    expect(bob.get_by_test_id(testids.THREAD_ID)).to_have_text("new")
    expect(bob.get_by_text("San Francisco")).to_have_count(0)
    runs = [line for line in sso_app.log_lines() if line.get("message") == "run done"]
    assert {line["person"] for line in runs} == {ALICE, BOB}


def test_the_deployments_custom_auth_receives_the_person_and_refuses_cross_person_reads(
    sso_app: RunningApp, deployment: DemoServer, browser: Browser
):
    alice = person_page(browser, sso_app, ALICE)
    ask(alice, "What's the weather in Tokyo?")
    wait_for_status(alice, "done")
    thread_id = current_thread_id(alice)

    with as_person(deployment, ALICE) as as_alice, as_person(deployment, BOB) as as_bob:
        thread = as_alice.get(f"/threads/{thread_id}").json()
        assert thread["metadata"]["owner"] == ALICE  # stamped by the app and by the server
        assert as_bob.get(f"/threads/{thread_id}").status_code == 404
        assert as_bob.get(f"/threads/{thread_id}/state").status_code == 404
        found = as_bob.post("/threads/search", json={"limit": 100}).json()
        assert thread_id not in {t["thread_id"] for t in found}


def test_a_person_gets_a_clear_message_when_their_runs_at_once_are_used_up(
    sso_app: RunningApp, browser: Browser
):
    first, second = person_page(browser, sso_app, ALICE), person_page(browser, sso_app, ALICE)
    ask(first, SLOW_QUESTION)
    expect(messages(first, "assistant").last).to_contain_text("word3")
    ask(second, "What's the weather in SF?")
    wait_for_status(second, "error")
    expect(second.get_by_test_id(testids.ERROR_BANNER)).to_contain_text(
        "1 run is already going for you (in all your tabs)"
    )
    wait_for_status(first, "done")
    second.get_by_test_id(testids.RETRY_BUTTON).click()  # the slot is free again
    wait_for_status(second, "done")
    other = person_page(browser, sso_app, BOB)  # others are not held up by alice's runs
    ask(other, "What's the weather in SF?")
    wait_for_status(other, "done")


def test_without_the_proxys_header_the_page_and_the_websocket_are_refused(
    sso_app: RunningApp, page: Page
):
    response = page.goto(sso_app.url)
    assert response is not None and response.status == 401
    expect(page.locator("[data-hydrated]")).to_have_count(0)
