"""The replay bar: how fast an archived run plays again, stepping through it frame by frame,
and what an imported recording's upload answered. The replay itself is the conversation's
(``ConversationState.replay_run`` / ``replay_step_to``): it shows like a live run."""

from __future__ import annotations

import asyncio
import json

import reflex as rx

from app.access import NotSignedIn
from app.archive import service as archive
from app.archive.replay import SPEEDS
from app.state.access import person_of
from app.state.conversation import ConversationState
from app.state.navigation import NavigationState
from app.state.tree_panel import TreePanelState

STEP = "step"


class ReplayState(rx.State):
    speed: str = "1"  # a key of SPEEDS, or "step"
    stepping_run_id: str = ""  # the run being stepped through, "" when not stepping
    position: int = 0  # frames shown of it
    length: int = 0  # its frames

    @rx.var
    def is_stepping(self) -> bool:
        return self.stepping_run_id != ""

    @rx.event
    def pick_speed(self, speed: str):
        self.speed = speed if speed in SPEEDS or speed == STEP else "1"

    @rx.event
    async def handle_replay_click(self):
        """Replay the viewed run at the chosen speed, or start stepping through it."""
        run_id = (await self.get_state(TreePanelState)).viewed_run_id
        if not run_id:
            return None
        self.stepping_run_id = ""
        if self.speed != STEP:
            return ConversationState.replay_run(run_id, self.speed)
        try:
            viewer = archive.viewer_of(await person_of(self))
        except NotSignedIn:
            return None
        found = await asyncio.to_thread(archive.recording, run_id, viewer)
        if found is None:
            (
                await self.get_state(ConversationState)
            ).error_message = "This run is not in the archive."
            return None
        self.stepping_run_id, self.position, self.length = run_id, 0, len(found.frames)
        return ConversationState.replay_step_to(run_id, 0)

    @rx.event
    def handle_step_click(self):
        """One frame further."""
        return self._seek(self.position + 1)

    @rx.event
    def handle_position_change(self, value: list[float]):
        """The position slider was dragged."""
        return self._seek(int(value[0]) if value else 0)

    def _seek(self, position: int):
        if not self.stepping_run_id:
            return None
        self.position = max(0, min(position, self.length))
        return ConversationState.replay_step_to(self.stepping_run_id, self.position)

    @rx.event
    async def handle_import_result(self, result: str):
        """The page uploaded a recording (``assets/import_recording.js``): open its thread,
        or say why the file was refused (nothing else changes)."""
        try:
            answer = json.loads(result)
        except ValueError:
            return None
        conversation = await self.get_state(ConversationState)
        if not isinstance(answer, dict) or answer.get("error") or not answer.get("thread_id"):
            error = answer.get("error") if isinstance(answer, dict) else None
            conversation.error_message = f"Could not open the recording: {error or 'no answer'}"
            return None
        if conversation.status in ("running", "replaying"):
            conversation.error_message = "Stop the current run before opening a recording."
            return None
        conversation.error_message = ""
        self.stepping_run_id = ""
        return NavigationState.open_thread(answer["thread_id"])
