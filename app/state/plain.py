"""Reading a state's containers without Reflex's change-tracking proxy.

Reflex wraps every list, dict or dataclass read from a state in a proxy that notices changes;
each item read through it is wrapped again. Comparing or diffing hundreds of rows that way
costs hundreds of milliseconds per update. The states here never change such a value in
place (they assign a new one, which Reflex notices), so reading the plain object is safe.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def plain(value: T) -> T:
    """``value`` itself, not the proxy around it."""
    return getattr(value, "__wrapped__", value)
