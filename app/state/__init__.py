"""Reflex state, one class per concern: the thread list (threads.py), the conversation and its
runs (conversation.py) with moving between threads and graphs (navigation.py) and its
interrupts' answers (answers.py), the run tree panel (tree_panel.py), who is there
(access.py), replaying and importing archived runs (replay.py)."""

from .access import AccessState
from .answers import AnswersState
from .conversation import ConversationState
from .navigation import NavigationState
from .replay import ReplayState
from .threads import ThreadsState
from .tree_panel import TreePanelState

__all__ = [
    "AccessState",
    "AnswersState",
    "ConversationState",
    "NavigationState",
    "ReplayState",
    "ThreadsState",
    "TreePanelState",
]
