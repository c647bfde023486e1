"""Each person's threads: the owner in a thread's metadata, and the person named to the
deployment so that its own auth can check the same (no Reflex, no HTTP)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .identity import Person
from .settings import AccessSettings

#: The thread metadata key that names the person who created the thread.
OWNER_KEY = "owner"


def owner_metadata(person: Person) -> dict[str, str]:
    """Metadata for a thread ``person`` creates, and the filter for listing their threads;
    empty for anonymous people (local or open access: every thread is everyone's)."""
    return {} if person.is_anonymous else {OWNER_KEY: person.name}


def may_open(thread: Mapping[str, Any], person: Person) -> bool:
    """Whether ``person`` may see ``thread`` (a thread of the server's API)."""
    if person.is_anonymous:
        return True
    metadata = thread.get("metadata") or {}
    return metadata.get(OWNER_KEY) == person.name


def person_headers(person: Person, settings: AccessSettings) -> dict[str, str]:
    """The header naming ``person`` to the deployment (``LANGGRAPH_USER_HEADER``), if any."""
    if person.is_anonymous or not settings.user_header:
        return {}
    return {settings.user_header: person.name}
