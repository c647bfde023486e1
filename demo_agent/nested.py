"""Graph `nested`: node `research` runs the whole demo agent as a subgraph, then `summarize`."""

from __future__ import annotations

from langchain_core.messages import BaseMessage, SystemMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

from demo_agent.agent import build_agent
from demo_agent.model import DemoChatModel

SUMMARIZE_PROMPT = "Summarize the research above in one sentence."
summarizer = DemoChatModel()


async def summarize(state: MessagesState) -> dict[str, list[BaseMessage]]:
    """Stream a one-sentence summary of the research."""
    prompt = [SystemMessage(SUMMARIZE_PROMPT), *state["messages"]]
    return {"messages": [await summarizer.ainvoke(prompt)]}


def build_nested() -> CompiledStateGraph:
    """Root -> `research` (the agent graph: `agent`, `tool`) -> `summarize`."""
    builder = StateGraph(MessagesState)
    builder.add_node("research", build_agent())
    builder.add_node("summarize", summarize)
    builder.add_edge(START, "research")
    builder.add_edge("research", "summarize")
    builder.add_edge("summarize", END)
    return builder.compile()


graph = build_nested()
