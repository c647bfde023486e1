"""A run's recording: the frames of its stream with the server's timestamps, and what it
takes to rebuild the run from them (no Reflex, no database).

Resumable runs' event ids are ``<epoch-ms>-<seq>``, the server's own clock: a frame is timed
by its id, or by when it arrived when it has none.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from app.lg_client import StreamPart, event_time
from app.run_tree import RunTree
from app.run_view import run_conversation
from app.transcript import ChatMessage

#: How a recorded run ended; ``running`` while it is being recorded (or was never finished).
RecordingStatus = Literal["running", "done", "error", "cancelled", "interrupted"]
FINISHED: tuple[RecordingStatus, ...] = ("done", "error", "cancelled", "interrupted")
#: The frames a recording keeps: the tree's and the run's error (``metadata`` becomes run_id).
RECORDED_EVENTS = ("events", "error")
REDACTED = "[redacted]"
#: Shorter secrets are redacted only as whole values (``demo`` must not mangle ``DemoModel``).
MIN_SECRET_CHARS = 8


@dataclass(frozen=True, slots=True)
class Frame:
    """One recorded frame: the server's event name, decoded data, id, and time (epoch s);
    ``raw``, the data's JSON as the server sent it, when there is one."""

    event: str
    data: Any
    id: str | None
    at: float
    raw: str | None = field(default=None, compare=False, repr=False)


@dataclass
class Recording:
    """One run of a thread as it streamed; ``started_at``/``ended_at`` are epoch seconds."""

    run_id: str
    thread_id: str = ""
    assistant_id: str = ""
    question: str = ""
    status: RecordingStatus = "running"
    error: str = ""
    started_at: float = 0.0
    ended_at: float | None = None
    frames: list[Frame] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        if self.ended_at is None:
            return None
        return max(self.ended_at - self.started_at, 0.0)


def frame_of(part: StreamPart, arrived_at: float) -> Frame:
    """``part`` as a recorded frame, timed by its id or else by ``arrived_at`` (epoch s)."""
    at = event_time(part.id)
    return Frame(part.event, part.data, part.id, arrived_at if at is None else at, part.raw)


def part_of(frame: Frame) -> StreamPart:
    """The stream part a frame was: its id carries its time (as a resumable run's would)."""
    return StreamPart(frame.event, frame.data, frame.id or f"{round(frame.at * 1000)}-0")


def run_facts(data: Any) -> dict[str, str]:
    """The run, thread and graph ids an ``events`` frame's metadata names, and the question
    when it is the root's start (the last human message of its input)."""
    if not isinstance(data, dict):
        return {}
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    facts = {
        key: str(metadata[source])
        for key, source in (("run_id", "run_id"), ("thread_id", "thread_id"), ("graph", "graph_id"))
        if isinstance(metadata.get(source), str) and metadata[source]
    }
    if data.get("event") == "on_chain_start" and data.get("parent_ids") == []:
        question = _last_human_text(data.get("data"))
        if question:
            facts["question"] = question
    return facts


def _last_human_text(data: Any) -> str:
    raw = data.get("input") if isinstance(data, dict) else None
    messages = raw.get("messages") if isinstance(raw, dict) else None
    for message in reversed(messages if isinstance(messages, list) else []):
        if isinstance(message, dict) and message.get("role", message.get("type")) in (
            "human",
            "user",
        ):
            content = message.get("content")
            if isinstance(content, str):
                return content
    return ""


def redact(text: str, secrets: Iterable[str]) -> str:
    """JSON ``text`` with every secret (API key, header values) replaced: anywhere when it is
    long enough to be unmistakable, else where it is a whole string value."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_CHARS:
            text = text.replace(secret, REDACTED)
        elif secret:
            text = text.replace(json.dumps(secret, ensure_ascii=False), f'"{REDACTED}"')
    return text


def pack(frames: Sequence[Frame], secrets: Iterable[str] = ()) -> tuple[bytes, int]:
    """Frames compressed for storage, and their size as JSON lines before compression.

    The frames of a run repeat themselves (every token frame carries the same metadata), so
    zlib keeps about 1 % of them. Data the server sent as JSON text goes in as that text: no
    second encoding, which would hold the interpreter lock while runs stream."""
    secrets = tuple(secrets)
    lines = "\n".join(map(_line, frames))
    raw = redact(lines, secrets).encode()
    return zlib.compress(raw, 6), len(raw)


def _line(frame: Frame) -> str:
    head = json.dumps([frame.event, frame.id, frame.at], ensure_ascii=False)[:-1]
    if frame.raw is not None and "\n" not in frame.raw:
        return f"{head},{frame.raw}]"
    return json.dumps([frame.event, frame.id, frame.at, frame.data], ensure_ascii=False)


def unpack(body: bytes) -> list[Frame]:
    """The frames ``pack`` stored."""
    text = zlib.decompress(body).decode()
    return [Frame(e, d, i, float(a)) for e, i, a, d in map(json.loads, text.splitlines())]


def build_tree(recording: Recording, upto: int | None = None, offset: float = 0.0) -> RunTree:
    """The run's tree after its first ``upto`` frames (all of them by default), its times
    shifted by ``offset`` seconds. Over all frames, the tree is finished the way the run
    ended."""
    tree = RunTree(recording.run_id)
    frames = recording.frames if upto is None else recording.frames[:upto]
    for frame in frames:
        if frame.event == "events":
            tree.apply(frame.data, frame.at + offset)
    if upto is None:  # a recording left unfinished shows its open runs as never ended
        status = recording.status if recording.status in FINISHED else "done"
        ended = recording.ended_at if recording.ended_at is not None else tree.last_event_at
        at = None if ended is None else ended + offset
        tree.finish(status, recording.error or None, at)  # type: ignore[arg-type]
    return tree


def conversation(recording: Recording, tree: RunTree | None = None) -> list[ChatMessage]:
    """What the chat showed of the run: its question, then its answers and tool calls (a
    large fan-out's folded)."""
    question = [ChatMessage("user", recording.question)] if recording.question else []
    return run_conversation(question, tree or build_tree(recording), ())
