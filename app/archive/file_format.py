"""The JSON recording file: one run or a whole thread, versioned (no Reflex, no database).

```
{"format": "langgraph-run-inspector/recording", "version": 1, "exported_at": <epoch s>,
 "runs": [{"run_id", "thread_id", "assistant_id", "question", "status", "error",
           "started_at", "ended_at", "frame_count",
           "frames": [{"event", "id", "at", "data"}, ...]}, ...]}
```
``frame_count`` lets a reader tell a complete file from one cut off between whole frames.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from app.archive.errors import (
    NewerVersionError,
    NotARecordingError,
    RecordingTooLargeError,
    TruncatedRecordingError,
)
from app.archive.recording import FINISHED, Frame, Recording, redact

FORMAT = "langgraph-run-inspector/recording"
VERSION = 1
#: Files over this size are refused (a 10,000-token run is about 14 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: A file naming the format this early is a recording, whole or not.
HEAD_BYTES = 200


def dumps(recordings: Sequence[Recording], secrets: Sequence[str] = ()) -> bytes:
    """The recordings as a JSON file, with any secret (API key, header values) redacted."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": round(time.time(), 3),
        "runs": [_run_json(r) for r in recordings],
    }
    return redact(json.dumps(document, ensure_ascii=False), secrets).encode()


def _run_json(recording: Recording) -> dict[str, Any]:
    return {
        "run_id": recording.run_id,
        "thread_id": recording.thread_id,
        "assistant_id": recording.assistant_id,
        "question": recording.question,
        "status": recording.status,
        "error": recording.error,
        "started_at": recording.started_at,
        "ended_at": recording.ended_at,
        "frame_count": len(recording.frames),
        "frames": [
            {"event": f.event, "id": f.id, "at": f.at, "data": f.data} for f in recording.frames
        ],
    }


def loads(raw: bytes) -> list[Recording]:
    """The recordings in a JSON file; a ``RecordingError`` subclass says why not."""
    if len(raw) > MAX_FILE_BYTES:
        raise RecordingTooLargeError(
            f"The file is {len(raw) / 1e6:.1f} MB; recordings up to "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB can be opened."
        )
    try:
        document = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise NotARecordingError("The file is not a run recording (not UTF-8 text).") from exc
    except ValueError as exc:
        if FORMAT.encode() in raw[:HEAD_BYTES]:  # it began as a recording
            raise TruncatedRecordingError(
                "The recording is cut off (its JSON ends early): export it again."
            ) from exc
        raise NotARecordingError("The file is not a run recording (not JSON).") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise NotARecordingError("The file is JSON, but not a run recording of this app.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise NotARecordingError("The recording has no valid format version.")
    if version > VERSION:
        raise NewerVersionError(
            f"The recording is format version {version}; this app reads up to version "
            f"{VERSION}. Open it with a newer version of the app."
        )
    runs = document.get("runs")
    if not isinstance(runs, list) or not runs:
        raise NotARecordingError("The recording holds no runs.")
    return [_run_from(run) for run in runs]


def _run_from(run: Any) -> Recording:
    if not isinstance(run, dict) or not isinstance(run.get("run_id"), str) or not run["run_id"]:
        raise NotARecordingError("A run in the recording has no run id.")
    frames = run.get("frames")
    count = run.get("frame_count")
    if not isinstance(frames, list) or not isinstance(count, int):
        raise NotARecordingError(f"Run {run['run_id']} in the recording has no frames.")
    if len(frames) != count:
        raise TruncatedRecordingError(
            f"Run {run['run_id']} is cut off: {len(frames)} of its {count} frames are there."
        )
    status = run.get("status")
    ended_at = run.get("ended_at")
    try:
        return Recording(
            run_id=run["run_id"],
            thread_id=str(run.get("thread_id") or ""),
            assistant_id=str(run.get("assistant_id") or ""),
            question=str(run.get("question") or ""),
            status=status if status in FINISHED else "running",
            error=str(run.get("error") or ""),
            started_at=float(run.get("started_at") or 0.0),
            ended_at=None if ended_at is None else float(ended_at),
            frames=[_frame_from(f) for f in frames],
        )
    except (TypeError, ValueError, KeyError) as exc:
        raise NotARecordingError(f"Run {run['run_id']} has a malformed frame ({exc}).") from exc


def _frame_from(frame: dict[str, Any]) -> Frame:
    event, event_id = frame["event"], frame.get("id")
    if not isinstance(event, str) or not (event_id is None or isinstance(event_id, str)):
        raise ValueError("event and id must be strings")
    return Frame(event, frame.get("data"), event_id, float(frame["at"]))
