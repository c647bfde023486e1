"""This process's archive, as the app's states and routes use it: one writer on Reflex's
configured database (migrated by the launcher), recordings read back (the finished ones
kept in a small cache, for stepping through a replay), files exported and imported.

Blocking: call these from a thread (``asyncio.to_thread``)."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Literal

from app.access import OWNER_KEY, Person, owner_metadata
from app.archive import file_format, store
from app.archive.html_export import render_html
from app.archive.recorder import ArchiveWriter
from app.archive.recording import FINISHED, Recording
from app.archive.store import ArchivedThread, RecordingSummary, Viewer
from app.settings import SettingsError, load_archive_settings, load_settings
from app.transcript import title_from

log = logging.getLogger(__name__)

CACHED_RECORDINGS = 4

_lock = threading.Lock()
_writer: ArchiveWriter | None = None
_cache: OrderedDict[tuple[str, Viewer], Recording] = OrderedDict()


def secrets() -> list[str]:
    """What must never leave the backend: the API key and the configured header values."""
    try:
        settings = load_settings()
    except SettingsError:
        return []
    return [s for s in (settings.api_key or "", *settings.headers.values()) if s]


def owner_of(person: Person) -> str:
    """Whose a recording ``person`` makes is: their name when they signed in, else ""."""
    return owner_metadata(person).get(OWNER_KEY, "")


def viewer_of(person: Person) -> Viewer:
    """Whose recordings ``person`` may see: their own, or everyone's when anonymous (as with
    threads: ``app.access.may_open``)."""
    return None if person.is_anonymous else person.name


def writer() -> ArchiveWriter | None:
    """This process's archive writer (started on first use); None when recording is off."""
    global _writer
    with _lock:
        settings = load_archive_settings()
        if _writer is None and settings.record:
            _writer = ArchiveWriter(store.engine(), settings, secrets())
        return _writer


def summaries(thread_id: str, viewer: Viewer) -> list[RecordingSummary]:
    """The thread's archived runs ``viewer`` may see, oldest first (what this process still
    has to write, written first)."""
    _flush()
    return store.summaries(store.engine(), thread_id, viewer)


def recent_threads(viewer: Viewer) -> list[ArchivedThread]:
    """The threads with recordings ``viewer`` may see, the most recently run first."""
    return store.recent_threads(store.engine(), viewer)


def recording(run_id: str, viewer: Viewer) -> Recording | None:
    """An archived run ``viewer`` may see, with its frames (what this process still has to
    write, written first)."""
    key = (run_id, viewer)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    _flush()
    found = store.load(store.engine(), run_id, viewer)
    if found is not None and found.status in FINISHED:
        with _lock:
            _cache[key] = found
            while len(_cache) > CACHED_RECORDINGS:
                _cache.popitem(last=False)
    return found


def thread_recordings(thread_id: str, viewer: Viewer) -> list[Recording]:
    found = (recording(s.run_id, viewer) for s in summaries(thread_id, viewer))
    return [r for r in found if r is not None]


def export(recordings: list[Recording], kind: Literal["html", "json"]) -> bytes:
    """``recordings`` as an HTML page (``html``) or a JSON recording (``json``)."""
    if kind == "json":
        return file_format.dumps(recordings, secrets())
    first = recordings[0]
    title = title_from(first.question) or f"Run {first.run_id}"
    if len(recordings) > 1:
        title = f"Thread {first.thread_id}: {title}"
    return render_html(recordings, title, secrets()).encode()


def import_file(raw: bytes, owner: str) -> list[Recording]:
    """Store the recordings in a JSON file as ``owner``'s (those already archived are left as
    they are). Raises a ``RecordingError`` for a file that is not a usable recording."""
    recordings = file_format.loads(raw)
    db = store.engine()
    for found in recordings:
        store.save(db, found, owner)
    return recordings


def _flush() -> None:
    if _writer is not None:
        _writer.flush()
