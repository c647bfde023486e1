"""Own origins only: another local origin's page gets nothing over the websocket, while the
app on loopback with no settings works as before, headers and all."""

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Page, expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app import testids
from app.embedded_server import DemoServer
from tests.access.conftest import HERE, RunningApp, running_app
from tests.e2e.pages import ask, open_app, wait_for_hydration, wait_for_status

PROBE = (HERE / "probe.js").read_text()


@pytest.fixture(scope="module")
def local_app(demo_server: DemoServer, tmp_path_factory) -> Iterator[RunningApp]:
    """`make run` on loopback with no access settings."""
    with running_app(demo_server.url, {}, tmp_path_factory.mktemp("local") / "app.log") as app:
        yield app


def own_connect_packet(page: Page, app: RunningApp) -> tuple[str, str]:
    """The app's websocket URL and the socket.io connect packet its own page sends."""
    sent: list[str] = []
    sockets: list[str] = []

    def watch(ws) -> None:
        sockets.append(ws.url)
        ws.on("framesent", lambda frame: sent.append(frame))

    page.on("websocket", watch)
    open_app(page, app.url)
    connect = next(frame for frame in sent if frame.startswith("40/_event,"))
    return sockets[0], connect


def test_a_page_on_another_local_origin_gets_no_state_over_the_websocket(
    local_app: RunningApp, other_origin: str, page: Page
):
    ws_url, connect = own_connect_packet(page, local_app)
    # The probe works: run from the app's own page, the same packet brings the app's state.
    own = page.evaluate(f"([url, packet]) => ({PROBE})(url, packet)", [ws_url, connect])
    assert own["opened"] and any('"delta"' in frame for frame in own["received"]), own

    page.goto(f"{other_origin}/probe.html?{urlencode({'ws': ws_url, 'connect': connect})}")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-done", "true")
    assert json.loads(result.inner_text()) == {"opened": False, "received": []}
    refusals = [
        line
        for line in local_app.log_lines()
        if line.get("message") == "refused a websocket" and line.get("origin") == other_origin
    ]
    assert refusals, local_app.log_lines()[-5:]


def test_a_local_script_without_an_origin_cannot_open_the_websocket(local_app: RunningApp):
    url = local_app.url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"

    # No Origin header, as from a script rather than a page.
    with pytest.raises(InvalidStatus) as refused, connect(url):
        pass
    assert refused.value.response.status_code == 403


def test_posts_from_another_origin_are_refused_and_pages_carry_the_security_headers(
    local_app: RunningApp, other_origin: str
):
    refused = httpx.post(f"{local_app.url}/_access/sign-out", headers={"Origin": other_origin})
    assert refused.status_code == 403
    page = httpx.get(f"{local_app.url}/")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_on_loopback_with_no_settings_the_app_needs_no_sign_in_and_breaks_no_policy(
    local_app: RunningApp, page: Page
):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    open_app(page, local_app.url)
    page.reload()  # the page again, from the browser's cache (a 304) this time
    wait_for_hydration(page)
    expect(page.get_by_test_id(testids.OPEN_ACCESS)).to_have_count(0)  # only this machine
    expect(page.get_by_test_id(testids.CURRENT_USER)).to_have_count(0)
    ask(page, "What's the weather in SF?")
    wait_for_status(page, "done")
    expect(page.locator('[data-role="assistant"]').last).to_contain_text("60 degrees")
    assert not violations, violations
