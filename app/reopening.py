"""What the chat shows of a thread it opens again (no Reflex). The server keeps the graph's
messages, not the lines the chat drew for a form's input or for a person's answers to
interrupts: those are made again from the runs' own requests and the states they started
from, so a reopened thread reads as it did live."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

from app.interrupts import interrupt_cards, resume_summary
from app.lg_client import APIStatusError, LangGraphClient, Run, ThreadState
from app.transcript import ChatMessage, input_question, state_messages, thread_messages

#: How many of a thread's runs are read for their answers (newest first).
RUNS_READ = 50


@dataclass
class Reopened:
    """A thread's conversation, and the part of it shown while its last run replays."""

    messages: list[ChatMessage]
    before_last_run: list[ChatMessage]


@dataclass
class _Answer:
    at: int  # how many of the thread's messages came before it
    text: str  # as the chat showed it


async def reopen(client: LangGraphClient, thread_id: str, values: Any, runs: list[Run]) -> Reopened:
    """The conversation of a thread whose state has ``values`` and whose ``runs`` (newest
    first) ran on it. Each run that answered interrupts (``kwargs.command.resume``) gets the
    person's answer back where it was given: after the messages of the state the run before
    it left (``POST /threads/{id}/history`` for that run). A deployment that refuses the
    history gets the graph's messages alone."""
    answers = await _answers(client, thread_id, runs)
    raw = state_messages(values)
    if not raw:  # a graph without chat messages: its form's input, then the answers to it
        first = next((i for i, run in enumerate(runs) if _resume(run) is None), len(runs))
        lines = _form_question(runs[first]) if first < len(runs) else []
        later = reversed(runs[:first])  # the answers since, oldest first
        lines += [ChatMessage("user", a.text) for run in later if (a := answers.get(run["run_id"]))]
        return Reopened(lines, list(lines))  # two vars: never one list behind both
    placed: dict[int, list[str]] = {}
    for run in reversed(runs):  # oldest first: answers given at one place keep their order
        if answer := answers.get(run["run_id"]):
            placed.setdefault(answer.at, []).append(answer.text)
    if not runs:
        cut = len(raw)
    elif last := answers.get(runs[0]["run_id"]):  # the last run replays from its answer on
        cut = last.at
    else:  # ... or from its question on
        cut = max((i + 1 for i, m in enumerate(raw) if m.get("type") == "human"), default=0)
    before = thread_messages({"messages": raw[:cut]}, {i: a for i, a in placed.items() if i <= cut})
    return Reopened(
        thread_messages(values, placed),
        [m for m in before if m.status != "pending"],  # the replay shows what became of them
    )


async def _answers(client: LangGraphClient, thread_id: str, runs: list[Run]) -> dict[str, _Answer]:
    """Each run that answered interrupts, by id: its answer, from the state the run before
    it left."""
    pairs = [(run, before) for run, before in itertools.pairwise(runs) if _resume(run) is not None]
    try:
        found = await asyncio.gather(
            *(
                client.get_thread_history(thread_id, limit=1, metadata={"run_id": b["run_id"]})
                for _, b in pairs
            )
        )
    except APIStatusError:  # a deployment that keeps its history to itself
        return {}
    answers = {}
    for (run, _), states in zip(pairs, found, strict=True):
        if states:
            state: ThreadState = states[0]
            text = resume_summary(interrupt_cards(state), _resume(run))
            answers[run["run_id"]] = _Answer(len(state_messages(state.get("values"))), text)
    return answers


def _resume(run: Run) -> Any:
    command = (run.get("kwargs") or {}).get("command")
    return command.get("resume") if isinstance(command, dict) else None


def _form_question(run: Run) -> list[ChatMessage]:
    """The chat's line for ``run``'s input, when it went to a graph without chat messages."""
    run_input = (run.get("kwargs") or {}).get("input")
    if isinstance(run_input, dict) and "messages" not in run_input:
        return [ChatMessage("user", input_question(run_input))]
    return []
