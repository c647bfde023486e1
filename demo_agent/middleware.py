"""Graph `middleware`: LangChain's `create_agent` with two middlewares whose work shows only in
the run tree. `ModelFallbackMiddleware`: the agent's model is out of service, so every model
call fails and the fallback model answers. `SummarizationMiddleware`: once the thread holds more
than six messages, a model call of its own (tagged `nostream`) sums up the older ones."""

from __future__ import annotations

from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import ModelFallbackMiddleware, SummarizationMiddleware
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult

from demo_agent.model import DemoChatModel
from demo_agent.tools import get_weather

#: The demo model echoes a `repeat:` prompt: this is the summary it writes.
SUMMARY = "Summary: the person asked about the weather in a few cities."
OUTAGE = "503 Service Unavailable: the model is overloaded"


class UnavailableModel(DemoChatModel):
    """A model whose provider is down: every call raises."""

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        raise RuntimeError(OUTAGE)

    async def _astream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any):
        raise RuntimeError(OUTAGE)
        yield  # an async generator, as the base class's

    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any):
        raise RuntimeError(OUTAGE)
        yield


graph = create_agent(
    model=UnavailableModel(),
    tools=[get_weather],
    middleware=[
        ModelFallbackMiddleware(DemoChatModel()),
        SummarizationMiddleware(
            DemoChatModel(),
            trigger=("messages", 6),
            keep=("messages", 2),
            summary_prompt=f"repeat: {SUMMARY}",
        ),
    ],
)
