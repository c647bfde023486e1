"""The conversation of one browser tab: its thread, messages, composer, run status and errors,
and the background tasks that start, rejoin, follow, stop and replay its runs (moving to
another thread or graph is ``app.state.navigation``).

A run's stream is followed by ``app.run_follower.follow`` (pure); this class decides what its
updates mean for the page: it assigns what ``app.run_view.view_run`` computes, honours Stop, and
steps aside when a newer follower took over the run."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import reflex as rx
from reflex.event import EventSpec

from app import deployment
from app.access import (
    NotSignedIn,
    Person,
    RunSlot,
    TooManyRuns,
    access_settings,
    acquire_run_slot,
    keep_alive,
    owner_metadata,
    release,
    shared_store,
)
from app.archive import service as archive
from app.archive.recorder import RunRecorder
from app.archive.recording import Recording, build_tree
from app.archive.replay import SPEEDS, replay_parts
from app.error_text import error_text
from app.graph_input import InputError, form_input
from app.interrupts import InterruptCard, interrupt_cards, pending_interrupts
from app.lg_client import LangGraphClient, NotFoundError, RunError, RunNotFoundError, StreamPart
from app.run_follower import (
    RunEnded,
    RunProgress,
    RunStarted,
    StillAlive,
    StreamNote,
    Update,
    follow,
)
from app.run_tree import RunTree
from app.run_view import ShownText, run_conversation, view_run
from app.settings import SettingsError
from app.state.access import person_of
from app.state.page_scripts import (
    focus_composer,
    give_back,
    show_thread_in_url,
    write_run,
)
from app.state.plain import plain
from app.state.threads import TITLE_KEY, ThreadsState
from app.state.tree_panel import TreePanelState
from app.transcript import ChatMessage, input_question, title_from
from app.vocabulary import ChatStatus

log = logging.getLogger(__name__)

#: A run whose follower has been silent this long is rejoined by another (check_run_alive).
STALE_SECONDS = 8.0
MAX_QUESTION_BYTES = 100_000
#: While a run goes on, the conversation (a var: sent whole) goes at most once per this many
#: seconds per message it holds, so bytes stay linear in a run with hundreds of model calls;
#: an added bubble or card in a short conversation goes at once ...
RESEND_SECONDS_PER_MESSAGE = 0.004
#: ... and a change to one already shown (a tool card's status or output) waits at least this
#: long, to go with the next addition (at the latest with the follower's next heartbeat).
MESSAGE_CHANGE_SECONDS = 0.25
SESSION_ENDED = "Your session has ended: reload the page to sign in again."

OpenStream = Callable[[], Awaitable[AsyncIterator[StreamPart]]]


class InterruptGoneError(Exception):
    """The interrupt being answered is no longer pending (answered in another tab?)."""


class ConversationState(rx.State):
    """One browser tab's conversation with the deployment."""

    # While a run goes on, its bubbles' text is not in this var (Reflex would re-send all of
    # it on every flush): the page's script receives only the new text of each bubble.
    messages: list[ChatMessage] = []
    status: ChatStatus = "idle"
    error_message: str = ""
    stream_notes: list[str] = []
    thread_id: str = ""
    run_id: str = ""
    # The thread is shown from the archive only: the server no longer knows it.
    read_only: bool = False
    # Kept in the tab (sessionStorage) until the server has the run: if the app restarts before
    # that, the new session still knows the question and offers to send it again.
    pending_question: str = rx.SessionStorage("", name="pending_question")
    # What the thread waits for a person to answer (each a card in the chat).
    interrupts: list[InterruptCard] = []
    progress: str = ""  # the latest custom event of a node still running
    # The fan-outs (``branches`` rows' groups) a person opened: their bubbles and cards show.
    open_branches: list[str] = []

    _question: str = ""
    _input: dict | None = None  # the input of a graph without chat messages (from its form)
    # The `command` of the last resume run (``{"resume": ...}``), sent again by Retry, and the
    # interrupts it answers.
    _command: dict | None = None
    _answered_ids: list[str] = []
    _shown_text: ShownText = {}  # what the page has of the current run's bubbles
    _messages_at: float = 0.0  # when the conversation was last sent
    # A thread's saved conversation while its latest run is replayed (open_thread).
    _saved_messages: list[ChatMessage] = []
    _stop_requested: bool = False
    # The task following the current run, and when it last showed signs of life: a page
    # notices a follower that died with its worker and starts another (check_run_alive).
    _follower: str = ""
    _heartbeat_at: float = 0.0
    # The current run's place among the runs allowed at once (app.access.limits): a follower
    # that rejoins the run keeps it, the one that sees it end frees it. One left by a follower
    # that died is freed when the tab starts anew (_mark_running).
    _run_slot: RunSlot | None = None
    _stale_slot: RunSlot | None = None

    @rx.var
    def is_running(self) -> bool:
        return self.status == "running"

    @rx.var
    def is_replaying(self) -> bool:
        return self.status == "replaying"

    @rx.var
    def can_retry(self) -> bool:
        return self.status == "error" and (self._question != "" or self._command is not None)

    @rx.var
    def awaits_answer(self) -> bool:
        """A run goes on (or is replayed) and nothing of it is in the chat yet: the chat says
        the agent works."""
        going = self.status in ("running", "replaying")
        return going and bool(self.messages) and self.messages[-1].role == "user"

    @rx.var
    def is_waiting(self) -> bool:
        """The thread waits for a person: the composer answers instead of asking."""
        return len(self.interrupts) > 0 and self.status != "running"

    # sending, following, stopping

    @rx.event
    def handle_submit(self, form_data: dict[str, str]):
        """Show the question at once and start streaming the run in the background."""
        question = (form_data.get("question") or "").strip()
        if not question or self.status == "running" or self.read_only:
            return None
        size = len(question.encode())
        if size > MAX_QUESTION_BYTES:
            self.status = "error"
            self.error_message = (
                f"Your message is {size:,} bytes; the limit is {MAX_QUESTION_BYTES:,}. "
                "Shorten it and send again."
            )
            return give_back(question)
        return self._send(question)

    @rx.event
    def handle_retry_click(self):
        """Send the last question (or answer to an interrupt) again after a failed run."""
        if self.status == "running":
            return None
        if self._command is not None:
            last = self.messages[-1].content if self.messages else ""
            return self.resume(last, self._command, self._answered_ids)
        return self._send(self._question, self._input) if self._question else None

    @rx.event
    async def handle_input_submit(self, form_data: dict[str, str]):
        """Run a graph without chat messages on the input its form makes."""
        if self.status == "running":
            return None
        fields = (await self.get_state(ThreadsState)).input_fields
        try:
            input = form_input(fields, form_data)
        except InputError as exc:
            self.error_message = f"{exc} Nothing was sent."
            return None
        return self._send(input_question(input), input)

    def _send(self, question: str, input: dict | None = None):
        """``question`` is what the chat shows; ``input`` the graph input when it has no chat
        messages (else the question is the human message)."""
        self.messages.append(ChatMessage("user", question))
        self._question = self.pending_question = question
        self._input, self._command = input, None
        self.error_message, self.stream_notes = "", []
        self._mark_running()
        return ConversationState.stream_run

    def resume(self, answer_text: str, command: dict, interrupt_ids: list[str]):
        """Answer the thread's interrupts ``interrupt_ids``: a new run of the thread with
        ``command`` (its ``resume`` value) and no input. ``answer_text`` is what the chat shows
        of the answer."""
        # The calls that waited for this answer: the resumed run shows what became of them.
        self.messages = [m for m in self.messages if m.status != "pending"]
        if not self.messages or self.messages[-1] != ChatMessage("user", answer_text):
            self.messages.append(ChatMessage("user", answer_text))
        self._command, self._answered_ids, self._question = command, interrupt_ids, ""
        self.error_message, self.stream_notes = "", []
        self._mark_running()
        return ConversationState.stream_run

    def _mark_running(self) -> None:
        self.status, self._stop_requested = "running", False
        self._heartbeat_at = time.time()  # the follower's grace period to start
        # Nothing ran in this tab until now: a slot it still holds was a dead follower's.
        self._stale_slot, self._run_slot = self._run_slot or self._stale_slot, None

    async def _release_stale_slot(self) -> None:
        if self._stale_slot:
            await release(shared_store(), self._stale_slot)
            self._stale_slot = None

    @rx.event(background=True)
    async def stream_run(self):
        """Start a run for the last question, if the person and the tab may start another,
        and follow it to its end."""
        async with self:
            thread_id, question, command = self.thread_id, self._question, self._command
            graph_input = self._input
            answered_ids = list(self._answered_ids)
            assistant_id = (await self.get_state(ThreadsState)).assistant_id
            tab = self.router.session.client_token
            await self._release_stale_slot()
            try:
                person = await person_of(self)
                slot = await acquire_run_slot(
                    shared_store(), access_settings(), person, tab, time.time()
                )
            except (NotSignedIn, TooManyRuns) as exc:
                refusal = SESSION_ENDED if isinstance(exc, NotSignedIn) else str(exc)
                self.status, self.error_message, self.pending_question = "error", refusal, ""
                return
            self._run_slot = slot

        async def start() -> AsyncIterator[StreamPart]:
            client = deployment.client_for(person)
            graph = assistant_id or deployment.settings().assistant_id
            if command is not None:
                await _check_still_pending(client, thread_id, answered_ids)
                return client.stream_run_reconnecting(thread_id, graph, None, command=command)
            thread = await self._thread_for(client, thread_id, question, graph, person)
            input = graph_input or {"messages": [{"role": "human", "content": question}]}
            return client.stream_run_reconnecting(thread, graph, input)

        async for event in self._follow(start, person, slot):
            yield event

    async def _thread_for(
        self,
        client: LangGraphClient,
        thread_id: str,
        question: str,
        graph_id: str,
        person: Person,
    ) -> str:
        """The thread to run on: this tab's, or a new one of ``person``'s (also when the
        server lost it)."""
        if thread_id:
            try:
                await client.get_thread_state(thread_id)
                return thread_id
            except NotFoundError:
                async with self:
                    self.stream_notes.append(
                        f"The server no longer knows thread {thread_id} (did it restart?): "
                        "this question starts a new thread."
                    )
        metadata = {TITLE_KEY: title_from(question), **owner_metadata(person)}
        thread = await client.create_thread(metadata=metadata)
        async with self:
            self.thread_id = thread["thread_id"]
            (await self.get_state(ThreadsState)).add_thread(thread, graph_id)
        return thread["thread_id"]

    @rx.event(background=True)
    async def follow_run(self, run_id: str):
        """Rejoin a run from its first event: one already going when a thread is opened, or
        one whose follower died with its worker. An empty ``run_id`` means the thread's latest."""
        async with self:
            thread_id, slot = self.thread_id, self._run_slot
            await self._release_stale_slot()
            try:
                person = await person_of(self)
            except NotSignedIn:
                self.status, self.error_message = "error", SESSION_ENDED
                return

        async def join() -> AsyncIterator[StreamPart]:
            client = deployment.client_for(person)
            runs = [] if run_id else await client.list_runs(thread_id)
            if not run_id and not runs:
                raise RunNotFoundError("NotFound", "the thread has no run to rejoin")
            return client.join_run_reconnecting(thread_id, run_id or runs[0]["run_id"])

        async for event in self._follow(join, person, slot):
            yield event

    async def _follow(
        self,
        open_stream: OpenStream,
        person: Person,
        slot: RunSlot | None,
        replaying: Recording | None = None,
    ) -> AsyncIterator[EventSpec]:
        """Show a run's stream, update by update, until it ends, Stop is clicked or a newer
        follower takes over; then settle the status. Every way a run can end leaves a status,
        a readable error if any, and everything received so far on screen. ``slot`` (the
        run's place among those allowed at once) is kept alive meanwhile, and freed at the
        end, before the page may send the next question.

        A live run is recorded into the archive as it streams; a replay (of ``replaying``)
        is not, and ends the way the recorded run ended."""
        tree, follower, started = RunTree(), uuid.uuid4().hex, time.monotonic()
        async with self:
            self._follower, self._heartbeat_at = follower, time.time()
            last = self.messages[-1] if self.messages else None
        asked = last.content if last and last.role == "user" else ""
        recorder = None if replaying else _recorder(asked, person)
        ended = RunEnded("done")  # unless the follower says otherwise (Stop leaves it)
        try:
            parts = await open_stream()
        except InterruptGoneError as exc:
            ended = RunEnded("error", str(exc))
        except (httpx.HTTPError, SettingsError, RunError) as exc:
            ended = RunEnded("error", error_text(exc))
        else:
            async with self:
                thread_id = self.thread_id
            yield show_thread_in_url(thread_id)
            if recorder:
                parts = recorder.recorded(parts)
            updates = follow(parts, tree)
            try:
                async for update in updates:
                    async with self:
                        if self._follower != follower:
                            return  # superseded: the newer follower shows the run
                        self._heartbeat_at = time.time()
                        scripts = await self._apply(update, tree)
                        stop = self._stop_requested
                    for script in scripts:
                        yield script
                    if slot:
                        await keep_alive(shared_store(), slot, time.time())
                    if isinstance(update, RunEnded):
                        ended = update
                    elif stop:
                        break  # show Stop now; the server's cancel follows
            finally:
                await updates.aclose()  # stops reading and closes the stream
        if deployment.stopping():
            # Not the run's end: this worker stops (a restart, a deploy). The run is left to
            # the tab's next follower, as when a worker dies: its recording stays unfinished.
            log.info("run left running: the app is stopping", extra={"run_id": tree.run_id})
            return
        async with self:
            thread_id, stopped = self.thread_id, self._stop_requested
        client = deployment.client_for(person)
        asks_server = not (stopped or replaying) and thread_id
        waiting = await _waiting_for(client, thread_id) if asks_server else None
        async with self:
            if self._follower != follower:
                return
            if slot:
                await release(shared_store(), slot)
                if self._run_slot == slot:
                    self._run_slot = None
            outcome: ChatStatus = ended.outcome
            if outcome == "done" and self._stop_requested:
                outcome = "cancelled"
            elif outcome == "done" and replaying and replaying.status != "running":
                outcome = replaying.status
                ended = RunEnded(ended.outcome, replaying.error or None)
            elif outcome == "done" and waiting:
                outcome = "interrupted"  # the graph stopped to wait for a person
            tree.finish(outcome, ended.error)
            scripts = await self._show(tree)
            if outcome == "done" and len(tree) == 0 and self._saved_messages:
                self.messages, outcome = self._saved_messages, "idle"  # nothing to replay
            if waiting is not None:
                self.interrupts = waiting
            if outcome != "error":
                self._command = None
            self._saved_messages, self.pending_question = [], ""
            self.status, self.error_message = outcome, ended.error or ""
            self.progress = ""
        if recorder:
            recorder.finish(outcome, ended.error or "")
        scripts.append(focus_composer())
        log.info(
            "run %s",
            outcome,
            extra={
                "thread_id": thread_id,
                "run_id": tree.run_id,
                "status": outcome,
                "nodes": len(tree),
                "seconds": round(time.monotonic() - started, 3),
                "error": ended.error,
                "person": person.name,
            },
        )
        for script in scripts:
            yield script
        yield show_thread_in_url(thread_id)

    async def _apply(self, update: Update, tree: RunTree) -> list[EventSpec]:
        """Take one update of the follower into the state; returns scripts for the page."""
        if isinstance(update, RunStarted):
            self.run_id, self.pending_question = update.run_id, ""  # the server has the question
            (await self.get_state(TreePanelState)).start_viewing(tree)
        elif isinstance(update, RunProgress | StillAlive):  # a heartbeat sends what waited
            return await self._show(tree)
        elif isinstance(update, StreamNote):
            self.stream_notes.append(update.text)
        return []

    async def _show(self, tree: RunTree) -> list[EventSpec]:
        """Assign what the page shows of ``tree`` now; the bubbles' new text and the tree's
        changes go to the page's scripts."""
        if not tree.run_id:
            return []
        panel, now = await self.get_state(TreePanelState), time.time()
        view = view_run(
            tree,
            plain(self.messages),
            plain(self._shown_text),
            panel.shown_for(tree),
            now=now,
            hide_plumbing=panel.hide_plumbing,
            counters_due=panel.counters_due(now),
            open_groups=self.open_branches,
        )
        # Assigning a var sends it whole, even unchanged: only this often (see above).
        shown = plain(self.messages)
        if view.messages != shown:
            waited = now - self._messages_at
            wait = len(view.messages) * RESEND_SECONDS_PER_MESSAGE
            if len(view.messages) == len(shown):
                wait = max(wait, MESSAGE_CHANGE_SECONDS)
            if waited >= wait or tree.is_finished:
                self.messages, self._messages_at = view.messages, now
        if view.progress != self.progress:
            self.progress = view.progress
        self._shown_text = view.shown_text
        tree_changes = panel.show_progress(tree, view, now)
        return [write_run(view.text, tree_changes)] if view.text or tree_changes else []

    @rx.event
    async def toggle_branches(self, group: str, run_id: str):
        """Open or fold a ``branches`` row (``run_id``: the graph run that fanned out)."""
        opened = group not in self.open_branches
        self.open_branches = (
            [*self.open_branches, group]
            if opened
            else [g for g in self.open_branches if g != group]
        )
        tree = await (await self.get_state(TreePanelState)).tree_holding(run_id)
        if tree is not None:
            self.messages = run_conversation(plain(self.messages), tree, self.open_branches)

    @rx.event
    def check_run_alive(self, _tick: str = ""):
        """Called every few seconds while a run streams: rejoin it if its follower is gone."""
        if self.status != "running" or time.time() - self._heartbeat_at < STALE_SECONDS:
            return None
        log.warning(
            "run follower is gone", extra={"thread_id": self.thread_id, "run_id": self.run_id}
        )
        if not self.thread_id:  # it died before the question reached the server
            self._offer_retry(self._question)
            return None
        self.stream_notes.append("The app lost track of this run (a restart?): rejoining it.")
        self._heartbeat_at = time.time()  # the new follower's grace period
        return ConversationState.follow_run(self.run_id)

    def _offer_retry(self, question: str) -> None:
        """The question never reached the server: show it, and let Retry send it."""
        if not self.messages or self.messages[-1] != ChatMessage("user", question):
            self.messages.append(ChatMessage("user", question))
        self._question, self.status = question, "error"
        self.error_message = (
            "The app restarted before your question reached the server: send it again."
        )

    # replaying archived runs (never calling the server)

    @rx.event(background=True)
    async def replay_run(self, run_id: str, speed: str):
        """Play an archived run again as it streamed, at ``speed`` (a key of ``SPEEDS``)."""
        async with self:
            if self.status in ("running", "replaying"):
                return
            self.status, self._stop_requested = "replaying", False
        try:
            async with self:
                person = await person_of(self)
        except NotSignedIn:
            async with self:
                self.status, self.error_message = "error", SESSION_ENDED
            return
        recording = await asyncio.to_thread(archive.recording, run_id, archive.viewer_of(person))
        if recording is None:
            async with self:
                self.status, self.error_message = "error", "This run is not in the archive."
            return
        async with self:
            self._start_replay(recording)

        async def open_stream() -> AsyncIterator[StreamPart]:
            return replay_parts(recording, SPEEDS.get(speed, 1.0))

        async for event in self._follow(open_stream, person, None, replaying=recording):
            yield event

    @rx.event
    async def replay_step_to(self, run_id: str, position: int):
        """Show an archived run as it was after its first ``position`` frames."""
        if self.status == "running":
            return None
        try:
            viewer = archive.viewer_of(await person_of(self))
        except NotSignedIn:
            self.error_message = SESSION_ENDED
            return None
        recording = await asyncio.to_thread(archive.recording, run_id, viewer)
        if recording is None:
            return None
        self._start_replay(recording)
        position = max(0, min(position, len(recording.frames)))
        over = position == len(recording.frames)
        # timed so that its latest frame happened just now: open runs' clocks start there
        latest = recording.frames[position - 1].at if position else recording.started_at
        tree = build_tree(recording, None if over else position, time.time() - latest)
        (await self.get_state(TreePanelState)).start_viewing(tree)
        scripts = await self._show(tree)
        self.status = recording.status if over and recording.status != "running" else "replaying"
        self.error_message = recording.error if over else ""
        return scripts

    def _start_replay(self, recording: Recording) -> None:
        """Clear the chat for a replay of ``recording``: its question, nothing else yet."""
        self._follower = ""  # a replay already playing stops showing
        self.messages = [ChatMessage("user", recording.question)] if recording.question else []
        self._shown_text = {}  # the page gets the replayed answers whole
        self.interrupts, self.progress, self.error_message = [], "", ""
        if not self.read_only:  # a read-only thread keeps its note saying why
            self.stream_notes = []
        self.run_id = recording.run_id

    @rx.event(background=True)
    async def handle_stop_click(self):
        """Cancel the current run on the server; its follower stops showing it at once.
        A replay just stops."""
        async with self:
            if self.status == "replaying":
                self._stop_requested = True
                return
            if self.status != "running" or not self.run_id:
                return
            self._stop_requested = True
            thread_id, run_id = self.thread_id, self.run_id
        try:
            async with self:
                person = await person_of(self)
            await deployment.client_for(person).cancel_run(thread_id, run_id)
        except NotSignedIn:
            async with self:
                self.stream_notes.append(f"Stopping the run failed: {SESSION_ENDED}")
        except (httpx.HTTPError, SettingsError) as exc:
            async with self:
                self.stream_notes.append(f"Stopping the run failed: {error_text(exc)}")


def _recorder(question: str, person: Person) -> RunRecorder | None:
    """A recorder for a run ``person`` is about to follow (``question``: the user's message
    the chat shows for it); None when recording is off or the archive is unusable."""
    try:
        writer = archive.writer()
        return RunRecorder(writer, question, archive.owner_of(person)) if writer else None
    except Exception:  # the run is shown even when it cannot be recorded
        log.exception("archive unavailable: the run is not recorded")
        return None


async def _waiting_for(client: LangGraphClient, thread_id: str) -> list[InterruptCard] | None:
    """The interrupts the thread waits on after a run; None when that cannot be told."""
    try:
        return interrupt_cards(await client.get_thread_state(thread_id))
    except (httpx.HTTPError, SettingsError):
        return None


async def _check_still_pending(
    client: LangGraphClient, thread_id: str, interrupt_ids: list[str]
) -> None:
    """Refuse to resume interrupts that are no longer pending (answered elsewhere meanwhile)."""
    pending = {i["id"] for i in pending_interrupts(await client.get_thread_state(thread_id))}
    if not set(interrupt_ids) <= pending:
        raise InterruptGoneError(
            "This question is no longer waiting for an answer: it was answered meanwhile "
            "(in another tab?). Open the thread again to see what happened."
        )
