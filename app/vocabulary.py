"""The app's words for statuses, kinds and roles: each defined once, imported everywhere.

The LangGraph server's own words (a run's ``pending`` / ``success`` / ...) live in
``app.lg_client.schema``; these are the inspector's. No imports beyond typing.
"""

from typing import Literal

#: A run tree node (one chain, model, tool, ... run) as the panel shows it. ``interrupted``: the
#: graph stopped there to wait for a person; ``unfinished``: the stream ended without its end
#: frame and without an error (nothing says it failed).
NodeStatus = Literal["running", "done", "error", "cancelled", "interrupted", "unfinished"]
#: How a whole run ended, as far as the app can tell.
FinishStatus = Literal["done", "error", "cancelled", "interrupted"]
#: The conversation's state in the page (the `run-status` badge); `replaying` while an
#: archived run plays again.
ChatStatus = Literal["idle", "running", "replaying", "done", "error", "cancelled", "interrupted"]
#: A chat card's status: a node's, or ``pending`` for a tool call whose tool has not started.
CardStatus = Literal[
    "running", "done", "error", "cancelled", "interrupted", "unfinished", "pending"
]
#: Who a chat row speaks for (``branches``: a fan-out's parallel branches, folded).
MessageRole = Literal["user", "assistant", "tool", "branches"]

#: Node kinds are the `<kind>` of the server's `on_<kind>_<phase>` event names, kept as
#: written (unknown kinds too). These are the ones the app treats specially.
MODEL_KINDS = ("chat_model", "llm")
TOOL_KIND = "tool"
RETRIEVER_KIND = "retriever"
CHAIN_KIND = "chain"
PROMPT_KIND = "prompt"
#: A leaf the app adds under the run that sent an `on_custom_event` (not a run of its own).
CUSTOM_EVENT_KIND = "custom_event"
OTHER_KIND = "other"
