"""The sidebar's thread list and the graph picker: what the deployment has."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import reflex as rx

from app.archive.store import ArchivedThread
from app.graph_input import InputField
from app.lg_client import Assistant, Thread
from app.transcript import thread_title, title_from

NO_MESSAGES_TITLE = "(no messages yet)"


#: Thread metadata the app writes when it creates a thread: its first question, shortened.
TITLE_KEY = "title"


@dataclass
class ThreadSummary:
    """A row of the thread list."""

    thread_id: str
    title: str
    graph_id: str = ""  # the graph the thread was run with ("" before its first run)
    updated_at: str = ""  # ISO 8601, as the server sends it
    archived: bool = False  # known from the run archive only (the server does not list it)


def summary_of(thread: Thread, known_title: str = "") -> ThreadSummary:
    """A thread's row: titled by its first question (from its values, else from the title the
    app stored when it created it), with its graph and when it last changed."""
    metadata = thread.get("metadata") or {}
    stored = metadata.get(TITLE_KEY) if isinstance(metadata.get(TITLE_KEY), str) else ""
    title = thread_title(thread.get("values")) or stored or known_title or NO_MESSAGES_TITLE
    return ThreadSummary(
        thread["thread_id"],
        title,
        graph_id=str(metadata.get("graph_id") or ""),
        updated_at=str(thread.get("updated_at") or ""),
    )


class ThreadsState(rx.State):
    """The deployment's threads (newest first) and graphs, and the graph new runs use.

    A var goes to the page whole when it changes, so the threads this tab creates are a list
    of their own (``created``, shown above the others): a new thread sends that short list,
    not every thread the deployment has."""

    threads: list[ThreadSummary] = []  # as listed when the page (re)loaded
    created: list[ThreadSummary] = []  # made in this tab since, newest first
    assistant_ids: list[str] = []
    assistant_id: str = ""
    # The picked graph's input form, when its input has no chat messages (else empty).
    input_fields: list[InputField] = []

    _assistant_uuids: dict[str, str] = {}  # graph id -> its assistant's id

    def show_deployment(
        self, assistants: list[Assistant], threads: list[Thread], default_assistant_id: str
    ) -> None:
        """Fill the list and the picker from the deployment's answers. A thread this tab made
        meanwhile keeps its title until the server has its messages."""
        self.assistant_ids = sorted({a["graph_id"] for a in assistants if a.get("graph_id")})
        self._assistant_uuids = {
            a["graph_id"]: a["assistant_id"]
            for a in assistants
            if a.get("graph_id") and a.get("assistant_id")
        }
        self.assistant_id = self.assistant_id or default_assistant_id
        mine = self.created + self.threads
        known = {summary.thread_id: summary.title for summary in mine}
        listed = [summary_of(t, known.get(t["thread_id"], "")) for t in threads]
        listed_ids = {summary.thread_id for summary in listed}
        self.threads = [s for s in mine if s.thread_id not in listed_ids] + listed
        self.created = []

    def show_archived(self, threads: list[ArchivedThread]) -> None:
        """After the deployment's threads: the archive's, that the deployment does not list."""
        kept = [summary for summary in self.threads if not summary.archived]
        listed = {summary.thread_id for summary in kept + self.created}
        self.threads = kept + [
            ThreadSummary(
                t.thread_id,
                title_from(t.question) or NO_MESSAGES_TITLE,
                graph_id=t.assistant_id,
                updated_at=datetime.fromtimestamp(t.last_started_at, UTC).isoformat(),
                archived=True,
            )
            for t in threads
            if t.thread_id not in listed
        ]

    def assistant_uuid(self, graph_id: str) -> str:
        """The assistant id of a graph (its schemas need it), or the graph id itself."""
        return self._assistant_uuids.get(graph_id, graph_id)

    def add_thread(self, thread: Thread, graph_id: str) -> None:
        """A thread this tab just created goes on top of the list."""
        self.created = [replace(summary_of(thread), graph_id=graph_id), *self.created]
