"""Graph `agent`: node `agent` -> edge `should_continue` -> node `tool` -> `agent` -> end."""

from __future__ import annotations

from langchain_core.messages import AIMessage, BaseMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode

from demo_agent.model import DemoChatModel
from demo_agent.tools import get_weather

TOOLS = [get_weather]
model = DemoChatModel().bind_tools(TOOLS)


async def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
    """Ask the chat model, with the tools bound, for the next message."""
    return {"messages": [await model.ainvoke(state["messages"])]}


def should_continue(state: MessagesState) -> str:
    """Run the tools the last AI message asks for, or finish."""
    last = state["messages"][-1]
    return "tool" if isinstance(last, AIMessage) and last.tool_calls else END


def build_agent() -> CompiledStateGraph:
    """The tool-calling loop of the demo agent."""
    builder = StateGraph(MessagesState)
    builder.add_node("agent", call_model)
    builder.add_node("tool", ToolNode(TOOLS))
    builder.add_edge(START, "agent")
    builder.add_conditional_edges("agent", should_continue, ["tool", END])
    builder.add_edge("tool", "agent")
    return builder.compile()


graph = build_agent()
