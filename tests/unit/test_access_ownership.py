"""Each person's threads: owner metadata, who may open a thread, and the person named to the
deployment on every request (the shared client's view for one person)."""

import asyncio
import json

import httpx

from app.access import ANONYMOUS, AccessSettings, Person, may_open, owner_metadata, person_headers
from app.lg_client import LangGraphClient

ALICE = Person("alice@example.com")
ALICE_FILTER = {"owner": "alice@example.com"}


def test_threads_of_named_people_carry_their_owner_and_open_only_for_them():
    assert owner_metadata(ALICE) == {"owner": "alice@example.com"}
    assert may_open({"metadata": {"owner": "alice@example.com"}}, ALICE)
    assert not may_open({"metadata": {"owner": "bob@example.com"}}, ALICE)
    assert not may_open({"metadata": {}}, ALICE)  # made outside the app: nobody's
    assert not may_open({"metadata": None}, ALICE)


def test_without_named_people_every_thread_is_everyones():
    assert owner_metadata(ANONYMOUS) == {}
    assert may_open({"metadata": {"owner": "bob@example.com"}}, ANONYMOUS)
    assert person_headers(ANONYMOUS, AccessSettings()) == {}


def test_the_person_goes_to_the_deployment_in_the_configured_header_or_not_at_all():
    assert person_headers(ALICE, AccessSettings()) == {"X-Inspector-User": "alice@example.com"}
    assert person_headers(ALICE, AccessSettings(user_header="")) == {}


def test_a_view_of_the_shared_client_names_its_person_on_requests_and_streams():
    seen: list[tuple[str, str | None, dict]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        seen.append((request.url.path, request.headers.get("x-inspector-user"), body))
        if request.url.path.endswith("/stream"):
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=b"")
        return httpx.Response(200, json=[])

    shared = LangGraphClient("http://lg.test", transport=httpx.MockTransport(handler))
    alices = shared.with_headers(person_headers(ALICE, AccessSettings()))

    async def scenario() -> None:
        await alices.search_threads(metadata=owner_metadata(ALICE))
        async for _ in alices.join_run_stream("t1", "r1"):
            pass
        await shared.search_threads()

    asyncio.run(scenario())
    assert seen[0] == (
        "/threads/search",
        "alice@example.com",
        {"limit": 50, "sort_by": "updated_at", "sort_order": "desc", "metadata": ALICE_FILTER},
    )
    assert seen[1][:2] == ("/threads/t1/runs/r1/stream", "alice@example.com")
    assert seen[2][1] is None and "metadata" not in seen[2][2]  # the shared client is unchanged
