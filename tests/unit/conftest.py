"""Shared helpers for unit tests: reading recorded SSE streams from tests/recordings/."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

RECORDINGS = Path(__file__).resolve().parents[1] / "recordings"

Frame = tuple[str, dict | None]


def read_sse_frames(raw: bytes) -> list[Frame]:
    """Split raw SSE bytes (CRLF or LF line endings) into (event, decoded data) frames.

    Comments (`: heartbeat`) and `id:` lines are skipped; a frame with no `event:` line is a
    "message"; data that is not JSON decodes to None.
    """
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    frames: list[Frame] = []
    for block in text.split("\n\n"):
        event, data_lines = "", []
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                event = value
            elif field == "data":
                data_lines.append(value)
        if not event and not data_lines:
            continue  # blank or comment-only block
        try:
            data = json.loads("\n".join(data_lines)) if data_lines else None
        except ValueError:
            data = None
        frames.append((event or "message", data))
    return frames


@pytest.fixture
def load_events() -> Callable[[str], list[Frame]]:
    """`load_events("weather")` -> the frames of tests/recordings/weather.sse; skips if absent."""

    def load(name: str) -> list[Frame]:
        path = RECORDINGS / (name if name.endswith(".sse") else f"{name}.sse")
        if not path.exists():
            pytest.skip(f"recording {path.name} not found")
        return read_sse_frames(path.read_bytes())

    return load
