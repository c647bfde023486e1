"""Reflex state: one class per concern."""

from .chat import ChatState

__all__ = ["ChatState"]
