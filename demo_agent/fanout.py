"""Graph `fanout`: node `plan` sends N parallel `branch` runs (`Send`), each asking the model
for a short report, then `join` answers once all have reported. "fan out 300" asks for 300."""

from __future__ import annotations

import operator
import re
from typing import Annotated

from langchain_core.messages import BaseMessage, HumanMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Overwrite, Send

from demo_agent.model import DemoChatModel

DEFAULT_BRANCHES = 3
MAX_BRANCHES = 1_000
_FAN_OUT = re.compile(r"\bfan\s*out\s+(\d+)", re.IGNORECASE)
model = DemoChatModel()


class FanOutState(MessagesState):
    reports: Annotated[list[str], operator.add]


class BranchInput(MessagesState):
    index: int


def branch_count(state: MessagesState) -> int:
    """How many branches the last question asks for."""
    text = str(state["messages"][-1].text) if state["messages"] else ""
    match = _FAN_OUT.search(text)
    return min(int(match[1]), MAX_BRANCHES) if match else DEFAULT_BRANCHES


def plan(state: FanOutState) -> dict[str, Overwrite]:
    """A question's branches start a fresh list of reports (the thread keeps the last
    question's); the branches are sent by the edge that follows."""
    return {"reports": Overwrite([])}


def send_branches(state: FanOutState) -> list[Send]:
    return [Send("branch", {"index": i, "messages": []}) for i in range(1, branch_count(state) + 1)]


async def branch(state: BranchInput) -> dict[str, list[str]]:
    """One branch: the model writes a short report."""
    reply = await model.ainvoke([HumanMessage(f"repeat: Branch {state['index']} reporting.")])
    return {"reports": [str(reply.text)]}


async def join(state: FanOutState) -> dict[str, list[BaseMessage]]:
    """Answer once every branch has reported."""
    summary = f"repeat: All {len(state['reports'])} branches reported."
    return {"messages": [await model.ainvoke([HumanMessage(summary)])]}


def build_fanout() -> CompiledStateGraph:
    builder = StateGraph(FanOutState)
    builder.add_node("plan", plan)
    builder.add_node("branch", branch, input_schema=BranchInput)
    builder.add_node("join", join)
    builder.add_edge(START, "plan")
    builder.add_conditional_edges("plan", send_branches, ["branch"])
    builder.add_edge("branch", "join")
    builder.add_edge("join", END)
    return builder.compile()


graph = build_fanout()
