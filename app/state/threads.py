"""The sidebar's thread list and the graph picker: what the deployment has."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.lg_client import Assistant, Thread
from app.transcript import thread_title

NO_MESSAGES_TITLE = "(no messages yet)"


@dataclass
class ThreadSummary:
    """A row of the thread list."""

    thread_id: str
    title: str


class ThreadsState(rx.State):
    """The deployment's threads (newest first) and graphs, and the graph new runs use."""

    threads: list[ThreadSummary] = []
    assistant_ids: list[str] = []
    assistant_id: str = ""

    def show_deployment(
        self, assistants: list[Assistant], threads: list[Thread], default_assistant_id: str
    ) -> None:
        """Fill the list and the picker from the deployment's answers. A thread this tab made
        meanwhile keeps its title until the server has its messages."""
        self.assistant_ids = sorted({a["graph_id"] for a in assistants if a.get("graph_id")})
        self.assistant_id = self.assistant_id or default_assistant_id
        known = {summary.thread_id: summary.title for summary in self.threads}
        listed = [
            ThreadSummary(
                t["thread_id"],
                thread_title(t.get("values")) or known.get(t["thread_id"]) or NO_MESSAGES_TITLE,
            )
            for t in threads
        ]
        listed_ids = {summary.thread_id for summary in listed}
        self.threads = [s for s in self.threads if s.thread_id not in listed_ids] + listed

    def add_thread(self, thread_id: str, title: str) -> None:
        """A thread this tab just created goes on top of the list."""
        self.threads.insert(0, ThreadSummary(thread_id, title))
