"""A real SQLite archive for unit tests: a fresh file, migrated with the app's own Alembic
migrations, a writer on it, and a recording of a real run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from app.archive import store
from app.archive.recorder import ArchiveWriter
from app.archive.recording import Recording, frame_of
from app.settings import ArchiveSettings
from tests.unit.sse import recorded_parts


def archive_engine(folder: Path) -> Engine:
    db = store.engine(f"sqlite:///{folder / 'runs.db'}")
    store.migrate(db)
    return db


@contextmanager
def archive_writer(db: Engine, secrets: tuple[str, ...] = ()) -> Iterator[ArchiveWriter]:
    writer = ArchiveWriter(db, ArchiveSettings(), secrets, batch_seconds=0.05)
    try:
        yield writer
    finally:
        writer.close()


def weather_recording() -> Recording:
    parts = recorded_parts("resumable")
    frames = [frame_of(p, 0.0) for p in parts if p.event == "events"]
    return Recording(
        run_id=parts[0].data["run_id"],
        thread_id="t1",
        assistant_id="agent",
        question="What's the weather in SF?",
        status="done",
        started_at=frames[0].at,
        ended_at=frames[-1].at,
        frames=frames,
    )
