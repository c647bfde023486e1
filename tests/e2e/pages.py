"""What the browser tests do on the app's page, in one place: open it, ask, wait for a run, and
find messages and run-tree nodes by their ``data-testid`` (``app.testids``) and data attributes.

Shared by tests/e2e and tests/scale; fixtures stay in the conftest files.
"""

from __future__ import annotations

from re import Pattern

from playwright.sync_api import Locator, Page, expect

from app import testids

HYDRATION_TIMEOUT_MS = 30_000
RUN_TIMEOUT_MS = 30_000


def wait_for_hydration(page: Page, timeout: float = HYDRATION_TIMEOUT_MS) -> None:
    """Wait until the page's websocket is up (the root's ``data-hydrated="true"``)."""
    expect(page.locator("[data-hydrated='true']")).to_be_visible(timeout=timeout)


def open_app(page: Page, url: str, timeout: float = HYDRATION_TIMEOUT_MS) -> None:
    """Go to ``url`` and wait until the page is hydrated."""
    page.goto(url)
    wait_for_hydration(page, timeout)


def ask(page: Page, question: str) -> None:
    """Type ``question`` into the composer and send it."""
    page.get_by_test_id(testids.COMPOSER_INPUT).fill(question)
    page.get_by_test_id(testids.SEND_BUTTON).click()


def wait_for_status(
    page: Page, status: str | Pattern[str], timeout: float = RUN_TIMEOUT_MS
) -> None:
    """Wait until the current run's ``data-status`` is ``status`` (or matches the pattern)."""
    expect(page.get_by_test_id(testids.RUN_STATUS)).to_have_attribute(
        "data-status", status, timeout=timeout
    )


def pick_graph(page: Page, graph_id: str) -> None:
    """Choose another graph in the top bar's picker (a new thread)."""
    page.get_by_test_id(testids.ASSISTANT_PICKER).select_option(graph_id)


def current_thread_id(page: Page) -> str:
    """The shown thread id (``new`` before the thread's first run)."""
    return page.get_by_test_id(testids.THREAD_ID).inner_text()


def by_test_id(page: Page, test_id: str, **attrs: str) -> Locator:
    """Elements with ``data-testid=test_id`` whose data attributes match ``attrs``
    (``parent_id="x"`` stands for ``data-parent-id="x"``)."""
    selector = f'[data-testid="{test_id}"]'
    for key, value in attrs.items():
        selector += f'[data-{key.replace("_", "-")}="{value}"]'
    return page.locator(selector)


def messages(page: Page, role: str | None = None, **attrs: str) -> Locator:
    """The chat messages in order; of one ``role`` (user, assistant, tool) when given."""
    if role:
        attrs["role"] = role
    return by_test_id(page, testids.MESSAGE, **attrs)


def tree_nodes(page: Page, **attrs: str) -> Locator:
    """Run-tree nodes by data attributes, e.g. ``tree_nodes(page, kind="tool", parent_id=id)``."""
    return by_test_id(page, testids.TREE_NODE, **attrs)


def root_node(page: Page) -> Locator:
    """The shown run's root node (the one without a parent)."""
    return tree_nodes(page, parent_id="")


def run_id_of(node: Locator) -> str:
    """A tree node's (or a message's) ``data-run-id``."""
    return node.get_attribute("data-run-id") or ""
