"""Reflex state, one class per concern: the thread list (threads.py), the conversation and its
runs (conversation.py) with its interrupts' answers (answers.py), the run tree panel
(tree_panel.py)."""

from .answers import AnswersState
from .conversation import ConversationState
from .threads import ThreadsState
from .tree_panel import TreePanelState

__all__ = ["AnswersState", "ConversationState", "ThreadsState", "TreePanelState"]
