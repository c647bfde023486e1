"""Graph `agent`: node `agent` -> edge `should_continue` -> node `tool` -> `agent` -> end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.tools import BaseTool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode

from demo_agent.model import DemoChatModel
from demo_agent.tools import get_weather

TOOLS: list[BaseTool] = [get_weather]
ModelNode = Callable[[MessagesState], Awaitable[dict[str, list[BaseMessage]]]]


def model_node(tools: list[BaseTool]) -> ModelNode:
    """A graph node asking the chat model, with ``tools`` bound, for the next message."""
    model = DemoChatModel().bind_tools(tools)

    async def call_model(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    return call_model


call_model = model_node(TOOLS)


def should_continue(state: MessagesState) -> str:
    """Run the tools the last AI message asks for, or finish."""
    last = state["messages"][-1]
    return "tool" if isinstance(last, AIMessage) and last.tool_calls else END


def build_agent(
    tools: list[BaseTool] = TOOLS, handle_tool_errors: bool = False
) -> CompiledStateGraph:
    """The tool-calling loop of the demo agent (the model calls a tool named `get_weather`)."""
    builder = StateGraph(MessagesState)
    builder.add_node("agent", call_model if tools is TOOLS else model_node(tools))
    builder.add_node("tool", ToolNode(tools, handle_tool_errors=handle_tool_errors))
    builder.add_edge(START, "agent")
    builder.add_conditional_edges("agent", should_continue, ["tool", END])
    builder.add_edge("tool", "agent")
    return builder.compile()


graph = build_agent()
