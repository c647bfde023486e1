"""Reflex state, one class per concern: the thread list (threads.py), the conversation and its
runs (conversation.py) with its interrupts' answers (answers.py), the run tree panel
(tree_panel.py), replaying and importing archived runs (replay.py)."""

from .answers import AnswersState
from .conversation import ConversationState
from .replay import ReplayState
from .threads import ThreadsState
from .tree_panel import TreePanelState

__all__ = ["AnswersState", "ConversationState", "ReplayState", "ThreadsState", "TreePanelState"]
