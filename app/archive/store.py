"""Reading and writing recordings in the archive's database (Reflex's: ``db_url`` in
rxconfig, ``REFLEX_DB_URL`` to override). Blocking calls: run them in a thread.

Every writer appends the frames it saw from the run's first one, numbered in order; a batch
keeps only the frames past those already stored. So a run followed twice at once (two tabs, a
rejoin after a dead worker) is stored once, whole, whichever follower writes first.

Each recording names its owner (the signed-in person who followed or imported it; "" when the
app has no sign-in): readers pass a ``viewer``, whose name a recording must carry to be seen,
or None (an anonymous person: every recording is everyone's, as every thread is)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import alembic.command
import alembic.config
import sqlalchemy as sa
from reflex import model as reflex_db
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from app.archive.models import FrameChunkRow, RunRecordingRow
from app.archive.recording import FINISHED, Frame, Recording, pack, unpack

log = logging.getLogger(__name__)

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
WRITE_TRIES = 5


class ArchiveError(RuntimeError):
    """The archive's database could not be read or written."""


@dataclass(frozen=True)
class RunHeader:
    """What a writer knows of a run besides its frames."""

    run_id: str
    thread_id: str = ""
    assistant_id: str = ""
    question: str = ""
    owner: str = ""


#: Whose recordings a reader may see: a person's name, or None for everyone's.
Viewer = str | None


@dataclass(frozen=True)
class RecordingSummary:
    """A recording without its frames: for the run picker and the benchmark."""

    run_id: str
    thread_id: str
    question: str
    status: str
    started_at: float
    ended_at: float | None
    frame_count: int
    stored_bytes: int


@dataclass(frozen=True)
class ArchivedThread:
    """A thread with recordings: its first question and graph, and when its latest run began."""

    thread_id: str
    question: str
    assistant_id: str
    last_started_at: float


def engine(url: str | None = None) -> Engine:
    """The archive's database engine: Reflex's, for ``url`` or the configured ``db_url``.

    SQLite (the default, shared by the workers of one machine) writes through a WAL journal
    and takes its write lock when a transaction begins, so concurrent writers queue."""
    db = reflex_db.get_engine(url)
    if db.dialect.name == "sqlite" and not sa.event.contains(db, "connect", _sqlite_connect):
        sa.event.listen(db, "connect", _sqlite_connect)
        sa.event.listen(db, "begin", _sqlite_begin)
        db.dispose()
    return db


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's begin event starts transactions
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrate(db: Engine) -> None:
    """Bring the database's tables up to the latest Alembic migration (``alembic/``)."""
    config = alembic.config.Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "alembic"))
    with db.begin() as connection:
        config.attributes["connection"] = connection
        alembic.command.upgrade(config, "head")


def append(
    db: Engine, run: RunHeader, first: int, frames: Sequence[Frame], secrets: Sequence[str] = ()
) -> int:
    """Store frames ``first``.. of a run, skipping those already stored; how many were new."""
    for attempt in range(WRITE_TRIES):
        try:
            return _append(db, run, first, frames, secrets)
        except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
            if attempt == WRITE_TRIES - 1:
                raise ArchiveError(f"could not store run {run.run_id}'s frames: {exc}") from exc
            time.sleep(0.05 * (attempt + 1))  # another writer got there first: read again
    return 0


def _append(
    db: Engine, run: RunHeader, first: int, frames: Sequence[Frame], secrets: Sequence[str]
) -> int:
    with Session(db) as session, session.begin():
        row = _row(session, run.run_id, lock=True)
        if row is None:
            row = RunRecordingRow(
                run_id=run.run_id,
                thread_id=run.thread_id,
                owner=run.owner,
                started_at=frames[0].at if frames else 0.0,
            )
            session.add(row)
        row.thread_id = row.thread_id or run.thread_id
        row.assistant_id = row.assistant_id or run.assistant_id
        row.question = row.question or run.question
        skip = row.frame_count - first
        if skip < 0:
            log.warning(
                "frames missing before this batch: not stored", extra={"run_id": run.run_id}
            )
            return 0
        fresh = list(frames[skip:])
        if not fresh:
            return 0
        body, raw_size = pack(fresh, secrets)
        session.add(
            FrameChunkRow(
                run_id=run.run_id, first_frame=row.frame_count, frame_count=len(fresh), body=body
            )
        )
        row.frame_count += len(fresh)
        row.raw_bytes += raw_size
        row.stored_bytes += len(body)
        row.recorded_at = time.time()
        return len(fresh)


def finish(db: Engine, run_id: str, status: str, error: str, ended_at: float) -> None:
    """Record how a run ended; the first ending recorded counts."""
    with Session(db) as session, session.begin():
        row = _row(session, run_id, lock=True)
        if row is None or row.status in FINISHED or status not in FINISHED:
            return
        row.status, row.error, row.ended_at = status, error, ended_at
        row.recorded_at = time.time()


