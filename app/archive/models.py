"""The archive's tables, declared with SQLModel on the metadata Reflex's database layer reads
(``rx.Model`` shares it, so ``rx.ModelRegistry`` and ``reflex db`` see them without being
registered twice); the Alembic migrations in ``alembic/versions`` create them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class RunRecordingRow(SQLModel, table=True):
    """One recorded run; its frames are in ``FrameChunkRow``s. Times are epoch seconds."""

    __tablename__ = "run_recording"

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(unique=True, index=True)
    thread_id: str = Field(index=True)
    assistant_id: str = ""
    question: str = ""
    status: str = "running"
    error: str = ""
    origin: str = "live"  # live | imported
    owner: str = Field(default="", index=True)  # who followed it ("" when anyone may see it)
    started_at: float = 0.0
    ended_at: float | None = None
    recorded_at: float = Field(default=0.0, index=True)  # when it was last written
    frame_count: int = 0
    raw_bytes: int = 0  # the frames as JSON lines
    stored_bytes: int = 0  # compressed, as stored


class FrameChunkRow(SQLModel, table=True):
    """A batch of a run's frames, compressed: frames ``first_frame`` .. +``frame_count``."""

    __tablename__ = "run_frame_chunk"
    __table_args__ = (sa.UniqueConstraint("run_id", "first_frame"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(index=True)
    first_frame: int
    frame_count: int
    body: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
