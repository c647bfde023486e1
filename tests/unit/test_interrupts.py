"""Pending interrupts as cards, and the resume values their answers make."""

import pytest

from app.interrupts import (
    AnswerError,
    actions_answer,
    answer_summary,
    card_for,
    decision,
    interrupt_cards,
    resume_summary,
    resume_value,
    text_answer,
)

HITL_VALUE = {
    "action_requests": [
        {"name": "get_weather", "args": {"city": "San Francisco"}, "description": "Approve?"}
    ],
    "review_configs": [
        {"action_name": "get_weather", "allowed_decisions": ["approve", "edit", "reject"]}
    ],
}


def test_a_thread_state_lists_its_interrupts_as_cards_of_each_kind():
    state = {
        "interrupts": [
            {"id": "i1", "value": {"question": "Which city?"}},
            {"id": "i2", "value": HITL_VALUE},
            {"id": "i3", "value": {"budget": 3}},
            {"id": "i4", "value": "Plain question?"},
        ]
    }
    cards = interrupt_cards(state)

    assert [(c.interrupt_id, c.kind, c.text) for c in cards] == [
        ("i1", "question", "Which city?"),
        ("i2", "actions", ""),
        ("i3", "value", '{\n  "budget": 3\n}'),
        ("i4", "question", "Plain question?"),
    ]
    [action] = cards[1].actions
    assert (action.name, action.allowed) == ("get_weather", ["approve", "edit", "reject"])
    assert '"city": "San Francisco"' in action.args


def test_interrupts_listed_only_under_tasks_are_found_too():
    state = {"tasks": [{"name": "ask", "interrupts": [{"id": "i1", "value": "Why?"}]}]}
    assert [c.text for c in interrupt_cards(state)] == ["Why?"]
    assert interrupt_cards({"interrupts": []}) == []


def test_decisions_make_the_middlewares_resume_value():
    card = card_for("i2", HITL_VALUE)
    [action] = card.actions

    assert actions_answer(card, [decision(action, "approve")]) == {
        "decisions": [{"type": "approve"}]
    }
    assert decision(action, "edit", '{"city": "Paris"}') == {
        "type": "edit",
        "edited_action": {"name": "get_weather", "args": {"city": "Paris"}},
    }
    assert decision(action, "reject", " too far ") == {"type": "reject", "message": "too far"}
    assert decision(action, "reject") == {"type": "reject"}


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("edit", '{"city": Paris', "not valid JSON"),
        ("edit", '["Paris"]', "must be a JSON object"),
        ("respond", "", "not allowed"),
    ],
)
def test_an_answer_that_cannot_be_sent_is_refused_with_a_reason(kind, text, message):
    [action] = card_for("i2", HITL_VALUE).actions
    with pytest.raises(AnswerError, match=message):
        decision(action, kind, text)


def test_a_per_call_approval_is_answered_with_one_bare_decision():
    card = card_for("i5", {"type": "tool_approval", "name": "send", "args": {"to": "x"}})

    assert card.per_call and card.actions[0].allowed == ["approve", "edit", "reject", "respond"]
    assert actions_answer(card, [{"type": "approve"}]) == {"type": "approve"}


def test_typed_answers_are_text_for_questions_and_json_when_they_parse_for_values():
    question, value = card_for("i1", "Which city?"), card_for("i3", {"budget": 3})

    assert text_answer(question, '{"a": 1}') == '{"a": 1}'
    assert text_answer(value, '{"a": 1}') == {"a": 1}
    assert text_answer(value, "five") == "five"


def test_one_answer_resumes_as_itself_and_several_by_interrupt_id():
    assert resume_value({"i1": "Paris"}) == "Paris"
    assert resume_value({"i1": "yes", "i2": "no"}) == {"i1": "yes", "i2": "no"}


def test_the_chat_shows_answers_readably():
    card = card_for("i2", HITL_VALUE)
    edit = {"decisions": [decision(card.actions[0], "edit", '{"city": "Paris"}')]}

    assert answer_summary(card, edit) == 'Edit get_weather {"city": "Paris"}'
    assert answer_summary(card_for("i1", "Which city?"), "Tokyo") == "Tokyo"


def test_a_resume_value_reads_back_as_the_answers_the_chat_showed():
    question, actions = card_for("i1", "Which city?"), card_for("i2", HITL_VALUE)
    approve = actions_answer(actions, [decision(actions.actions[0], "approve")])

    both = resume_value({"i1": "Tokyo", "i2": approve})
    assert resume_summary([question, actions], both) == "Tokyo\nApprove get_weather"
    assert resume_summary([actions], resume_value({"i2": approve})) == "Approve get_weather"
    assert resume_summary([question, actions], "not by id") == ""  # nothing to match
