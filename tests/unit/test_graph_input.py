"""The input form of a graph without chat messages."""

import pytest

from app.graph_input import InputError, InputField, form_fields, form_input

REVIEW_SCHEMA = {
    "type": "object",
    "properties": {
        "topic": {"type": "string", "title": "Topic"},
        "sections": {"type": "integer"},
        "draft": {"type": "boolean"},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["topic", "sections"],
}


def test_a_schema_without_messages_becomes_typed_fields():
    assert form_fields(REVIEW_SCHEMA) == [
        InputField("topic", "text", True),
        InputField("sections", "integer", True),
        InputField("draft", "boolean", False),
        InputField("notes", "json", False),
    ]


def test_a_chat_graph_gets_no_form():
    assert form_fields({"properties": {"messages": {"type": "array"}}}) == []
    assert form_fields(None) == []


def test_a_filled_form_makes_typed_input():
    fields = form_fields(REVIEW_SCHEMA)
    data = {"topic": " Trip ", "sections": "2", "draft": "on", "notes": '["a"]'}

    assert form_input(fields, data) == {
        "topic": "Trip",
        "sections": 2,
        "draft": True,
        "notes": ["a"],
    }
    assert form_input(fields, {"topic": "T", "sections": "1"}) == {
        "topic": "T",
        "sections": 1,
        "draft": False,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sections": "2"}, "'topic' is required."),
        ({"topic": "T", "sections": "two"}, "'sections' must be a whole number: 'two'"),
        ({"topic": "T", "sections": "1", "notes": "[oops"}, "'notes' must be JSON: '[oops'"),
    ],
)
def test_a_value_that_does_not_fit_its_field_is_refused_by_name(data, message):
    with pytest.raises(InputError) as caught:
        form_input(form_fields(REVIEW_SCHEMA), data)
    assert str(caught.value) == message
