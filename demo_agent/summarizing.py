"""Graph `summarizing`: LangChain's `create_agent` with `SummarizationMiddleware`. Once the
thread holds more than six messages, the middleware has a model (its own call, which it tags
`nostream`) sum up the older ones before the agent's model answers."""

from __future__ import annotations

from langchain.agents import create_agent
from langchain.agents.middleware import SummarizationMiddleware

from demo_agent.model import DemoChatModel
from demo_agent.tools import get_weather

#: The demo model echoes a `repeat:` prompt: this is the summary it writes.
SUMMARY = "Summary: the person asked about the weather in a few cities."

graph = create_agent(
    model=DemoChatModel(),
    tools=[get_weather],
    middleware=[
        SummarizationMiddleware(
            DemoChatModel(),
            trigger=("messages", 6),
            keep=("messages", 2),
            summary_prompt=f"repeat: {SUMMARY}",
        )
    ],
)