def save(db: Engine, recording: Recording, owner: str = "", origin: str = "imported") -> bool:
    """Store a whole recording (an imported file) as ``owner``'s; False when the run is
    already stored."""
    try:
        with Session(db) as session, session.begin():
            if _row(session, recording.run_id, lock=False) is not None:
                return False
            body, raw_size = pack(recording.frames)
            session.add(
                RunRecordingRow(
                    run_id=recording.run_id,
                    thread_id=recording.thread_id,
                    assistant_id=recording.assistant_id,
                    question=recording.question,
                    status=recording.status,
                    error=recording.error,
                    origin=origin,
                    owner=owner,
                    started_at=recording.started_at,
                    ended_at=recording.ended_at,
                    recorded_at=time.time(),
                    frame_count=len(recording.frames),
                    raw_bytes=raw_size,
                    stored_bytes=len(body),
                )
            )
            session.add(
                FrameChunkRow(
                    run_id=recording.run_id,
                    first_frame=0,
                    frame_count=len(recording.frames),
                    body=body,
                )
            )
        return True
    except sa.exc.IntegrityError:
        return False  # stored meanwhile by someone else


def summaries(db: Engine, thread_id: str, viewer: Viewer = None) -> list[RecordingSummary]:
    """The thread's recordings ``viewer`` may see, oldest first, without their frames."""
    with Session(db) as session:
        rows = session.exec(
            _visible(select(RunRecordingRow), viewer)
            .where(RunRecordingRow.thread_id == thread_id)
            .order_by(col(RunRecordingRow.started_at))
        ).all()
        return [_summary(row) for row in rows]


def recent_threads(db: Engine, viewer: Viewer = None, limit: int = 50) -> list[ArchivedThread]:
    """The threads with recordings ``viewer`` may see, the most recently run first."""
    latest = sa.func.max(RunRecordingRow.started_at)
    with Session(db) as session:
        newest = session.exec(
            _visible(select(RunRecordingRow.thread_id, latest), viewer)
            .group_by(RunRecordingRow.thread_id)
            .order_by(latest.desc())
            .limit(limit)
        ).all()
        runs = session.exec(
            _visible(select(RunRecordingRow), viewer)
            .where(col(RunRecordingRow.thread_id).in_([thread_id for thread_id, _ in newest]))
            .order_by(col(RunRecordingRow.started_at).desc())
        ).all()
        first = {row.thread_id: row for row in runs}  # the oldest run of each, written last
        return [
            ArchivedThread(thread_id, first[thread_id].question, first[thread_id].assistant_id, at)
            for thread_id, at in newest
        ]


def load(db: Engine, run_id: str, viewer: Viewer = None) -> Recording | None:
    """A recording with all its frames, or None (also when ``viewer`` may not see it)."""
    with Session(db) as session:
        row = _row(session, run_id, lock=False)
        if row is None or (viewer is not None and row.owner != viewer):
            return None
        chunks = session.exec(
            select(FrameChunkRow)
            .where(FrameChunkRow.run_id == run_id)
            .order_by(col(FrameChunkRow.first_frame))
        ).all()
        frames = [frame for chunk in chunks for frame in unpack(chunk.body)]
        return Recording(
            run_id=row.run_id,
            thread_id=row.thread_id,
            assistant_id=row.assistant_id,
            question=row.question,
            status=row.status if row.status in FINISHED else "running",  # type: ignore[arg-type]
            error=row.error,
            started_at=row.started_at,
            ended_at=row.ended_at,
            frames=frames,
        )


def prune(db: Engine, keep_runs: int, keep_days: float, now: float | None = None) -> int:
    """Delete recordings beyond the newest ``keep_runs`` or older than ``keep_days`` days
    (0 turns either limit off); how many were deleted."""
    now = time.time() if now is None else now
    with Session(db) as session, session.begin():
        doomed: set[str] = set()
        if keep_days > 0:
            cutoff = now - keep_days * 86400
            doomed.update(
                session.exec(
                    select(RunRecordingRow.run_id).where(RunRecordingRow.recorded_at < cutoff)
                ).all()
            )
        if keep_runs > 0:
            newest_first = select(RunRecordingRow.run_id).order_by(
                col(RunRecordingRow.recorded_at).desc()
            )
            doomed.update(session.exec(newest_first.offset(keep_runs)).all())
        if doomed:
            session.exec(delete(FrameChunkRow).where(col(FrameChunkRow.run_id).in_(doomed)))
            session.exec(delete(RunRecordingRow).where(col(RunRecordingRow.run_id).in_(doomed)))
        return len(doomed)


def _visible(query, viewer: Viewer):
    return query if viewer is None else query.where(RunRecordingRow.owner == viewer)


def _row(session: Session, run_id: str, *, lock: bool) -> RunRecordingRow | None:
    query = select(RunRecordingRow).where(RunRecordingRow.run_id == run_id)
    return session.exec(query.with_for_update() if lock else query).first()


def _summary(row: RunRecordingRow) -> RecordingSummary:
    return RecordingSummary(
        run_id=row.run_id,
        thread_id=row.thread_id,
        question=row.question,
        status=row.status,
        started_at=row.started_at,
        ended_at=row.ended_at,
        frame_count=row.frame_count,
        stored_bytes=row.stored_bytes,
    )
