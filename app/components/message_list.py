"""The conversation: user messages, assistant bubbles (one per model call) and tool cards."""

import reflex as rx

from app import testids
from app.components.interrupt_cards import interrupt_cards
from app.state import ConversationState, TreePanelState
from app.transcript import ChatMessage


def _selected(run_id: rx.Var[str]) -> rx.Var[bool]:
    return (run_id != "") & (run_id == TreePanelState.selected_run_id)


def _bubble(
    role: rx.Var[str] | str, run_id: rx.Var[str], body: rx.Component, **props
) -> rx.Component:
    """A plain element styled by class (app.css): a fan-out's hundreds of bubbles re-render
    whenever the conversation changes, and a themed component costs several times more."""
    return rx.el.div(
        body,
        data_testid=testids.MESSAGE,
        data_role=role,
        data_run_id=run_id,
        data_selected=_selected(run_id).to_string(),
        on_click=TreePanelState.select_run(run_id),
        **props,
    )


def _markdown(
    run_id: rx.Var[str], status: rx.Var[str], part: str, text: rx.Var[str]
) -> rx.Component:
    """One part of a model's bubble ("answer" or "thinking"), rendered as markdown in the page
    by assets/live_text.js and assets/markdown.js: streamed text while its run goes on,
    ``text`` once saved. The same element from the first token to the last; model output never
    runs as HTML."""
    return rx.el.div(
        class_name="answer markdown" if part == "answer" else "thinking-text markdown",
        data_md="",
        data_md_run_id=run_id,
        data_md_part=part,
        data_md_source=text,
        data_md_done=(status != "running").to_string(),
    )


def user_message(message: rx.Var[ChatMessage]) -> rx.Component:
    return _bubble(
        message.role, message.run_id, rx.el.p(message.content), class_name="message user"
    )


def _thinking(body: rx.Component, **props) -> rx.Component:
    """The model's thinking, above its answer, folded unless it is streaming."""
    return rx.el.details(
        rx.el.summary(rx.icon("brain", size=13), "Thinking", class_name="thinking-summary"),
        body,
        class_name="thinking",
        data_testid=testids.THINKING,
        **props,
    )


@rx.memo
def assistant_bubble(
    run_id: rx.Var[str],
    status: rx.Var[str],
    content: rx.Var[str],
    thinking: rx.Var[str],
    group: rx.Var[str],
) -> rx.Component:
    """A model's bubble, drawn again only when its own fields change: the conversation is
    sent whole, and in a fan-out hundreds of bubbles come back unchanged each time."""
    return _bubble(
        "assistant",
        run_id,
        rx.fragment(
            rx.cond(
                thinking != "",
                _thinking(
                    _markdown(run_id, status, "thinking", thinking), open=status == "running"
                ),
            ),
            _markdown(run_id, status, "answer", content),
        ),
        class_name="message assistant",
        data_group=group,
        data_status=status,
    )


def assistant_message(message: rx.Var[ChatMessage]) -> rx.Component:
    return assistant_bubble(
        run_id=message.run_id,
        status=message.status,
        content=message.content,
        thinking=message.thinking,
        group=message.group,
    )


def tool_card(message: rx.Var[ChatMessage]) -> rx.Component:
    return _bubble(
        message.role,
        message.run_id,
        rx.el.details(
            rx.el.summary(
                rx.hstack(
                    rx.icon("wrench", size=14),
                    rx.text(message.tool_name, weight="bold", size="2", class_name="tool-name"),
                    rx.code(message.tool_args, size="1", class_name="tool-args"),
                    rx.badge(
                        rx.cond(message.status == "pending", "not run yet", message.status),
                        size="1",
                        variant="soft",
                        color_scheme=rx.match(
                            message.status, ("error", "red"), ("pending", "amber"), "gray"
                        ),
                        class_name="tool-status",
                    ),
                    align="center",
                    spacing="2",
                    class_name="tool-head",
                ),
            ),
            rx.vstack(
                rx.text("Arguments", size="1", weight="bold"),
                rx.el.pre(message.tool_args, class_name="payload"),
                rx.text("Result", size="1", weight="bold"),
                rx.el.pre(message.tool_output, class_name="payload"),
                spacing="1",
                padding_top="6px",
            ),
        ),
        class_name="message tool",
        data_group=message.group,
    )


def branches_row(message: rx.Var[ChatMessage]) -> rx.Component:
    """A large fan-out's parallel branches as one row (``branch  40 in parallel · 2 running ·
    38 done``); a click opens it: their bubbles and cards follow it."""
    opened = ConversationState.open_branches.contains(message.group)
    return rx.el.button(
        rx.cond(opened, rx.icon("chevron-down", size=14), rx.icon("chevron-right", size=14)),
        rx.icon("git-fork", size=14),
        rx.el.strong(message.tool_name),
        rx.el.span(message.content),
        type="button",
        class_name="message branches",
        data_testid=testids.BRANCHES,
        data_fan_out=message.group,
        data_status=message.status,
        # a run inside it is selected (in the tree, or one of its bubbles when open)
        data_selected=(message.group == TreePanelState.selected_fan_out).to_string(),
        aria_expanded=opened.to_string(),
        on_click=ConversationState.toggle_branches(message.group, message.run_id),
    )


def chat_message(message: rx.Var[ChatMessage]) -> rx.Component:
    return rx.match(
        message.role,
        ("user", user_message(message)),
        ("tool", tool_card(message)),
        ("branches", branches_row(message)),
        assistant_message(message),
    )


def awaiting_answer() -> rx.Component:
    """Where the answer will be, from the question until the run shows something in the chat
    (a real model can take seconds): three dots that fade for a while, then rest."""
    return rx.cond(
        ConversationState.awaits_answer,
        rx.el.div(
            rx.el.span(),
            rx.el.span(),
            rx.el.span(),
            class_name="awaiting-answer",
            role="status",
            aria_label="The agent is working on an answer",
            title="The agent is working on an answer",
            data_testid=testids.AWAITING_ANSWER,
        ),
    )


def empty_hint() -> rx.Component:
    return rx.cond(
        ConversationState.messages.length() == 0,
        rx.center(
            rx.text(
                "Ask the agent something. Its answer streams here; every chain, model and "
                "tool run appears in the run tree on the right.",
                color=rx.color("gray", 10),
                size="2",
                max_width="420px",
                text_align="center",
            ),
            flex="1",
        ),
    )


def message_list() -> rx.Component:
    # column-reverse keeps the view pinned to the newest message without measuring layout.
    return rx.box(
        rx.vstack(
            empty_hint(),
            rx.foreach(ConversationState.messages, chat_message),
            awaiting_answer(),
            rx.cond(
                ConversationState.progress != "",
                rx.text(
                    ConversationState.progress,
                    size="1",
                    class_name="progress-line",
                    data_testid=testids.PROGRESS,
                ),
            ),
            interrupt_cards(),
            spacing="3",
            padding="16px",
            width="100%",
        ),
        class_name="message-scroller",
    )
