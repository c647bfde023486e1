"""What the chat shows of a thread it opens again, before its last run replays its answers
(no Reflex): the server keeps the graph's messages, not the lines the chat drew for a form's
input or for answers to interrupts, so those are made again from the runs' own requests."""

from __future__ import annotations

from app.interrupts import interrupt_cards, resume_summary
from app.lg_client import APIStatusError, LangGraphClient, Run
from app.transcript import ChatMessage, input_question, thread_messages


async def before_last_run(
    client: LangGraphClient, thread_id: str, runs: list[Run], messages: list[ChatMessage]
) -> list[ChatMessage]:
    """What the chat shows of a thread before its last run (``runs``: newest first) replays
    its answers: the messages up to its question or, when the run answered interrupts, the
    thread as the run before it left it and the answer, as it read live (the answer that
    asked and the person's answer are left out when the server refuses the thread's history)."""
    if not runs:
        return messages
    command = (runs[0].get("kwargs") or {}).get("command")
    if isinstance(command, dict) and "resume" in command and len(runs) > 1:
        try:
            left = await client.get_thread_history(
                thread_id, limit=1, metadata={"run_id": runs[1]["run_id"]}
            )
        except APIStatusError:  # a deployment that keeps its history to itself
            left = []
        if left:
            earlier = thread_messages(left[0].get("values")) or _form_question(runs[1])
            answer = resume_summary(interrupt_cards(left[0]), command["resume"])
            return [m for m in earlier if m.status != "pending"] + [ChatMessage("user", answer)]
    last_question = max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)
    return messages[: last_question + 1] or _form_question(runs[0])


def _form_question(run: Run) -> list[ChatMessage]:
    """The chat's line for ``run``'s input, when it went to a graph without chat messages."""
    input = (run.get("kwargs") or {}).get("input")
    if isinstance(input, dict) and "messages" not in input:
        return [ChatMessage("user", input_question(input))]
    return []
