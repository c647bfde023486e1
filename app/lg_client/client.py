"""An async client for the parts of the LangGraph server API a chat needs."""

from __future__ import annotations

import asyncio
import copy
import json
import math
from collections.abc import AsyncIterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import httpx
from httpx_sse import ServerSentEvent, aconnect_sse

from .errors import APIStatusError, ServerUnreachableError, StreamInterruptedError, status_error
from .schema import Assistant, Run, StreamPart, Thread, ThreadState, event_time

DEFAULT_TIMEOUT = httpx.Timeout(10.0, read=60.0)  # streams get a heartbeat every 5 s
#: Seconds to wait before each try to rejoin a run whose stream dropped.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
#: ``Last-Event-ID`` that makes the server replay a resumable run from its first event.
REPLAY_FROM_START = "0"
ACTIVE_RUN_STATUSES = ("pending", "running")


class LangGraphClient:
    """Talks to one LangGraph deployment. Use it as an ``async with`` block.

    ``api_key`` is sent as ``x-api-key``; ``headers`` go on every request (a gateway's
    own header, say). Errors are the classes of :mod:`app.lg_client.errors`.
    """

    def __init__(
        self,
        api_url: str,
        *,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        all_headers = dict(headers or {})
        if api_key:
            all_headers["x-api-key"] = api_key
        self.api_url = api_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.api_url,
            headers=all_headers,
            timeout=timeout,
            transport=transport,
        )
        self._extra_headers: dict[str, str] = {}

    def with_headers(self, headers: Mapping[str, str]) -> LangGraphClient:
        """This client with ``headers`` added to each request (who a request is for, say). It
        shares the connection pool: closing either closes both."""
        view = copy.copy(self)
        view._extra_headers = {**self._extra_headers, **headers}
        return view

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # threads
    async def create_thread(self, metadata: Mapping[str, Any] | None = None) -> Thread:
        return await self._request("POST", "/threads", json={"metadata": dict(metadata or {})})

    async def search_threads(
        self, *, limit: int = 50, metadata: Mapping[str, Any] | None = None
    ) -> list[Thread]:
        """The newest threads first; only those whose metadata has ``metadata``'s items."""
        body: dict[str, Any] = {"limit": limit, "sort_by": "updated_at", "sort_order": "desc"}
        if metadata:
            body["metadata"] = dict(metadata)
        return await self._request("POST", "/threads/search", json=body)

    async def get_thread(self, thread_id: str) -> Thread:
        return await self._request("GET", f"/threads/{thread_id}")

    async def get_thread_state(self, thread_id: str) -> ThreadState:
        return await self._request("GET", f"/threads/{thread_id}/state")

    async def get_thread_history(
        self, thread_id: str, *, limit: int = 10, metadata: Mapping[str, Any] | None = None
    ) -> list[ThreadState]:
        """The thread's states (checkpoints), newest first; only those whose metadata has
        ``metadata``'s items (``{"run_id": ...}``: the states a run left)."""
        body: dict[str, Any] = {"limit": limit}
        if metadata:
            body["metadata"] = dict(metadata)
        return await self._request("POST", f"/threads/{thread_id}/history", json=body)

    # assistants
    async def search_assistants(self, *, limit: int = 100) -> list[Assistant]:
        return await self._request("POST", "/assistants/search", json={"limit": limit})

    async def get_assistant_schemas(self, assistant_id: str) -> dict[str, Any]:
        """The graph's ``input_schema``, ``output_schema``, ... (JSON Schema); the id must be
        the assistant's UUID."""
        return await self._request("GET", f"/assistants/{assistant_id}/schemas")

    # runs
    async def get_run(self, thread_id: str, run_id: str) -> Run:
        return await self._request("GET", f"/threads/{thread_id}/runs/{run_id}")

    async def cancel_run(self, thread_id: str, run_id: str) -> None:
        await self._request("POST", f"/threads/{thread_id}/runs/{run_id}/cancel")

    def stream_run(
        self,
        thread_id: str,
        assistant_id: str,
        input: Mapping[str, Any] | None,
        *,
        command: Mapping[str, Any] | None = None,
        stream_resumable: bool = False,
    ) -> AsyncIterator[StreamPart]:
        """Start a run and stream its events (``stream_mode="events"``). ``command`` (say
        ``{"resume": value}`` for an interrupted thread) goes instead of or beside ``input``.

        Yields ``metadata`` (with the ``run_id``) first, then ``events`` and possibly
        ``error`` parts, and always a single ``end`` part last.
        """
        body: dict[str, Any] = {"assistant_id": assistant_id, "stream_mode": "events"}
        if input is not None:
            body["input"] = dict(input)
        if command is not None:
            body["command"] = dict(command)
        if stream_resumable:
            body["stream_resumable"] = True
        return self._stream("POST", f"/threads/{thread_id}/runs/stream", json=body)

    def stream_run_reconnecting(
        self,
        thread_id: str,
        assistant_id: str,
        input: Mapping[str, Any] | None,
        *,
        command: Mapping[str, Any] | None = None,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> AsyncIterator[StreamPart]:
        """``stream_run`` that survives a dropped connection: yields every part of the run once.

        The run is started resumable. When the connection drops (or closes while the run is
        still going), it rejoins the run's stream, up to ``len(retry_delays)`` times in a row,
        yielding a ``reconnecting`` part before each try. A rejoin replays the run from its
        first event, because the server's event ids are not unique and resuming after the last
        one can skip events; as many parts as were already yielded are skipped.
        """
        stream = self.stream_run(
            thread_id, assistant_id, input, command=command, stream_resumable=True
        )
        return self._reconnecting(thread_id, stream, None, retry_delays)

    def join_run_reconnecting(
        self, thread_id: str, run_id: str, *, retry_delays: Sequence[float] = RETRY_DELAYS
    ) -> AsyncIterator[StreamPart]:
        """Follow a resumable run from its first event, as ``stream_run_reconnecting`` does."""
        stream = self.join_run_stream(thread_id, run_id, last_event_id=REPLAY_FROM_START)
        return self._reconnecting(thread_id, stream, run_id, retry_delays)

    async def list_runs(self, thread_id: str, *, limit: int = 10) -> list[Run]:
        """The thread's runs, newest first."""
        return await self._request("GET", f"/threads/{thread_id}/runs", params={"limit": limit})

    async def _reconnecting(
        self,
        thread_id: str,
        stream: AsyncIterator[StreamPart],
        run_id: str | None,
        retry_delays: Sequence[float],
    ) -> AsyncIterator[StreamPart]:
        # Resumable frames carry ids, but not unique ones (``<epoch-ms>-0``): a model can
        # stream the same chunk twice in one millisecond (a table's "| "), and every such
        # part is kept. A rejoin replays the run from its first event in the order it went
        # out: as many parts as were already yielded are skipped. Joining a run that is still
        # going, the server may send again, where its replay meets the live events, parts it
        # just sent (`_Resent`); the replay of a finished run has no such place.
        delivered: list[str] = []  # ids of the parts yielded, in order
        failures = 0
        going = run_id is not None  # a join; the first checks whether the run still goes on
        while True:
            replayed, to_skip = 0, len(delivered)
            try:
                if going and not delivered:
                    going = await self._run_is_active(thread_id, run_id or "")
                resent = _Resent(meets_live_events=going)
                async for part in stream:
                    if part.event == "end":
                        if run_id and await self._run_is_active(thread_id, run_id):
                            raise StreamInterruptedError("the stream closed while the run went on")
                        yield part
                        return
                    if part.id is not None:
                        if replayed < to_skip and delivered[replayed] == part.id:
                            replayed += 1  # yielded before the rejoin
                            resent.sent(part)
                            continue
                        replayed = to_skip  # past what was yielded (or the replay went its own way)
                        if resent.again(part):
                            continue
                        delivered.append(part.id)
                    if part.event == "metadata" and isinstance(part.data, dict):
                        run_id = run_id or part.data.get("run_id")
                    failures = 0
                    yield part
            except (StreamInterruptedError, ServerUnreachableError) as exc:
                # A client closed under the stream (the app stopping) rejoins nothing.
                if run_id is None or failures >= len(retry_delays) or self._http.is_closed:
                    raise
                delay = retry_delays[failures]
                failures += 1
                yield StreamPart("reconnecting", {"attempt": failures, "reason": str(exc)})
                going = True
                await asyncio.sleep(delay)
                stream = self.join_run_stream(thread_id, run_id, last_event_id=REPLAY_FROM_START)

    async def _run_is_active(self, thread_id: str, run_id: str) -> bool:
        """Whether the run still goes on; NotFoundError when the server lost it (a restart)."""
        try:
            run = await self.get_run(thread_id, run_id)
        except APIStatusError:
            raise
        except httpx.HTTPError as exc:
            raise StreamInterruptedError(f"could not check the run's status: {exc}") from exc
        return run.get("status") in ACTIVE_RUN_STATUSES

    def join_run_stream(
        self, thread_id: str, run_id: str, *, last_event_id: str | None = None
    ) -> AsyncIterator[StreamPart]:
        """Rejoin a running run's stream; with ``last_event_id``, replay what came after it."""
        headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
        return self._stream("GET", f"/threads/{thread_id}/runs/{run_id}/stream", headers=headers)

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        kwargs["headers"] = {**self._extra_headers, **kwargs.get("headers", {})}
        try:
            response = await self._http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise self._unreachable(exc) from exc
        if response.is_error:
            raise status_error(response, response.content)
        return response.json() if response.content else None

    async def _stream(self, method: str, path: str, **kwargs: Any) -> AsyncIterator[StreamPart]:
        kwargs["headers"] = {**self._extra_headers, **kwargs.get("headers", {})}
        try:
            async with aconnect_sse(self._http, method, path, **kwargs) as source:
                response = source.response
                if response.is_error:
                    raise status_error(response, await response.aread())
                async for sse in source.aiter_sse():
                    if not sse.data and sse.event in ("", "message"):
                        continue  # only an id (SSE dispatches no event without data)
                    part = _to_part(sse)
                    if part.event == "end":
                        break
                    yield part
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise self._unreachable(exc) from exc
        except (httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError) as exc:
            raise StreamInterruptedError(
                f"The connection to the LangGraph server at {self.api_url} dropped "
                f"before the run's stream ended ({type(exc).__name__}: {exc})"
            ) from exc
        yield StreamPart("end", None)

    def _unreachable(self, exc: Exception) -> ServerUnreachableError:
        return ServerUnreachableError(
            f"Could not reach the LangGraph server at {self.api_url} "
            f"({type(exc).__name__}: {exc or 'no answer'})"
        )


def _to_part(sse: ServerSentEvent) -> StreamPart:
    """Decode one frame. Data that is not JSON becomes a ``malformed`` part, never an error."""
    event = sse.event or "message"
    event_id = sse.id or None
    if not sse.data:
        return StreamPart(event, None, event_id)
    try:
        data = json.loads(sse.data)
    except ValueError as exc:
        note = {"event": event, "reason": str(exc), "raw": sse.data[:500]}
        return StreamPart("malformed", note, event_id)
    return StreamPart(event, data, event_id, sse.data)


class _Resent:
    """Tells the parts a joined stream sends again where the server's replay meets the live
    events (``meets_live_events``: the run was still going when joined): a run of parts it
    just sent, up to the last one. Told by the first of them: older than the newest part so
    far (its id's milliseconds went back), or the very last part sent, again. A re-send of
    several parts that starts inside the newest millisecond cannot be told from the model's
    own repeats, and is kept."""

    def __init__(self, meets_live_events: bool) -> None:
        self._meets_live_events = meets_live_events
        self._parts: list[tuple[str, Any]] = []  # (id, data) as sent, in order
        self._newest = -math.inf  # the newest part's emission time
        self._next: int | None = None  # where the run of re-sent parts goes on

    def sent(self, part: StreamPart) -> None:
        self._parts.append((part.id or "", part.data))
        self._newest = max(self._newest, event_time(part.id) or -math.inf)

    def again(self, part: StreamPart) -> bool:
        """Whether ``part`` is sent again; records it as sent when it is not."""
        if not self._meets_live_events:
            return False
        key = (part.id or "", part.data)
        if (
            self._next is not None
            and self._next < len(self._parts)
            and self._parts[self._next] == key
        ):
            self._next += 1
            return True
        self._next = None
        if self._parts and self._parts[-1] == key:
            return True
        if (event_time(part.id) or math.inf) < self._newest:
            first = next((i for i, sent in enumerate(self._parts) if sent == key), None)
            if first is not None:
                self._next = first + 1
                return True
        self.sent(part)
        return False
