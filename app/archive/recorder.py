"""Recording runs as they stream, off the stream's path: a follower hands each frame to an
``ArchiveWriter`` (a queue put, never a wait), whose thread writes them in batches."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from app.archive import store
from app.archive.recording import RECORDED_EVENTS, Frame, frame_of, run_facts
from app.archive.store import RunHeader
from app.lg_client import StreamPart
from app.settings import ArchiveSettings

log = logging.getLogger(__name__)

#: A batch is written this long after its first frame arrived (at once for a flush). The
#: thread sleeps meanwhile rather than waking for each frame: a thread woken thousands of
#: times a second takes the interpreter lock from the event loop that streams the runs.
BATCH_SECONDS = 0.5
#: Retention is applied at most this often.
PRUNE_EVERY_SECONDS = 60.0


@dataclass
class _Frames:
    run: RunHeader
    index: int  # the run's frame number of ``frames[0]``
    frames: list[Frame]


@dataclass
class _Finish:
    run_id: str
    status: str
    error: str
    ended_at: float


@dataclass
class _Flush:
    done: threading.Event = field(default_factory=threading.Event)


class ArchiveWriter:
    """Writes recorded frames and endings to the archive from a thread of its own."""

    def __init__(
        self,
        db: Engine,
        settings: ArchiveSettings,
        secrets: Sequence[str] = (),
        batch_seconds: float = BATCH_SECONDS,
    ) -> None:
        self.db, self.settings, self.secrets = db, settings, tuple(s for s in secrets if s)
        self.batch_seconds = batch_seconds
        self._queue: queue.SimpleQueue[_Frames | _Finish | _Flush | None] = queue.SimpleQueue()
        self._pruned_at = 0.0
        self._urgent = threading.Event()  # a flush or close: write what is queued now
        self._thread = threading.Thread(target=self._run, name="archive-writer", daemon=True)
        self._thread.start()

    def add(self, run: RunHeader, index: int, frames: list[Frame]) -> None:
        """Queue frames ``index``.. of a run (numbered from the run's first frame)."""
        self._queue.put(_Frames(run, index, frames))

    def finish(
        self, run_id: str, status: str, error: str = "", ended_at: float | None = None
    ) -> None:
        """Queue how a run ended (after its frames)."""
        self._queue.put(
            _Finish(run_id, status, error, time.time() if ended_at is None else ended_at)
        )

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far is written."""
        marker = _Flush()
        self._queue.put(marker)
        self._urgent.set()
        return marker.done.wait(timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the thread."""
        self._queue.put(None)
        self._urgent.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            self._urgent.wait(self.batch_seconds)
            self._urgent.clear()
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = None in batch
            self._write([item for item in batch if item is not None])

    def _write(self, batch: list[_Frames | _Finish | _Flush]) -> None:
        runs: dict[str, _Frames] = {}
        for item in batch:
            if isinstance(item, _Frames):
                pending = runs.get(item.run.run_id)
                if pending and pending.index + len(pending.frames) == item.index:
                    pending.frames.extend(item.frames)
                    pending.run = item.run
                else:
                    self._store(pending)
                    runs[item.run.run_id] = _Frames(item.run, item.index, list(item.frames))
            elif isinstance(item, _Finish):
                self._store(runs.pop(item.run_id, None))
                self._guard(
                    store.finish, self.db, item.run_id, item.status, item.error, item.ended_at
                )
            else:
                for pending in runs.values():
                    self._store(pending)
                runs.clear()
                item.done.set()
        for pending in runs.values():
            self._store(pending)
        if any(isinstance(item, _Finish) for item in batch):
            self._prune()

    def _store(self, pending: _Frames | None) -> None:
        if pending and pending.frames:
            self._guard(
                store.append, self.db, pending.run, pending.index, pending.frames, self.secrets
            )

    def _prune(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        self._guard(store.prune, self.db, self.settings.keep_runs, self.settings.keep_days)

    @staticmethod
    def _guard(write, *args) -> None:
        """A failed write loses that part of a recording, never the run being shown."""
        try:
            write(*args)
        except Exception:  # ArchiveError, or a database that went away: log, go on
            log.exception("archive write failed")


class RunRecorder:
    """Records one follower's view of a run: wrap its parts with ``recorded``.

    Frames are numbered from the run's first one; a follower that rejoins a run sees it from
    its first event too, so its numbers match and the store keeps one copy."""

    def __init__(self, writer: ArchiveWriter, question: str = "", owner: str = "") -> None:
        """``question``: what the chat showed the person asking, when the run's input does not
        say (an answer to an interrupt resumes a run with no input); ``owner``: who may see
        the recording ("" for everyone)."""
        self.writer = writer
        self.run = RunHeader("", question=question, owner=owner)
        self._held: list[Frame] = []  # frames before the run's id is known
        self._count = 0

    async def recorded(self, parts: AsyncIterator[StreamPart]) -> AsyncIterator[StreamPart]:
        """``parts`` unchanged, each recorded frame queued for the writer on the way."""
        async for part in parts:
            if part.event == "metadata" and isinstance(part.data, dict):
                self._learn({"run_id": str(part.data.get("run_id") or "")})
            elif part.event in RECORDED_EVENTS:
                run = self.run
                known = run.run_id and run.thread_id and run.assistant_id and run.question
                if part.event == "events" and not known:  # every frame costs, at 3,000 a second
                    self._learn(run_facts(part.data))
                self._held.append(frame_of(part, time.time()))
                if self.run.run_id:
                    self.writer.add(self.run, self._count, self._held)
                    self._count += len(self._held)
                    self._held = []
            yield part

    def finish(self, status: str, error: str = "") -> None:
        """Record how the run ended, as the page shows it."""
        if self.run.run_id:
            self.writer.finish(self.run.run_id, status, error)

    def _learn(self, facts: dict[str, str]) -> None:
        run = self.run
        self.run = RunHeader(
            run.run_id or facts.get("run_id", ""),
            run.thread_id or facts.get("thread_id", ""),
            run.assistant_id or facts.get("graph", ""),
            run.question or facts.get("question", ""),
            run.owner,
        )
