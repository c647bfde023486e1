"""Reflex state, one class per concern: the thread list (threads.py), the conversation and its
runs (conversation.py), the run tree panel (tree_panel.py), who is there (access.py)."""

from .access import AccessState
from .conversation import ConversationState
from .threads import ThreadsState
from .tree_panel import TreePanelState

__all__ = ["AccessState", "ConversationState", "ThreadsState", "TreePanelState"]
