"""The chat: threads, sending a question, stopping a run, and the run tree panel's view.

Following a run's stream lives in run_follower.py."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import reflex as rx
from reflex.event import EventSpec

from app.lg_client import (
    LangGraphClient,
    NotFoundError,
    StreamPart,
)
from app.run_tree import (
    DetailRow,
    RunTree,
    TreeRow,
    build_rows,
    flatten_rows,
    node_details,
)
from app.settings import Settings, SettingsError, load_settings
from app.state.run_follower import (
    RunFailed,
    client_for,
    error_text,
    follow,
    live_text_script,
    show_thread_in_url,
)
from app.transcript import (
    ChatMessage,
    run_messages,
    thread_messages,
    thread_title,
    title_from,
)

log = logging.getLogger(__name__)

#: The tree is re-sent on every change of its shape, its clocks only this often.
TREE_TICK_SECONDS = 0.5
#: A run whose follower has been silent this long is rejoined by another (check_run_alive).
STALE_SECONDS = 8.0
MAX_QUESTION_BYTES = 100_000
COMPOSER_ID = "composer"


@dataclass
class ThreadSummary:
    """A row of the thread list."""

    thread_id: str
    title: str


class ChatState(rx.State):
    """One browser tab's conversation with the deployment."""

    messages: list[ChatMessage] = []
    # The answer being streamed is not a var: Reflex would re-send all of it on every flush.
    # Each flush sends only the new text to assets/live_text.js, into the bubble of this run.
    streaming_run_id: str = ""
    status: str = "idle"  # idle | running | done | error | cancelled
    error_message: str = ""
    stream_notes: list[str] = []
    thread_id: str = ""
    run_id: str = ""
    # Kept in the tab (sessionStorage) until the server has the run: if the app restarts before
    # that, the new session still knows the question and offers to send it again.
    pending_question: str = rx.SessionStorage("", name="pending_question")
    threads: list[ThreadSummary] = []
    assistant_id: str = ""
    assistant_ids: list[str] = []

    # The side panel: the tree of the run being viewed (the current one by default).
    tree_rows: list[TreeRow] = []
    run_ids: list[str] = []
    viewed_run_id: str = ""
    selected_run_id: str = ""
    selected_details: list[DetailRow] = []
    hide_plumbing: bool = False

    _trees: dict[str, RunTree] = {}
    _tree_shape: list[tuple[str, str, str]] = []
    _tree_sent_at: float = 0.0
    _question: str = ""
    _stop_requested: bool = False
    _live_text: str = ""
    # A thread's saved conversation while its latest run is replayed (open_thread).
    _saved_messages: list[ChatMessage] = []
    # The task following the current run, and when it last showed signs of life: a page
    # notices a follower that died with its worker and starts another (check_run_alive).
    _follower: str = ""
    _heartbeat_at: float = 0.0

    @rx.var
    def is_running(self) -> bool:
        return self.status == "running"

    @rx.var
    def can_retry(self) -> bool:
        return self.status == "error" and self._question != ""

    # page load, threads and assistants

    @rx.event(background=True)
    async def handle_page_load(self):
        """Load the graphs and threads; open the thread named in the URL, if any."""
        async with self:
            wanted = self.router.url.query_parameters.get("thread", "")
            current, running = self.thread_id, self.status == "running"
            live = (self.streaming_run_id, self._live_text)
        if running and live[0]:
            yield live_text_script("reset", *live)  # a reload mid-answer: the text so far
        try:
            settings = load_settings()
            async with client_for(settings) as client:
                assistants = await client.search_assistants()
                threads = await client.search_threads()
        except (httpx.HTTPError, SettingsError) as exc:
            async with self:
                self.error_message = error_text(exc)
            return
        async with self:
            self.assistant_ids = sorted({a["graph_id"] for a in assistants if a.get("graph_id")})
            self.assistant_id = self.assistant_id or settings.assistant_id
            self.threads = [_summary(thread) for thread in threads]
        if wanted and wanted != current and not running:
            yield ChatState.open_thread(wanted)

    @rx.event(background=True)
    async def open_thread(self, thread_id: str):
        """Show a thread's conversation and replay its latest run (going or over) for the tree.

        This is also how a session comes back after its worker died: a new session opens the
        thread named in the URL."""
        async with self:
            if self.status == "running":
                return
            self._reset_conversation(thread_id)
        try:
            async with client_for(load_settings()) as client:
                state = await client.get_thread_state(thread_id)
                runs = await client.list_runs(thread_id, limit=1)
        except (httpx.HTTPError, SettingsError) as exc:
            async with self:
                self.status, self.error_message = "error", error_text(exc)
            return
        messages = thread_messages(state.get("values"))
        async with self:
            self.messages = messages
            if self.pending_question and not runs:
                self._offer_retry(self.pending_question)
            elif runs:
                # The run's answers come back with its events: show what came before them.
                last_question = max(
                    (i for i, m in enumerate(messages) if m.role == "user"), default=-1
                )
                self.messages, self._saved_messages = messages[: last_question + 1], messages
                self.status, self._stop_requested = "running", False
                self._heartbeat_at = time.time()
        yield show_thread_in_url(thread_id)
        if runs:
            yield ChatState.follow_run(runs[0]["run_id"])

    @rx.event
    def handle_new_thread_click(self):
        if self.status == "running":
            return None
        self._reset_conversation("")
        self.pending_question = ""
        return show_thread_in_url("")

    @rx.event
    def pick_assistant(self, assistant_id: str):
        """Talk to another graph: in a new thread, since threads keep one graph's state."""
        if self.status == "running" or assistant_id == self.assistant_id:
            return None
        self.assistant_id = assistant_id
        self._reset_conversation("")
        self.pending_question = ""
        return show_thread_in_url("")

    def _reset_conversation(self, thread_id: str) -> None:
        self.thread_id, self.run_id = thread_id, ""
        self.messages, self.stream_notes = [], []
        self.streaming_run_id, self._live_text = "", ""
        self.status, self.error_message = "idle", ""
        self.run_ids, self.viewed_run_id, self.selected_run_id = [], "", ""
        self.tree_rows, self.selected_details = [], []
        self._trees, self._question, self._saved_messages = {}, "", []

    # sending, streaming, stopping

    @rx.event
    def handle_submit(self, form_data: dict[str, str]):
        """Show the question at once and start streaming the run in the background."""
        question = (form_data.get("question") or "").strip()
        if not question or self.status == "running":
            return None
        size = len(question.encode())
        if size > MAX_QUESTION_BYTES:
            self.status = "error"
            self.error_message = (
                f"Your message is {size:,} bytes; the limit is {MAX_QUESTION_BYTES:,}. "
                "Shorten it and send again."
            )
            return rx.set_value(COMPOSER_ID, question)  # give the text back, nothing lost
        return self._send(question)

    @rx.event
    def handle_retry_click(self):
        """Send the last question again after a failed run."""
        if self.status == "running" or not self._question:
            return None
        return self._send(self._question)

    def _send(self, question: str):
        self.messages.append(ChatMessage("user", question))
        self._question = self.pending_question = question
        self._stop_requested = False
        self._heartbeat_at = time.time()  # the follower's grace period to start
        self.status = "running"
        self.error_message = ""
        self.stream_notes = []
        return ChatState.stream_run

    @rx.event(background=True)
    async def stream_run(self):
        """Start a run and follow it to its end."""
        async with self:
            thread_id, question, assistant_id = self.thread_id, self._question, self.assistant_id
        input = {"messages": [{"role": "human", "content": question}]}

        async def start(client: LangGraphClient, settings: Settings) -> AsyncIterator[StreamPart]:
            nonlocal thread_id
            graph = assistant_id or settings.assistant_id
            if thread_id:
                try:
                    await client.get_thread_state(thread_id)
                except NotFoundError:
                    async with self:
                        self.stream_notes.append(
                            f"The server no longer knows thread {thread_id} (did it restart?): "
                            "this question starts a new thread."
                        )
                    thread_id = ""
            if not thread_id:
                thread_id = (await client.create_thread())["thread_id"]
                async with self:
                    self.thread_id = thread_id
                    self.threads.insert(0, ThreadSummary(thread_id, title_from(question)))
            return client.stream_run_reconnecting(thread_id, graph, input)

        async for event in follow(self, start):
            yield event

    @rx.event(background=True)
    async def follow_run(self, run_id: str):
        """Rejoin a run from its first event: one already going when a thread is opened, or
        one whose follower died with its worker. An empty ``run_id`` means the thread's latest."""
        async with self:
            thread_id = self.thread_id

        async def join(client: LangGraphClient, _settings: Settings) -> AsyncIterator[StreamPart]:
            runs = [] if run_id else await client.list_runs(thread_id)
            if not run_id and not runs:
                raise RunFailed("The run could not be found on the server any more.")
            return client.join_run_reconnecting(thread_id, run_id or runs[0]["run_id"])

        async for event in follow(self, join):
            yield event

    @rx.event
    def check_run_alive(self, _tick: str = ""):
        """Called every few seconds while a run streams: rejoin it if its follower is gone."""
        if self.status != "running" or time.time() - self._heartbeat_at < STALE_SECONDS:
            return None
        log.warning("run follower is gone", extra=self._log_ids())
        if not self.thread_id:  # it died before the question reached the server
            self._offer_retry(self._question)
            return None
        self.stream_notes.append("The app lost track of this run (a restart?): rejoining it.")
        self._heartbeat_at = time.time()  # the new follower's grace period
        return ChatState.follow_run(self.run_id)

    def _offer_retry(self, question: str) -> None:
        """The question never reached the server: show it, and let Retry send it."""
        if not self.messages or self.messages[-1] != ChatMessage("user", question):
            self.messages.append(ChatMessage("user", question))
        self._question, self.status = question, "error"
        self.error_message = (
            "The app restarted before your question reached the server: send it again."
        )

    def _log_ids(self) -> dict[str, str]:
        return {"thread_id": self.thread_id, "run_id": self.run_id}

    @rx.event(background=True)
    async def handle_stop_click(self):
        """Cancel the current run on the server; its stream then closes by itself."""
        async with self:
            if self.status != "running" or not self.run_id:
                return
            self._stop_requested = True
            thread_id, run_id = self.thread_id, self.run_id
        try:
            async with client_for(load_settings()) as client:
                await client.cancel_run(thread_id, run_id)
        except (httpx.HTTPError, SettingsError) as exc:
            async with self:
                self.stream_notes.append(f"Stopping the run failed: {error_text(exc)}")

    # the side panel

    def _start_viewing(self, tree: RunTree) -> None:
        self._trees[tree.run_id] = tree
        if tree.run_id not in self.run_ids:
            self.run_ids.append(tree.run_id)
        self.viewed_run_id = tree.run_id

    def _flush(self, tree: RunTree) -> list[EventSpec]:
        """Copy what the run has produced so far into the vars the browser sees; returns the
        script that appends the live answer's new text."""
        if not tree.run_id:
            return []
        self._trees[tree.run_id] = tree
        run_msgs = run_messages(tree)
        live = run_msgs[-1] if run_msgs and _is_live_answer(run_msgs[-1]) else None
        finished = run_msgs[:-1] if live else run_msgs
        kept = [m for m in self.messages if not m.run_id or tree.get(m.run_id) is None]
        if kept + finished != self.messages:
            self.messages = kept + finished
        if self.viewed_run_id == tree.run_id:
            self._refresh_tree_view(force=tree.is_finished)
        run_id, text = (live.run_id, live.content) if live else ("", "")
        sent = len(self._live_text) if run_id == self.streaming_run_id else 0
        self._live_text = text
        if self.streaming_run_id != run_id:  # assigning a var sends it, even unchanged
            self.streaming_run_id = run_id
        if len(text) == sent:
            return []
        return [live_text_script("write", run_id, sent, text[sent:])]

    def _refresh_tree_view(self, force: bool = True) -> None:
        """Re-send the tree when its shape or a status changed; mere clock and token-count
        changes only every TREE_TICK_SECONDS, since each send carries the whole tree."""
        tree = self._trees.get(self.viewed_run_id)
        now = time.monotonic()
        rows = build_rows(tree, now, self.hide_plumbing) if tree else []
        shape = [(row.run_id, row.parent_id, row.status) for row in flatten_rows(rows)]
        if force or shape != self._tree_shape or now - self._tree_sent_at >= TREE_TICK_SECONDS:
            self.tree_rows, self._tree_shape, self._tree_sent_at = rows, shape, now
            node = tree.get(self.selected_run_id) if tree else None
            details = node_details(node, tree.started_at) if node else []
            if details != self.selected_details:
                self.selected_details = details

    @rx.event
    def select_run(self, run_id: str):
        """Highlight one run (a tree node, a bubble or a card) and show its details."""
        self.selected_run_id = run_id
        for tree_run_id, tree in self._trees.items():
            if tree.get(run_id) is not None:
                self.viewed_run_id = tree_run_id
        self._refresh_tree_view()

    @rx.event
    def view_run(self, run_id: str):
        self.viewed_run_id = run_id
        self._refresh_tree_view()

    @rx.event
    def toggle_plumbing(self, hide: bool):
        self.hide_plumbing = hide
        self._refresh_tree_view()


def _summary(thread: dict) -> ThreadSummary:
    return ThreadSummary(
        thread_id=thread["thread_id"],
        title=thread_title(thread.get("values")) or "(no messages yet)",
    )


def _is_live_answer(message: ChatMessage) -> bool:
    return message.role == "assistant" and message.status == "running"
