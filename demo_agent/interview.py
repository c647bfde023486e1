"""Graph `interview`: node `ask` calls `interrupt()` to ask which city, then the weather agent
(a subgraph) answers for the city the person names."""

from __future__ import annotations

from langchain_core.messages import HumanMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import interrupt

from demo_agent.agent import build_agent

QUESTION = "Which city should I check the weather for?"


def ask(state: MessagesState) -> dict[str, list[HumanMessage]]:
    """Wait for the person to name a city."""
    city = interrupt({"question": QUESTION})
    return {"messages": [HumanMessage(f"What's the weather in {city}?")]}


def build_interview() -> CompiledStateGraph:
    builder = StateGraph(MessagesState)
    builder.add_node("ask", ask)
    builder.add_node("agent", build_agent())
    builder.add_edge(START, "ask")
    builder.add_edge("ask", "agent")
    builder.add_edge("agent", END)
    return builder.compile()


graph = build_interview()
