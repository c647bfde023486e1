"""A scripted chat model: no key, no network, the same answer every time, streamed word by word."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolCall,
    ToolMessage,
)
from langchain_core.messages.tool import tool_call, tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from demo_agent.tools import canonical_city

TOKEN_DELAY_ENV = "DEMO_TOKEN_DELAY"
DEFAULT_TOKEN_DELAY = 0.03
MAX_STREAM_TOKENS = 50_000
WEATHER_TOOL = "get_weather"

GREETING = (
    "I'm the demo agent, and I can look up the weather in any city. "
    'Try asking "What\'s the weather in SF?" and watch me call my weather tool. '
    "Everything I say is scripted, so no API key is needed."
)
ASK_CITY = 'Which city should I check? Try asking "What\'s the weather in Paris?"'
NOTHING_TO_SUMMARIZE = "There is nothing to summarize yet."
#: A system message starting with this gives the model notes to answer from (graph `research`).
NOTES_PREFIX = "Notes:"

_PIECE = re.compile(r"\s*\S+\s*")
_REPEAT_PREFIX = "repeat:"
_STREAM_TOKENS = re.compile(r"\bstream\s+(\d+)\s+tokens?\b", re.IGNORECASE)
_MARKDOWN_TOKENS = re.compile(r"\b(slow\s+)?markdown\s+(\d+)\s+tokens?\b", re.IGNORECASE)
_WEATHER = re.compile(r"\bweather\b", re.IGNORECASE)
_CITY_NAME = r"(?P<city>[a-z][a-z .'-]*?)"
_CITY = re.compile(
    rf".*\b(?:in|for|at)\s+{_CITY_NAME}(?:\s+(?:today|tonight|right now|now))?\s*[?.!]*$",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    rf"(?:and|what about|how about)\s+(?:in\s+|for\s+)?{_CITY_NAME}\s*[?.!]*",
    re.IGNORECASE,
)
_TIPS = (
    ("fog", "Bring a light jacket if you're heading out."),
    ("rain", "Don't forget an umbrella!"),
    ("sunny", "A great day for a walk."),
    ("clear", "A great day for a walk."),
)
_DEFAULT_TIP = "Ask me about another city any time."
#: How HumanInTheLoopMiddleware reports a call a reviewer edited, around the tool's result.
_EDITED_CALL = re.compile(
    r"with arguments (?P<args>\{.*?\})\.\s+Tool response:\s*(?P<report>.*)", re.DOTALL
)


def split_words(text: str) -> list[str]:
    """Word-sized pieces, each with the whitespace after it; joined they give back `text`."""
    return _PIECE.findall(text) or [text]


@dataclass(frozen=True)
class Reply:
    """What the model answers: text, an optional tool call, and whether to pace its chunks."""

    text: str
    tool_call: ToolCall | None = None
    paced: bool = True

    def chunks(self) -> Iterator[AIMessageChunk]:
        """Stream chunks: the text in word pieces, then the tool call (name, then args pieces)."""
        if self.text or not self.tool_call:
            for piece in split_words(self.text):
                yield AIMessageChunk(content=piece)
        if self.tool_call:
            call = self.tool_call
            yield AIMessageChunk(
                content="",
                tool_call_chunks=[
                    tool_call_chunk(name=call["name"], args="", id=call["id"], index=0)
                ],
            )
            for piece in split_words(json.dumps(call["args"])):
                yield AIMessageChunk(
                    content="", tool_call_chunks=[tool_call_chunk(args=piece, index=0)]
                )


def markdown_document(tokens: int) -> str:
    """A markdown answer of exactly ``tokens`` word pieces (at least 20): sections with
    headings, emphasis, lists, a code block and a table, ending in "End of document."."""
    ending = "\n\nEnd of document."
    budget = tokens - len(split_words(ending))
    blocks: list[str] = []
    used, section = 0, 0
    while True:
        section += 1
        block = _markdown_section(section)
        size = len(split_words(block))
        if used + size > budget - 3:
            break
        blocks.append(block)
        used += size
    filler = " ".join(f"word{i}" for i in range(1, budget - used + 1))
    return "".join(blocks) + filler + ending


def _markdown_section(n: int) -> str:
    return (
        f"## Section {n}\n\n"
        f"Some **bold words** and *emphasis* with `inline_code({n})` and a "
        f"[link](https://example.com/{n}).\n\n"
        f"- first point of section {n}\n- second point\n  - a nested point\n"
        f"1. step one\n2. step two\n\n"
        f"> A quote in section {n}.\n\n"
        f"```python\ndef section_{n}():\n    return {n} * 2\n```\n\n"
        f"| name | value |\n|---|---:|\n| alpha | {n} |\n| beta | {n * 2} |\n\n"
    )


def _input_tokens(messages: Sequence[BaseMessage]) -> int:
    """The prompt's size as the demo counts tokens: word pieces."""
    return sum(len(split_words(_text(m))) for m in messages if _text(m))


def plan_reply(messages: Sequence[BaseMessage], tool_names: Collection[str] = ()) -> Reply:
    """Decide the model's answer to a conversation, given the names of the bound tools."""
    first, last = (messages[0], messages[-1]) if messages else (None, None)
    if isinstance(first, SystemMessage) and _text(first).lower().startswith("summarize"):
        return _summary(messages)
    if isinstance(first, SystemMessage) and _text(first).startswith(NOTES_PREFIX):
        return _from_notes(_text(first))
    if isinstance(last, ToolMessage) and last.status == "error":
        return Reply(f"Sorry, I could not get that: {_text(last)}")
    if isinstance(last, ToolMessage) and last.name == WEATHER_TOOL:
        return _weather_report(messages, last)
    if isinstance(last, HumanMessage):
        return _answer(_text(last), messages, WEATHER_TOOL in tool_names)
    return Reply(GREETING)


