"""Graph `failing`: node `agent` streams part of an answer, then node `flaky_tool` raises."""

from __future__ import annotations

from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

from demo_agent.agent import call_model

FAILURE_MESSAGE = "The weather service is unavailable (demo failure)"


def flaky_tool(state: MessagesState) -> MessagesState:
    """Always fail, like a tool whose backend is down."""
    raise ValueError(FAILURE_MESSAGE)


def build_failing() -> CompiledStateGraph:
    """Root -> `agent` (streams tokens) -> `flaky_tool` (raises ValueError)."""
    builder = StateGraph(MessagesState)
    builder.add_node("agent", call_model)
    builder.add_node("flaky_tool", flaky_tool)
    builder.add_edge(START, "agent")
    builder.add_edge("agent", "flaky_tool")
    builder.add_edge("flaky_tool", END)
    return builder.compile()


graph = build_failing()
