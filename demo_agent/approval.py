"""Graph `approval`: LangChain's `create_agent` with `HumanInTheLoopMiddleware`. The model asks
for the weather tool; the run stops until a person approves, edits or rejects the call."""

from __future__ import annotations

from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware

from demo_agent.model import DemoChatModel
from demo_agent.tools import get_weather

graph = create_agent(
    model=DemoChatModel(),
    tools=[get_weather],
    middleware=[HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})],
)
