"""What every worker must agree on: ended sessions, failed sign-ins and the runs going.

In memory for one worker (``make run``); in Redis when the workers share state there
(``REFLEX_REDIS_URL``, ``make run-prod``). Times are the callers' ``time.time()``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol

import redis.asyncio as redis

PREFIX = "inspector:"
#: Failed sign-ins are forgotten this long after the last one.
FAILURE_WINDOW_SECONDS = 15 * 60


class SharedStore(Protocol):
    async def end_session(self, session_id: str, until: float, now: float) -> None:
        """Remember until ``until`` (its expiry) that a session was signed out."""

    async def session_ended(self, session_id: str, now: float) -> bool: ...

    async def add_failure(self, key: str, now: float) -> int:
        """Count one more failed sign-in for ``key``; returns the count so far."""

    async def failures(self, key: str, now: float) -> tuple[int, float]:
        """How many failed sign-ins ``key`` has, and when the last one was."""

    async def clear_failures(self, key: str) -> None: ...

    async def acquire(
        self, slot: str, limits: Mapping[str, int], expires_at: float, now: float
    ) -> str | None:
        """Hold ``slot`` in every group of ``limits`` (group -> most slots at once) until
        ``expires_at``, unless one of them is full: then hold nothing and return its name."""

    async def refresh(self, slot: str, groups: list[str], expires_at: float) -> None:
        """Hold ``slot`` longer (again, if it lapsed: its run is still going)."""

    async def release(self, slot: str, groups: list[str]) -> None: ...


class MemoryStore:
    """The store of a single worker."""

    def __init__(self) -> None:
        self._ended: dict[str, float] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self._slots: dict[str, dict[str, float]] = {}

    async def end_session(self, session_id: str, until: float, now: float) -> None:
        self._ended = {sid: t for sid, t in self._ended.items() if t > now}
        self._ended[session_id] = until

    async def session_ended(self, session_id: str, now: float) -> bool:
        return self._ended.get(session_id, 0.0) > now

    async def add_failure(self, key: str, now: float) -> int:
        count = (await self.failures(key, now))[0] + 1
        self._failures[key] = (count, now)
        return count

    async def failures(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._failures.get(key, (0, 0.0))
        if now - last > FAILURE_WINDOW_SECONDS:
            self._failures.pop(key, None)
            return 0, 0.0
        return count, last

    async def clear_failures(self, key: str) -> None:
        self._failures.pop(key, None)

    async def acquire(
        self, slot: str, limits: Mapping[str, int], expires_at: float, now: float
    ) -> str | None:
        for group, limit in limits.items():
            held = {s: t for s, t in self._slots.get(group, {}).items() if t > now}
            self._slots[group] = held
            if len(held) >= limit and slot not in held:
                return group
        for group in limits:
            self._slots[group][slot] = expires_at
        return None

    async def refresh(self, slot: str, groups: list[str], expires_at: float) -> None:
        for group in groups:
            self._slots.setdefault(group, {})[slot] = expires_at

    async def release(self, slot: str, groups: list[str]) -> None:
        for group in groups:
            self._slots.get(group, {}).pop(slot, None)


#: A group of slots nobody touched for this long is dropped from Redis.
GROUP_IDLE_SECONDS = 86_400
# KEYS: one sorted set per group (slot -> expiry). ARGV: now, expiry, slot, the seconds an idle
# group is kept, then the limits. Returns the 1-based index of a full group, or 0 once the
# slot is held in all of them.
_ACQUIRE = """
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  if redis.call('ZCARD', key) >= tonumber(ARGV[4 + i])
     and not redis.call('ZSCORE', key, ARGV[3]) then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[2], ARGV[3])
  redis.call('EXPIRE', key, ARGV[4])
end
return 0
"""


class RedisStore:
    """The store shared by workers through Redis."""

    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url)
        self._acquire = self._redis.register_script(_ACQUIRE)

    async def end_session(self, session_id: str, until: float, now: float) -> None:
        seconds = max(1, int(until - now) + 1)
        await self._redis.set(f"{PREFIX}ended:{session_id}", 1, ex=seconds)

    async def session_ended(self, session_id: str, now: float) -> bool:
        return bool(await self._redis.exists(f"{PREFIX}ended:{session_id}"))

    async def add_failure(self, key: str, now: float) -> int:
        name = f"{PREFIX}failures:{key}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(name, "count", 1)
            pipe.hset(name, "last", repr(now))
            pipe.expire(name, FAILURE_WINDOW_SECONDS)
            count, _, _ = await pipe.execute()
        return int(count)

    async def failures(self, key: str, now: float) -> tuple[int, float]:
        values = await self._redis.hmget(f"{PREFIX}failures:{key}", "count", "last")
        if values[0] is None:
            return 0, 0.0
        return int(values[0]), float(values[1] or 0.0)

    async def clear_failures(self, key: str) -> None:
        await self._redis.delete(f"{PREFIX}failures:{key}")

    async def acquire(
        self, slot: str, limits: Mapping[str, int], expires_at: float, now: float
    ) -> str | None:
        groups = list(limits)
        keys = [f"{PREFIX}slots:{group}" for group in groups]
        args = [repr(now), repr(expires_at), slot, GROUP_IDLE_SECONDS, *limits.values()]
        full = int(await self._acquire(keys=keys, args=args))
        return groups[full - 1] if full else None

    async def refresh(self, slot: str, groups: list[str], expires_at: float) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for group in groups:
                pipe.zadd(f"{PREFIX}slots:{group}", {slot: expires_at})
                pipe.expire(f"{PREFIX}slots:{group}", GROUP_IDLE_SECONDS)
            await pipe.execute()

    async def release(self, slot: str, groups: list[str]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            for group in groups:
                pipe.zrem(f"{PREFIX}slots:{group}", slot)
            await pipe.execute()


_stores: dict[int, SharedStore] = {}


def shared_store() -> SharedStore:
    """This worker's store: Redis with ``REFLEX_REDIS_URL``, else memory. One per process,
    made on first use (workers are forked, and a connection must not cross a fork)."""
    pid = os.getpid()
    if pid not in _stores:
        url = os.environ.get("REFLEX_REDIS_URL", "")
        _stores[pid] = RedisStore(url) if url else MemoryStore()
    return _stores[pid]
