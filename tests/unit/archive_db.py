"""A real SQLite archive for unit tests: a fresh file, migrated with the app's own Alembic
migrations, and a writer on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from app.archive import store
from app.archive.recorder import ArchiveWriter
from app.settings import ArchiveSettings


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