def token_delay() -> float:
    """Seconds between streamed chunks of an ordinary answer (`DEMO_TOKEN_DELAY`)."""
    return float(os.environ.get(TOKEN_DELAY_ENV, DEFAULT_TOKEN_DELAY))


def _text(message: BaseMessage) -> str:
    return str(message.text)


def _answer(text: str, history: Sequence[BaseMessage], can_check_weather: bool) -> Reply:
    stripped = text.lstrip()
    if stripped[: len(_REPEAT_PREFIX)].lower() == _REPEAT_PREFIX:
        rest = stripped[len(_REPEAT_PREFIX) :]
        return Reply(rest.removeprefix(" "))
    if match := _STREAM_TOKENS.search(text):
        count = min(int(match[1]), MAX_STREAM_TOKENS)
        return Reply(" ".join(f"word{i}" for i in range(1, count + 1)), paced=False)
    if match := _MARKDOWN_TOKENS.search(text):
        document = markdown_document(min(int(match[2]), MAX_STREAM_TOKENS))
        return Reply(document, paced=bool(match[1]))
    city = _weather_city(text.strip(), history)
    if city is None or not can_check_weather:
        return Reply(GREETING)
    if not city:
        return Reply(ASK_CITY)
    call = tool_call(name=WEATHER_TOOL, args={"city": city}, id=f"call_{uuid.uuid4().hex[:24]}")
    return Reply(f"Let me check the weather in {city}.", tool_call=call)


def _weather_city(text: str, history: Sequence[BaseMessage]) -> str | None:
    """The city asked about; "" when a weather question names none, None for other questions."""
    if _WEATHER.search(text):
        match = _CITY.match(text)
        return canonical_city(match["city"]) if match else ""
    asked_before = any(isinstance(m, ToolMessage) and m.name == WEATHER_TOOL for m in history)
    match = _FOLLOW_UP.fullmatch(text)
    return canonical_city(match["city"]) if match and asked_before else None


def _weather_report(history: Sequence[BaseMessage], result: ToolMessage) -> Reply:
    calls = (c for m in history if isinstance(m, AIMessage) for c in m.tool_calls)
    city = next(
        (c["args"].get("city") for c in calls if c["id"] == result.tool_call_id),
        "that city",
    )
    report = _text(result)
    if edited := _EDITED_CALL.search(report):  # a person changed the call before it ran
        city = json.loads(edited["args"]).get("city", city)
        report = edited["report"]
    tip = next((tip for word, tip in _TIPS if word in report), _DEFAULT_TIP)
    return Reply(f"It's {report} in {city}. {tip}")


def _summary(history: Sequence[BaseMessage]) -> Reply:
    answers = [_text(m).strip() for m in history if isinstance(m, AIMessage) and not m.tool_calls]
    latest = next((answer for answer in reversed(answers) if answer), None)
    if latest is None:
        return Reply(NOTHING_TO_SUMMARIZE)
    first_sentence = re.split(r"(?<=[.!?])\s", latest, maxsplit=1)[0]
    return Reply(f"Summary: {first_sentence}")


def _from_notes(notes: str) -> Reply:
    lines = [line.strip("- ").strip() for line in notes.splitlines()[1:] if line.strip()]
    if not lines:
        return Reply("My notes say nothing about that.")
    return Reply("From my notes: " + " ".join(lines))


def _bound_tool_names(kwargs: dict[str, Any]) -> set[str]:
    return {t["function"]["name"] for t in kwargs.get("tools", ())}


class DemoChatModel(BaseChatModel):
    """Scripted chat model (see `plan_reply`), streaming word-sized chunks.

    Ordinary answers wait `DEMO_TOKEN_DELAY` seconds (default 0.03) before each chunk;
    the "stream N tokens" benchmark answer streams with no delay.
    """

    @property
    def _llm_type(self) -> str:
        return "demo-chat"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools as OpenAI-style schemas; the model calls `get_weather` when it is bound."""
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def reply_chunks(self, reply: Reply) -> Iterator[AIMessageChunk]:
        """The chunks this model streams for ``reply`` (a subclass may add to them)."""
        return reply.chunks()

    def with_usage(
        self, chunks: Iterator[AIMessageChunk], input_tokens: int
    ) -> Iterator[AIMessageChunk]:
        """``chunks`` with their ``usage_metadata`` as OpenAI's models stream it
        (``stream_usage``): all of it on the last chunk, ``input_tokens`` in and one token per
        chunk out."""
        pieces = list(chunks)
        usage = {
            "input_tokens": input_tokens,
            "output_tokens": len(pieces),
            "total_tokens": input_tokens + len(pieces),
        }
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            yield piece.model_copy(update={"usage_metadata": usage}) if last else piece

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = plan_reply(messages, _bound_tool_names(kwargs))
        chunks = self.with_usage(self.reply_chunks(reply), _input_tokens(messages))
        return generate_from_stream(ChatGenerationChunk(message=chunk) for chunk in chunks)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = plan_reply(messages, _bound_tool_names(kwargs))
        delay = token_delay() if reply.paced else 0.0
        for chunk in self.with_usage(self.reply_chunks(reply), _input_tokens(messages)):
            if delay:
                time.sleep(delay)
            yield ChatGenerationChunk(message=chunk)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        reply = plan_reply(messages, _bound_tool_names(kwargs))
        delay = token_delay() if reply.paced else 0.0
        for chunk in self.with_usage(self.reply_chunks(reply), _input_tokens(messages)):
            await asyncio.sleep(delay)  # even 0 lets the event loop send what is queued
            yield ChatGenerationChunk(message=chunk)
