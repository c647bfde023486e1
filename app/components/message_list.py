"""The conversation: user messages, assistant bubbles (one per model call) and tool cards."""

import reflex as rx

from app import testids
from app.components.interrupt_cards import interrupt_cards
from app.state import ConversationState, TreePanelState
from app.transcript import ChatMessage


def _selected(run_id: rx.Var[str]) -> rx.Var[bool]:
    return (run_id != "") & (run_id == TreePanelState.selected_run_id)


def _bubble(message: rx.Var[ChatMessage], body: rx.Component, **props) -> rx.Component:
    return rx.box(
        body,
        data_testid=testids.MESSAGE,
        data_role=message.role,
        data_run_id=message.run_id,
        data_selected=_selected(message.run_id).to_string(),
        on_click=TreePanelState.select_run(message.run_id),
        **props,
    )


#: Longer answers show as plain text: parsing ~100 KB of markdown blocks the page for 100+ ms.
MARKDOWN_LIMIT = 40_000


def _markdown(text: rx.Var[str]) -> rx.Component:
    # use_raw=False: model output is text, never HTML that runs.
    return rx.cond(
        text.length() > MARKDOWN_LIMIT,
        rx.text(text, white_space="pre-wrap", class_name="answer"),
        rx.markdown(text, use_raw=False, class_name="answer"),
    )


def user_message(message: rx.Var[ChatMessage]) -> rx.Component:
    return _bubble(
        message,
        rx.text(message.content, white_space="pre-wrap"),
        align_self="flex-end",
        background=rx.color("accent", 3),
        class_name="message user",
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


def assistant_message(message: rx.Var[ChatMessage]) -> rx.Component:
    return _bubble(
        message,
        rx.fragment(
            rx.cond(
                message.thinking != "",
                _thinking(rx.text(message.thinking, class_name="thinking-text")),
            ),
            _markdown(message.content),
        ),
        class_name="message assistant",
    )


def tool_card(message: rx.Var[ChatMessage]) -> rx.Component:
    return _bubble(
        message,
        rx.el.details(
            rx.el.summary(
                rx.hstack(
                    rx.icon("wrench", size=14),
                    rx.text(message.tool_name, weight="bold", size="2"),
                    rx.code(message.tool_args, size="1", class_name="tool-args"),
                    rx.badge(
                        rx.cond(message.status == "pending", "not run yet", message.status),
                        size="1",
                        variant="soft",
                        color_scheme=rx.match(
                            message.status, ("error", "red"), ("pending", "amber"), "gray"
                        ),
                    ),
                    align="center",
                    spacing="2",
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
    )


def chat_message(message: rx.Var[ChatMessage]) -> rx.Component:
    return rx.match(
        message.role,
        ("user", user_message(message)),
        ("tool", tool_card(message)),
        assistant_message(message),
    )


def streaming_message() -> rx.Component:
    """The answer being streamed (and its thinking): plain text filled by assets/live_text.js,
    which receives only the new text on each flush. It becomes a markdown bubble when the model
    call ends."""
    return rx.cond(
        ConversationState.streaming_run_id != "",
        rx.box(
            rx.cond(
                ConversationState.streaming_thinking,
                _thinking(
                    rx.el.div(
                        class_name="live-text thinking-text",
                        data_live_run_id=ConversationState.streaming_run_id,
                        data_live_part="thinking",
                    ),
                    open=True,
                ),
            ),
            rx.el.div(
                class_name="live-text",
                data_live_run_id=ConversationState.streaming_run_id,
                data_live_part="answer",
            ),
            data_testid=testids.MESSAGE,
            data_role="assistant",
            data_run_id=ConversationState.streaming_run_id,
            data_streaming="true",
            data_selected=_selected(ConversationState.streaming_run_id).to_string(),
            on_click=TreePanelState.select_run(ConversationState.streaming_run_id),
            class_name="message assistant streaming",
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
            streaming_message(),
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
