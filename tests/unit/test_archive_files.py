"""The archive's files: JSON recordings round-trip and bad ones are refused by name; the HTML
page is self-contained and inert; a replay keeps the recorded pace at any speed."""

from __future__ import annotations

import asyncio
import json
import re
from html.parser import HTMLParser

import pytest

from app.archive import file_format
from app.archive.errors import (
    NewerVersionError,
    NotARecordingError,
    RecordingTooLargeError,
    TruncatedRecordingError,
)
from app.archive.html_export import render_html
from app.archive.replay import replay_parts
from app.lg_client import StreamPart
from app.run_follower import RunEnded, follow
from app.run_tree import RunTree
from tests.unit.archive_db import weather_recording


def test_a_json_recording_read_back_equals_the_original():
    original = weather_recording()
    assert file_format.loads(file_format.dumps([original])) == [original]


def test_secrets_are_redacted_from_json_exports():
    recording = weather_recording()
    recording.question = "my key is lg-key-0123456789"
    assert b"lg-key-0123456789" not in file_format.dumps([recording], ["lg-key-0123456789"])


def _with(**changes) -> bytes:
    document = json.loads(file_format.dumps([weather_recording()]))
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        pytest.param(b"hello", NotARecordingError, "not JSON", id="not-json"),
        pytest.param(b"\xff\xfe\x00", NotARecordingError, "not a run recording", id="binary"),
        pytest.param(b'{"name": "x"}', NotARecordingError, "not a run recording", id="other-json"),
        pytest.param(_with(version=2), NewerVersionError, "version 2", id="newer"),
        pytest.param(_with(version="1"), NotARecordingError, "version", id="bad-version"),
        pytest.param(_with(runs=[]), NotARecordingError, "no runs", id="no-runs"),
        pytest.param(
            file_format.dumps([weather_recording()])[:-300],
            TruncatedRecordingError,
            "cut off",
            id="cut-json",
        ),
    ],
)
def test_a_file_that_is_not_a_usable_recording_is_refused_by_name(raw, error, message):
    with pytest.raises(error, match=message):
        file_format.loads(raw)


def test_a_recording_missing_frames_is_refused_as_cut_off():
    document = json.loads(file_format.dumps([weather_recording()]))
    document["runs"][0]["frames"].pop()
    with pytest.raises(TruncatedRecordingError, match="frames are there"):
        file_format.loads(json.dumps(document).encode())


def test_a_file_over_the_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(file_format, "MAX_FILE_BYTES", 100)
    with pytest.raises(RecordingTooLargeError, match="MB"):
        file_format.loads(b"{" + b" " * 200 + b"}")


class Tags(HTMLParser):
    """Every element and attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs


def test_the_html_page_makes_no_request_and_keeps_model_output_inert():
    recording = weather_recording()
    hostile = '</script><script>alert(1)</script> <a href="javascript:alert(2)">x</a> <img src=x>'
    recording.question = hostile
    page = render_html([recording], hostile)
    parsed = Tags()
    parsed.feed(page)
    assert parsed.tags == {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "noscript",
        "div",
        "script",
    }
    assert not [name for name, _ in parsed.attributes if name in ("src", "href", "action")]
    assert "default-src 'none'" in page  # the page may not fetch anything
    assert "alert(1)" in page  # the text is there, as data
    assert "innerHTML" not in page  # the page's script writes text only


def page_data(page: str) -> dict:
    """The runs an exported HTML page carries (its embedded JSON)."""
    found = re.search(r'id="recording">(.*?)</script>', page, re.DOTALL)
    assert found, "the page carries no recording"
    return json.loads(found.group(1))


def test_the_html_page_carries_each_runs_steps_and_node_details():
    run = page_data(render_html([weather_recording()], "Weather"))["runs"][0]
    assert run["question"] == "What's the weather in SF?"
    assert {n["name"] for n in run["nodes"].values()} >= {"agent", "get_weather", "tool"}
    text = "".join(step[3] for step in run["steps"] if step[0] == "x")
    assert "foggy" in text
    starts = [s for s in run["steps"] if s[0] == "s"]
    ends = [s for s in run["steps"] if s[0] == "e"]
    assert len(starts) == len(ends) == len(run["nodes"])
    tool = next(n for n in run["nodes"].values() if n["kind"] == "tool")
    assert "San Francisco" in tool["args"] and any(d[0] == "Duration" for d in tool["details"])


def test_the_html_page_draws_no_bubble_for_a_model_call_tagged_nostream():
    recording = weather_recording()
    starts = [f.data for f in recording.frames if f.data.get("event") == "on_chat_model_start"]
    hidden = starts[0]["run_id"]
    for frame in recording.frames:
        if frame.data.get("run_id") == hidden:
            frame.data["tags"] = [*frame.data.get("tags", []), "nostream"]

    run = page_data(render_html([recording], "Weather"))["runs"][0]
    assert hidden in run["nodes"]  # still in the tree
    bubbles = {step[2] for step in run["steps"] if step[0] == "x"}
    assert bubbles == {starts[-1]["run_id"]}


class FakeClock:
    def __init__(self) -> None:
        self.now, self.slept = 0.0, []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(("speed", "factor"), [(1.0, 1.0), (5.0, 5.0), (None, None)])
def test_a_replay_keeps_the_recorded_pace_scaled_by_its_speed(speed, factor):
    recording = weather_recording()
    clock = FakeClock()

    async def collect() -> list[StreamPart]:
        return [p async for p in replay_parts(recording, speed, clock=clock, sleep=clock.sleep)]

    parts = asyncio.run(collect())
    assert parts[0] == StreamPart("metadata", {"run_id": recording.run_id})
    assert [p.data for p in parts[1:]] == [f.data for f in recording.frames]
    span = recording.frames[-1].at - recording.frames[0].at
    if factor is None:
        assert clock.slept == []
    else:
        assert sum(clock.slept) == pytest.approx(span / factor, abs=1e-6)


def test_a_replayed_run_has_the_recorded_durations_at_any_speed():
    recording = weather_recording()

    async def replay() -> RunTree:
        tree = RunTree()
        updates = follow(replay_parts(recording, None), tree)
        assert isinstance([u async for u in updates][-1], RunEnded)
        return tree

    tree = asyncio.run(replay())
    tree.finish("done")
    live = RunTree()
    for frame in recording.frames:
        live.apply(frame.data, frame.at)
    live.finish("done")
    assert [round(n.duration or 0, 6) for n in tree.nodes] == [
        round(n.duration or 0, 6) for n in live.nodes
    ]
