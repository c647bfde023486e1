"""Which thread a tab shows: the page's load (the graphs, the person's threads, the thread
named in the URL), opening a thread (its conversation, its latest run replayed for the tree,
or its archived recording when the server forgot it), a new thread, another graph."""

from __future__ import annotations

import asyncio
import logging

import httpx
import reflex as rx
from reflex.event import EventSpec

from app import deployment
from app.access import NotSignedIn, NotYourThread, Person, may_open, owner_metadata
from app.archive import service as archive
from app.archive.recording import build_tree, conversation
from app.archive.store import ArchivedThread, RecordingSummary
from app.error_text import error_text
from app.graph_input import InputField, form_fields
from app.interrupts import interrupt_cards
from app.lg_client import LangGraphClient, NotFoundError
from app.reopening import RUNS_READ, reopen
from app.run_view import text_deltas
from app.settings import SettingsError
from app.state.access import person_of
from app.state.conversation import SESSION_ENDED, ConversationState
from app.state.page_scripts import reset_text, show_thread_in_url
from app.state.threads import ThreadsState
from app.state.tree_panel import TreePanelState
from app.transcript import ChatMessage

log = logging.getLogger(__name__)


class NavigationState(ConversationState):
    """A substate of the conversation: moving between threads and graphs."""

    @rx.event(background=True)
    async def handle_page_load(self):
        """Load the graphs and threads; open the thread named in the URL, if any."""
        async with self:
            wanted = self.router.url.query_parameters.get("thread", "")
            current, running = self.thread_id, self.status == "running"
            rejoin = await self._rejoin_scripts()
        for script in rejoin:  # a reload: the tree, and mid-run the bubbles so far
            yield script
        try:
            async with self:
                person = await person_of(self)
        except NotSignedIn:
            async with self:
                self.error_message = SESSION_ENDED
            return
        try:
            client = deployment.client_for(person)
            default_assistant_id = deployment.settings().assistant_id
            assistants = await client.search_assistants()
            threads = await client.search_threads(metadata=owner_metadata(person))
        except (httpx.HTTPError, SettingsError) as exc:
            async with self:
                self.error_message = error_text(exc)
        else:
            async with self:
                listing = await self.get_state(ThreadsState)
                listing.show_deployment(assistants, threads, default_assistant_id)
                graph_id, uuid = listing.assistant_id, listing.assistant_uuid(listing.assistant_id)
            fields = await _input_form(client, uuid)
            async with self:
                listing = await self.get_state(ThreadsState)
                if listing.assistant_id == graph_id:
                    listing.input_fields = fields
        archived = await asyncio.to_thread(_archived_threads, person)
        async with self:
            (await self.get_state(ThreadsState)).show_archived(archived)
        if wanted and wanted != current and not running:
            yield NavigationState.open_thread(wanted)

    @rx.event(background=True)
    async def open_thread(self, thread_id: str):
        """Show a thread's conversation and replay its latest run (going or over) for the tree.

        This is also how a session comes back after its worker died: a new session opens the
        thread named in the URL. Its archived runs join the run picker; when the server no
        longer knows the thread (or cannot be reached), its archived conversation is shown,
        read-only."""
        async with self:
            if self.status == "running":
                return
            cleared = await self._reset(thread_id)
        for script in cleared:
            yield script
        try:
            async with self:
                person = await person_of(self)
            archived = await asyncio.to_thread(_archived, thread_id, person)
            client = deployment.client_for(person)
            thread = await client.get_thread(thread_id)
            if not may_open(thread, person):
                raise NotYourThread(thread_id)
            state = await client.get_thread_state(thread_id)
            runs = await client.list_runs(thread_id, limit=RUNS_READ)
            reopened = await reopen(client, thread_id, state.get("values"), runs)
        except NotSignedIn:
            async with self:
                self.status, self.error_message = "error", SESSION_ENDED
            return
        except (NotYourThread, NotFoundError) as exc:
            if isinstance(exc, NotFoundError) and archived:  # the server forgot it: a restart
                async for event in self._show_archived_thread(thread_id, archived, exc, person):
                    yield event
                return
            # Someone else's thread (as the app or the deployment's own auth sees it), or gone.
            async with self:
                cleared = await self._reset("")
                self.status = "error"
                self.error_message = (
                    f"Thread {thread_id} belongs to someone else, or no longer exists: "
                    "nothing of it is shown."
                )
            for script in [*cleared, show_thread_in_url("")]:
                yield script
            return
        except (httpx.HTTPError, SettingsError) as exc:
            if archived:
                async for event in self._show_archived_thread(thread_id, archived, exc, person):
                    yield event
                return
            async with self:
                self.status, self.error_message = "error", error_text(exc)
            return
        graph_id = (thread.get("metadata") or {}).get("graph_id")
        async with self:
            listing = await self.get_state(ThreadsState)
            if isinstance(graph_id, str) and graph_id:  # asking again runs the thread's graph
                listing.assistant_id = graph_id
            uuid = listing.assistant_uuid(listing.assistant_id)
        fields = await _input_form(client, uuid)
        async with self:
            (await self.get_state(ThreadsState)).input_fields = fields
            (await self.get_state(TreePanelState)).show_archived(archived)
            self.messages, self.interrupts = reopened.messages, interrupt_cards(state)
            if self.interrupts and not runs:
                self.status = "interrupted"
            if self.pending_question and not runs:
                self._offer_retry(self.pending_question)
            elif runs:
                # The run's answers come back with its events: show what came before them.
                self.messages = reopened.before_last_run
                self._saved_messages = reopened.messages
                self._mark_running()
        yield show_thread_in_url(thread_id)
        if runs:
            yield ConversationState.follow_run(runs[0]["run_id"])

    async def _show_archived_thread(
        self,
        thread_id: str,
        archived: list[RecordingSummary],
        reason: Exception,
        person: Person,
    ):
        """The thread as the archive has it (what ``person`` may see of it), read-only, with a
        note saying why."""
        viewer = archive.viewer_of(person)
        recordings = await asyncio.to_thread(archive.thread_recordings, thread_id, viewer)
        why = (
            "The LangGraph server no longer knows this thread (did it restart?)"
            if isinstance(reason, NotFoundError)
            else f"The LangGraph server cannot be reached ({error_text(reason)})"
        )
        async with self:
            panel = await self.get_state(TreePanelState)
            panel.show_archived(archived)
            messages: list[ChatMessage] = []
            shown: list[EventSpec] = []
            for recording in recordings:
                tree = build_tree(recording)
                shown = await panel.show_finished(tree)  # the page gets the last one's tree
                messages += conversation(recording, tree)
            self.messages, self.read_only = messages, True
            self.stream_notes = [f"{why}: this is its archived recording, read-only."]
        for script in [*shown, show_thread_in_url(thread_id)]:
            yield script

    @rx.event
    async def handle_new_thread_click(self):
        if self.status == "running":
            return None
        cleared = await self._reset("")
        self.pending_question = ""
        return [*cleared, show_thread_in_url("")]

    @rx.event
    async def pick_assistant(self, assistant_id: str):
        """Talk to another graph: in a new thread, since threads keep one graph's state."""
        listing = await self.get_state(ThreadsState)
        if self.status == "running" or assistant_id == listing.assistant_id:
            return None
        listing.assistant_id = assistant_id
        try:
            client = deployment.client_for(await person_of(self))
        except NotSignedIn:
            self.error_message = SESSION_ENDED
            return None
        listing.input_fields = await _input_form(client, listing.assistant_uuid(assistant_id))
        cleared = await self._reset("")
        self.pending_question = ""
        return [*cleared, show_thread_in_url("")]

    async def _reset(self, thread_id: str) -> list[EventSpec]:
        """Start afresh on ``thread_id`` ("" for a new thread); returns the page's scripts."""
        self.thread_id, self.run_id, self.read_only = thread_id, "", False
        self._follower = ""  # a replay still playing stops showing
        self.messages, self.stream_notes = [], []
        self._shown_text = {}
        self.status, self.error_message = "idle", ""
        self.interrupts, self.progress, self.open_branches = [], "", []
        self._question, self._saved_messages, self._command = "", [], None
        self._input = None
        return await (await self.get_state(TreePanelState)).clear()

    async def _rejoin_scripts(self) -> list[EventSpec]:
        """For a page that (re)joined: the tree whole and, mid-run, every bubble so far."""
        panel = await self.get_state(TreePanelState)
        tree = await panel.tree(self.run_id) if self.status == "running" else None
        scripts = []
        if tree is not None:
            deltas, self._shown_text = text_deltas(tree, {})
            scripts.append(reset_text(deltas))
        return scripts + await panel.whole_tree(tree)


def _archived(thread_id: str, person: Person) -> list[RecordingSummary]:
    """The thread's archived runs ``person`` may see; none when the archive cannot be read
    (the app goes on)."""
    try:
        return archive.summaries(thread_id, archive.viewer_of(person))
    except Exception:  # the archive is an extra: never the reason a page fails
        log.exception("archive unreadable", extra={"thread_id": thread_id})
        return []


def _archived_threads(person: Person) -> list[ArchivedThread]:
    """The archive's threads ``person`` may see, for the sidebar; none when the archive
    cannot be read."""
    try:
        return archive.recent_threads(archive.viewer_of(person))
    except Exception:  # the archive is an extra: never the reason a page fails
        log.exception("archive unreadable")
        return []


async def _input_form(client: LangGraphClient, assistant_uuid: str) -> list[InputField]:
    """The input form of a graph without chat messages; none for a chat graph, or when its
    schema cannot be read (the chat box is the safe default)."""
    if not assistant_uuid:
        return []
    try:
        schemas = await client.get_assistant_schemas(assistant_uuid)
    except (httpx.HTTPError, SettingsError):
        return []
    return form_fields(schemas.get("input_schema") if isinstance(schemas, dict) else None)
