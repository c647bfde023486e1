"""Graph `thinker`: one model call that thinks before it answers, streaming Anthropic-style
content blocks: `thinking` pieces (index 0), a `signature`, then `text` pieces (index 1)."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.messages import AIMessageChunk
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

from demo_agent.model import DemoChatModel, Reply, split_words

THOUGHT = (
    "The person wrote to me. I have no tools here, so I will answer from what I know, "
    "briefly and without making anything up."
)
SIGNATURE = "demo-signature-c2lnbmF0dXJl"


class ThinkingChatModel(DemoChatModel):
    """The demo model, thinking aloud (in content blocks) before each answer."""

    def reply_chunks(self, reply: Reply) -> Iterator[AIMessageChunk]:
        for piece in split_words(THOUGHT):
            yield AIMessageChunk(content=[{"type": "thinking", "thinking": piece, "index": 0}])
        yield AIMessageChunk(content=[{"type": "thinking", "signature": SIGNATURE, "index": 0}])
        for piece in split_words(reply.text):
            yield AIMessageChunk(content=[{"type": "text", "text": piece, "index": 1}])


model = ThinkingChatModel()


async def think(state: MessagesState) -> MessagesState:
    return {"messages": [await model.ainvoke(state["messages"])]}


def build_thinker() -> CompiledStateGraph:
    builder = StateGraph(MessagesState)
    builder.add_node("think", think)
    builder.add_edge(START, "think")
    return builder.compile()


graph = build_thinker()
