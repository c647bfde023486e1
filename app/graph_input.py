"""Graphs without chat messages: a small form from the graph's input schema, and the input a
filled form makes (no Reflex import)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

FieldKind = Literal["text", "integer", "number", "boolean", "json"]
#: The input key that makes a graph a chat graph (LangGraph's `MessagesState`).
MESSAGES_KEY = "messages"


class InputError(ValueError):
    """A form value that does not fit its field (a word where a number goes, bad JSON)."""


@dataclass
class InputField:
    """One field of a graph's input form."""

    name: str
    kind: FieldKind
    required: bool
    description: str = ""


def form_fields(input_schema: Any) -> list[InputField]:
    """The fields of a graph's input form; none for a chat graph (one with ``messages``) or
    a schema without properties."""
    properties = input_schema.get("properties") if isinstance(input_schema, dict) else None
    if not isinstance(properties, dict) or MESSAGES_KEY in properties:
        return []
    required = set(input_schema.get("required") or [])
    return [
        InputField(
            name,
            _kind(spec),
            name in required,
            str(spec.get("description") or "") if isinstance(spec, dict) else "",
        )
        for name, spec in properties.items()
    ]


def _kind(spec: Any) -> FieldKind:
    kind = spec.get("type") if isinstance(spec, dict) else None
    return (
        kind if kind in ("integer", "number", "boolean") else "text" if kind == "string" else "json"
    )


def form_input(fields: list[InputField], form_data: dict[str, Any]) -> dict[str, Any]:
    """The graph input a submitted form makes; ``InputError`` says which field is wrong."""
    values: dict[str, Any] = {}
    for field in fields:
        raw = form_data.get(field.name)
        if field.kind == "boolean":
            values[field.name] = raw in (True, "on", "true")
            continue
        text = str(raw or "").strip()
        if not text:
            if field.required:
                raise InputError(f"'{field.name}' is required.")
            continue
        values[field.name] = _parse(field, text)
    return values


def _parse(field: InputField, text: str) -> Any:
    try:
        if field.kind == "integer":
            return int(text)
        if field.kind == "number":
            return float(text)
        if field.kind == "json":
            return json.loads(text)
    except ValueError as exc:
        raise InputError(f"'{field.name}' must be {_expected(field.kind)}: {text!r}") from exc
    return text


def _expected(kind: FieldKind) -> str:
    return {"integer": "a whole number", "number": "a number"}.get(kind, "JSON")
