"""Graph `review`, a graph without chat messages: its input is a topic and a number of
sections; `plan` fans out with `Send` to one `review_section` branch per section, and each
branch asks a person (`interrupt()`) to approve its section. Its output is the verdicts."""

from __future__ import annotations

import operator
from typing import Annotated, Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Overwrite, Send, interrupt
from typing_extensions import TypedDict

MAX_SECTIONS = 5


class ReviewInput(TypedDict):
    topic: str
    sections: int


class ReviewOutput(TypedDict):
    topic: str
    reviews: list[dict[str, Any]]


class ReviewState(ReviewInput, ReviewOutput):
    reviews: Annotated[list[dict[str, Any]], operator.add]


class SectionInput(TypedDict):
    section: str


def plan(state: ReviewState) -> dict[str, Any]:
    """A new input's sections start a fresh list of verdicts (the thread keeps the last
    input's)."""
    return {"reviews": Overwrite([])}


def fan_out(state: ReviewState) -> list[Send]:
    """One branch per section (at least one, at most MAX_SECTIONS)."""
    count = min(max(int(state.get("sections") or 1), 1), MAX_SECTIONS)
    topic = state.get("topic") or "Untitled"
    return [Send("review_section", {"section": f"{topic}, part {i}"}) for i in range(1, count + 1)]


def review_section(state: SectionInput) -> dict[str, list[dict[str, Any]]]:
    """Ask a person to approve one section."""
    verdict = interrupt({"question": f"Approve the section “{state['section']}”?"})
    return {"reviews": [{"section": state["section"], "verdict": verdict}]}


def build_review() -> CompiledStateGraph:
    builder = StateGraph(ReviewState, input_schema=ReviewInput, output_schema=ReviewOutput)
    builder.add_node("plan", plan)
    builder.add_node("review_section", review_section)
    builder.add_edge(START, "plan")
    builder.add_conditional_edges("plan", fan_out, ["review_section"])
    builder.add_edge("review_section", END)
    return builder.compile()


graph = build_review()
