"""Graph `flaky`: the weather agent whose tool fails, with `ToolNode(handle_tool_errors=True)`:
the error becomes a `ToolMessage` with status `error`, and the model answers from it."""

from __future__ import annotations

from langchain_core.tools import tool

from demo_agent.agent import build_agent
from demo_agent.model import WEATHER_TOOL


@tool(WEATHER_TOOL)
def unreachable_weather(city: str) -> str:
    """Get the current weather in a city."""
    raise ConnectionError(f"The weather service did not answer for {city}")


graph = build_agent([unreachable_weather], handle_tool_errors=True)
