"""A team password: the page and the websocket need a sign-in, a wrong password gets a clear
error, and signing out ends the session (a copy of its cookie is refused too)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app import testids
from app.access.password import hash_password
from app.access.session import cookie_name
from app.embedded_server import DemoServer
from tests.access.conftest import RunningApp, running_app
from tests.e2e.pages import ask, wait_for_hydration, wait_for_status

PASSWORD = "a long team password"


@pytest.fixture(scope="module")
def password_app(demo_server: DemoServer, tmp_path_factory) -> Iterator[RunningApp]:
    env = {"INSPECTOR_PASSWORD_HASH": hash_password(PASSWORD)}
    with running_app(demo_server.url, env, tmp_path_factory.mktemp("pw") / "app.log") as app:
        yield app


def sign_in(page: Page, name: str, password: str) -> None:
    page.get_by_test_id(testids.SIGN_IN_NAME).fill(name)
    page.get_by_test_id(testids.SIGN_IN_PASSWORD).fill(password)
    page.get_by_test_id(testids.SIGN_IN_SUBMIT).click()


def open_websocket(app: RunningApp, cookie: str = "") -> None:
    """Open the app's websocket as its own page would (same Origin), with ``cookie``."""
    url = app.url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    headers = {"Cookie": cookie} if cookie else {}
    with connect(url, origin=app.url, additional_headers=headers):
        pass


def session_cookie(page: Page, app: RunningApp) -> str:
    name = cookie_name(int(app.url.rsplit(":", 1)[1]))
    values = [c["value"] for c in page.context.cookies() if c["name"] == name]
    return f"{name}={values[0]}" if values else ""


def test_the_page_and_its_websocket_need_a_sign_in(password_app: RunningApp, page: Page):
    page.goto(f"{password_app.url}/?thread=abc")
    expect(page.get_by_test_id(testids.SIGN_IN_PASSWORD)).to_be_visible()
    assert "/_access/sign-in?next=" in page.url
    expect(page.locator("[data-hydrated]")).to_have_count(0)  # none of the app's page
    with pytest.raises(InvalidStatus) as refused:
        open_websocket(password_app)
    assert refused.value.response.status_code == 403


def test_a_wrong_password_gets_a_clear_error_and_no_session(password_app: RunningApp, page: Page):
    page.goto(password_app.url)
    sign_in(page, "alice", "not the password")
    expect(page.get_by_test_id(testids.SIGN_IN_ERROR)).to_have_text(
        "Wrong password. Ask your team for the current one."
    )
    expect(page.get_by_test_id(testids.SIGN_IN_NAME)).to_have_value("alice")
    assert session_cookie(page, password_app) == ""
    failures = [line for line in password_app.log_lines() if line["message"] == "sign-in failed"]
    assert failures, password_app.log_lines()[-5:]
    assert "not the password" not in password_app.log_path.read_text()


def test_signing_in_opens_the_app_and_signing_out_ends_the_session(
    password_app: RunningApp, page: Page
):
    page.goto(password_app.url)
    sign_in(page, "Alice", PASSWORD)
    wait_for_hydration(page)
    expect(page.get_by_test_id(testids.CURRENT_USER)).to_have_text("alice")
    ask(page, "What's the weather in SF?")
    wait_for_status(page, "done")
    runs = [line for line in password_app.log_lines() if line["message"] == "run done"]
    assert runs and runs[-1]["person"] == "alice", password_app.log_lines()[-5:]
    cookie = session_cookie(page, password_app)
    open_websocket(password_app, cookie)  # the session opens the websocket

    page.get_by_test_id(testids.SIGN_OUT).click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(password_app.url)
    expect(page.get_by_test_id(testids.SIGN_IN_PASSWORD)).to_be_visible()
    with pytest.raises(InvalidStatus):
        open_websocket(password_app, cookie)  # a copy of the old cookie is refused too
