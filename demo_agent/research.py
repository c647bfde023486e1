"""Graph `research`: node `research` reports its progress with custom events
(`adispatch_custom_event`) while an LCEL chain runs: a retriever over a small library, a
prompt, the model and an output parser."""

from __future__ import annotations

import asyncio

from langchain_core.callbacks import (
    AsyncCallbackManagerForRetrieverRun,
    CallbackManagerForRetrieverRun,
)
from langchain_core.callbacks.manager import adispatch_custom_event
from langchain_core.documents import Document
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

from demo_agent.model import DEFAULT_TOKEN_DELAY, NOTES_PREFIX, DemoChatModel, token_delay

PROGRESS_EVENT = "progress"
SEARCH_SECONDS = 0.6  # at the default token pace
LIBRARY = [
    Document(
        "San Francisco summers are cool because of the marine layer.",
        metadata={"source": "climate.md", "city": "San Francisco"},
    ),
    Document(
        "Paris is mild in spring; April averages 16 degrees.",
        metadata={"source": "climate.md", "city": "Paris"},
    ),
    Document(
        "Tokyo's rainy season, tsuyu, runs from June to mid July.",
        metadata={"source": "seasons.md", "city": "Tokyo"},
    ),
]


class Library(BaseRetriever):
    """Documents that share a word with the query (all of them when none does)."""

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        words = {word.strip("?.,!").lower() for word in query.split()}
        hits = [doc for doc in LIBRARY if words & set(doc.page_content.lower().split())]
        return hits or LIBRARY

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun
    ) -> list[Document]:
        return self._get_relevant_documents(query, run_manager=run_manager.get_sync())


PROMPT = ChatPromptTemplate.from_messages(
    [("system", NOTES_PREFIX + "\n{notes}"), ("human", "{question}")]
)
ANSWER = PROMPT | DemoChatModel() | StrOutputParser()


async def research(state: MessagesState, config: RunnableConfig) -> MessagesState:
    question = str(state["messages"][-1].text)
    await adispatch_custom_event(PROGRESS_EVENT, {"step": "searching the library"}, config=config)
    await asyncio.sleep(SEARCH_SECONDS * token_delay() / DEFAULT_TOKEN_DELAY)  # a slow index
    documents = await Library().ainvoke(question, config)
    notes = "\n".join(f"- {doc.page_content}" for doc in documents)
    await adispatch_custom_event(
        PROGRESS_EVENT, {"step": f"read {len(documents)} documents"}, config=config
    )
    answer = await ANSWER.ainvoke({"notes": notes, "question": question}, config)
    await adispatch_custom_event(PROGRESS_EVENT, {"step": "answered"}, config=config)
    return {"messages": [AIMessage(answer)]}


def build_research() -> CompiledStateGraph:
    builder = StateGraph(MessagesState)
    builder.add_node("research", research)
    builder.add_edge(START, "research")
    return builder.compile()


graph = build_research()
