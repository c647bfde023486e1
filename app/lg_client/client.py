"""An async client for the parts of the LangGraph server API a chat needs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any, Self

import httpx
from httpx_sse import ServerSentEvent, aconnect_sse

from .errors import ServerUnreachableError, StreamInterruptedError, status_error
from .schema import Assistant, Run, StreamPart, Thread, ThreadState

DEFAULT_TIMEOUT = httpx.Timeout(10.0, read=60.0)  # streams get a heartbeat every 5 s


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

    async def search_threads(self, *, limit: int = 50) -> list[Thread]:
        body = {"limit": limit, "sort_by": "updated_at", "sort_order": "desc"}
        return await self._request("POST", "/threads/search", json=body)

    async def get_thread_state(self, thread_id: str) -> ThreadState:
        return await self._request("GET", f"/threads/{thread_id}/state")

    # assistants
    async def search_assistants(self, *, limit: int = 100) -> list[Assistant]:
        return await self._request("POST", "/assistants/search", json={"limit": limit})

    # runs
    async def get_run(self, thread_id: str, run_id: str) -> Run:
        return await self._request("GET", f"/threads/{thread_id}/runs/{run_id}")

    async def cancel_run(self, thread_id: str, run_id: str) -> None:
        await self._request("POST", f"/threads/{thread_id}/runs/{run_id}/cancel")

    def stream_run(
        self,
        thread_id: str,
        assistant_id: str,
        input: Mapping[str, Any],
        *,
        stream_resumable: bool = False,
    ) -> AsyncIterator[StreamPart]:
        """Start a run and stream its events (``stream_mode="events"``).

        Yields ``metadata`` (with the ``run_id``) first, then ``events`` and possibly
        ``error`` parts, and always a single ``end`` part last.
        """
        body: dict[str, Any] = {
            "assistant_id": assistant_id,
            "input": dict(input),
            "stream_mode": "events",
        }
        if stream_resumable:
            body["stream_resumable"] = True
        return self._stream("POST", f"/threads/{thread_id}/runs/stream", json=body)

    def join_run_stream(
        self, thread_id: str, run_id: str, *, last_event_id: str | None = None
    ) -> AsyncIterator[StreamPart]:
        """Rejoin a running run's stream; with ``last_event_id``, replay what came after it."""
        headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
        return self._stream("GET", f"/threads/{thread_id}/runs/{run_id}/stream", headers=headers)

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise self._unreachable(exc) from exc
        if response.is_error:
            raise status_error(response, response.content)
        return response.json() if response.content else None

    async def _stream(self, method: str, path: str, **kwargs: Any) -> AsyncIterator[StreamPart]:
        try:
            async with aconnect_sse(self._http, method, path, **kwargs) as source:
                response = source.response
                if response.is_error:
                    raise status_error(response, await response.aread())
                async for sse in source.aiter_sse():
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
    return StreamPart(event, data, event_id)
