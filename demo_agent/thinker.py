"""Graph `thinker`: one model call that thinks before it answers, streaming as Anthropic's
models do through LangChain: content blocks (`thinking` pieces at index 0, a `signature`, then
`text` pieces at index 1), the input tokens on the first chunk and the output on the last."""

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

    def with_usage(
        self, chunks: Iterator[AIMessageChunk], input_tokens: int
    ) -> Iterator[AIMessageChunk]:
        """Usage split as `langchain-anthropic` streams it (LangChain adds chunks' usage up):
        the first chunk (``message_start``) carries the input tokens and no output, the last
        (``message_delta``) the output tokens and no input."""
        pieces = list(chunks)
        first = {"input_tokens": input_tokens, "output_tokens": 0, "total_tokens": input_tokens}
        output = len(pieces)
        last = {"input_tokens": 0, "output_tokens": output, "total_tokens": output}
        for index, piece in enumerate(pieces):
            usage = first if index == 0 else last if index == len(pieces) - 1 else None
            yield piece.model_copy(update={"usage_metadata": usage}) if usage else piece


model = ThinkingChatModel()


async def think(state: MessagesState) -> MessagesState:
    return {"messages": [await model.ainvoke(state["messages"])]}


def build_thinker() -> CompiledStateGraph:
    builder = StateGraph(MessagesState)
    builder.add_node("think", think)
    builder.add_edge(START, "think")
    return builder.compile()


graph = build_thinker()
