"""The error banner's sentences, chosen by exception class."""

import httpx
import pytest

from app.error_text import error_text
from app.lg_client import (
    APIStatusError,
    ConflictError,
    NotFoundError,
    RunError,
    RunNotFoundError,
    ServerUnreachableError,
    run_error,
)
from app.settings import SettingsError


def refused(error_class: type[APIStatusError], status: int, detail: str) -> APIStatusError:
    request = httpx.Request("POST", "http://lg.test/threads/t1/runs/stream")
    return error_class(httpx.Response(status, request=request), detail)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (refused(ConflictError, 409, "busy"), "This thread is busy with another run (409): busy"),
        (
            refused(NotFoundError, 404, "Run not found"),
            "The LangGraph server no longer knows this run (did it restart?): Run not found",
        ),
        (
            refused(APIStatusError, 500, "boom"),
            "The LangGraph server refused the request (500): boom",
        ),
        (
            ServerUnreachableError("Could not reach X"),
            "Could not reach X. Is the LangGraph server running?",
        ),
        (SettingsError("LANGGRAPH_API_URL is not set"), "LANGGRAPH_API_URL is not set"),
        (RunError("ValueError", "bad input"), "The run failed: ValueError: bad input"),
        (RunError("ValueError"), "The run failed: ValueError"),
    ],
)
def test_each_error_class_reads_as_its_own_sentence(exc, expected):
    assert error_text(exc) == expected


def test_an_error_frame_saying_404_is_a_lost_run_and_any_other_is_a_failed_run():
    lost = run_error({"error": "HTTPException", "message": "404: Run not found"})
    failed = run_error({"error": "ValueError", "message": "404 is not a valid city"})

    assert isinstance(lost, RunNotFoundError)
    assert "no longer knows this run" in error_text(lost)
    assert type(failed) is RunError
    assert error_text(failed) == "The run failed: ValueError: 404 is not a valid city"
    assert error_text(run_error("garbage")) == "The run failed: garbage"
