"""Anonymous access allowed explicitly: anyone may use the app, and every page says so."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from app import testids
from app.embedded_server import DemoServer
from tests.access.conftest import RunningApp, running_app
from tests.e2e.pages import open_app


@pytest.fixture(scope="module")
def open_app_instance(demo_server: DemoServer, tmp_path_factory) -> Iterator[RunningApp]:
    env = {"INSPECTOR_ALLOW_ANONYMOUS": "true"}
    with running_app(demo_server.url, env, tmp_path_factory.mktemp("open") / "app.log") as app:
        yield app


def test_an_app_open_to_anyone_says_so_on_its_page(open_app_instance: RunningApp, page: Page):
    open_app(page, open_app_instance.url)
    expect(page.get_by_test_id(testids.OPEN_ACCESS)).to_contain_text("anyone who can reach")
    expect(page.get_by_test_id(testids.CURRENT_USER)).to_have_count(0)
