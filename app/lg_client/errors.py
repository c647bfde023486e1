"""Errors raised by the LangGraph client.

Every error subclasses an httpx one, so a generic ``except httpx.HTTPError`` still
catches them::

    httpx.HTTPError
    ├── httpx.TransportError
    │   ├── ServerUnreachableError   no connection could be made
    │   └── StreamInterruptedError   the connection dropped in the middle of a stream
    └── httpx.HTTPStatusError
        └── APIStatusError           the server answered 4xx/5xx
            ├── AuthenticationError  401, 403
            ├── NotFoundError        404
            ├── ConflictError        409 (e.g. the thread is busy with another run)
            └── UnprocessableEntityError  422 (e.g. unknown assistant, bad input)

    RunError                         the run itself failed: the stream said ``event: error``
    └── RunNotFoundError             ... because the server no longer knows the run (a restart)
"""

from __future__ import annotations

import json

import httpx


class ServerUnreachableError(httpx.TransportError):
    """The LangGraph server could not be reached at all."""


class StreamInterruptedError(httpx.TransportError):
    """The connection to the LangGraph server dropped before the run's stream ended."""


class APIStatusError(httpx.HTTPStatusError):
    """The LangGraph server refused a request; ``detail`` is its own explanation."""

    def __init__(self, response: httpx.Response, detail: str) -> None:
        request = response.request
        message = f"{request.method} {request.url} returned {response.status_code}: {detail}"
        super().__init__(message, request=request, response=response)
        self.status_code = response.status_code
        self.detail = detail


class AuthenticationError(APIStatusError):
    """401 or 403: the API key is missing or wrong."""


class NotFoundError(APIStatusError):
    """404: no such thread, run or assistant."""


class ConflictError(APIStatusError):
    """409: the thread is busy with another run."""


class UnprocessableEntityError(APIStatusError):
    """422: the server could not use the request (unknown assistant, bad input)."""


class RunError(Exception):
    """The server reported ``event: error`` for a run: ``error`` is the exception's type
    (``ValueError``), ``message`` its text (often empty)."""

    def __init__(self, error: str, message: str = "") -> None:
        super().__init__(f"{error}: {message}" if message else error)
        self.error = error
        self.message = message


class RunNotFoundError(RunError):
    """The run being joined is gone: the server restarted and lost it (it says so with an
    ``HTTPException`` whose message starts with 404)."""


_ERRORS_BY_STATUS: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def status_error(response: httpx.Response, body: bytes) -> APIStatusError:
    """Build the error for a 4xx/5xx response whose body has been read."""
    detail = _detail_from_body(body) or response.reason_phrase or "no explanation given"
    error_class = _ERRORS_BY_STATUS.get(response.status_code, APIStatusError)
    return error_class(response, detail)


def _detail_from_body(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    try:
        payload = json.loads(text)
    except ValueError:
        return text[:500]
    if isinstance(payload, dict):
        for key in ("detail", "message", "error"):
            if key in payload:
                value = payload[key]
                return value if isinstance(value, str) else json.dumps(value)[:500]
    return text[:500]


def run_error(data: object) -> RunError:
    """The error an ``event: error`` frame's data describes (``{"error", "message"}``)."""
    if not isinstance(data, dict):
        return RunError(str(data) if data else "Error")
    error, message = str(data.get("error") or "Error"), str(data.get("message") or "")
    if error == "HTTPException" and message.startswith("404"):
        return RunNotFoundError(error, message)
    return RunError(error, message)
