"""Run limits, ended sessions and failed sign-ins: in memory, and in a real Redis as the
workers of `make run-prod` share them."""

import asyncio
import shutil
from collections.abc import Iterator

import pytest
import redis

from app.access import ANONYMOUS, AccessSettings, Person, TooManyRuns
from app.access.limits import SLOT_SECONDS, acquire_run_slot, keep_alive, release
from app.access.store import MemoryStore, RedisStore, SharedStore
from app.embedded_server import start_redis, stop_process_group

SETTINGS = AccessSettings(max_runs_per_person=2, max_runs_per_tab=1)
ALICE, BOB = Person("alice"), Person("bob")
NOW = 1_000_000.0


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (make test-unit installs it)")
    url, process = start_redis()
    try:
        yield url
    finally:
        stop_process_group(process)


@pytest.fixture(params=["memory", "redis"])
def store(request) -> SharedStore:
    if request.param == "memory":
        return MemoryStore()
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()  # each test starts from an empty store
    return RedisStore(url)


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_person_has_at_most_the_allowed_runs_across_tabs(store: SharedStore):
    async def scenario():
        await acquire_run_slot(store, SETTINGS, ALICE, "tab-1", NOW)
        second = await acquire_run_slot(store, SETTINGS, ALICE, "tab-2", NOW)
        with pytest.raises(TooManyRuns) as refused:
            await acquire_run_slot(store, SETTINGS, ALICE, "tab-3", NOW)
        assert refused.value.scope == "person"
        await acquire_run_slot(store, SETTINGS, BOB, "tab-4", NOW)  # others are not held up
        await release(store, second)
        await acquire_run_slot(store, SETTINGS, ALICE, "tab-3", NOW)

    run(scenario())


def test_a_tab_has_at_most_the_allowed_runs_even_anonymously(store: SharedStore):
    async def scenario():
        await acquire_run_slot(store, SETTINGS, ANONYMOUS, "tab-1", NOW)
        with pytest.raises(TooManyRuns) as refused:
            await acquire_run_slot(store, SETTINGS, ANONYMOUS, "tab-1", NOW)
        assert refused.value.scope == "tab"
        assert "in this tab" in str(refused.value)
        await acquire_run_slot(store, SETTINGS, ANONYMOUS, "tab-2", NOW)  # anonymous: no person

    run(scenario())


def test_a_slot_nobody_keeps_alive_frees_itself_and_one_kept_alive_does_not(store: SharedStore):
    async def scenario():
        kept = await acquire_run_slot(store, SETTINGS, ALICE, "tab-1", NOW)
        await acquire_run_slot(store, SETTINGS, ALICE, "tab-2", NOW)  # its worker dies
        later = NOW + SLOT_SECONDS - 1
        await keep_alive(store, kept, later)
        await acquire_run_slot(store, SETTINGS, ALICE, "tab-3", NOW + SLOT_SECONDS + 1)
        with pytest.raises(TooManyRuns):
            await acquire_run_slot(store, SETTINGS, ALICE, "tab-4", NOW + SLOT_SECONDS + 1)

    run(scenario())


def test_an_ended_session_stays_ended_until_it_would_have_expired(store: SharedStore):
    async def scenario():
        await store.end_session("s1", NOW + 60, NOW)
        assert await store.session_ended("s1", NOW + 30)
        assert not await store.session_ended("s2", NOW + 30)

    run(scenario())


def test_failed_sign_ins_are_counted_until_cleared(store: SharedStore):
    async def scenario():
        assert await store.failures("10.0.0.1", NOW) == (0, 0.0)
        await store.add_failure("10.0.0.1", NOW)
        assert await store.add_failure("10.0.0.1", NOW + 1) == 2
        assert await store.failures("10.0.0.1", NOW + 2) == (2, NOW + 1)
        await store.clear_failures("10.0.0.1")
        assert await store.failures("10.0.0.1", NOW + 3) == (0, 0.0)

    run(scenario())
