"""How many runs may go at once: per person (all their tabs) and per tab.

A run holds a slot in its person's group and its tab's group while it is followed. Slots
lapse unless kept alive, so a worker that dies mid-run frees them by itself.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from .errors import TooManyRuns
from .identity import Person
from .settings import AccessSettings
from .store import SharedStore

#: A slot nobody kept alive for this long is free again.
SLOT_SECONDS = 30.0
#: How often a followed run keeps its slot alive.
KEEP_ALIVE_SECONDS = 10.0


@dataclass
class RunSlot:
    """One run's place in its groups; ``slot_id`` survives in the tab's state for a rejoin."""

    slot_id: str
    groups: list[str]
    kept_at: float = field(default=0.0, compare=False)


def groups_for(person: Person, tab: str) -> dict[str, str]:
    """The groups a run of ``person`` in ``tab`` counts in (scope -> group name). Anonymous
    people are not told apart, so only their tab counts."""
    groups = {"tab": f"tab:{tab}"}
    if not person.is_anonymous:
        groups["person"] = f"person:{person.name}"
    return groups


async def acquire_run_slot(
    store: SharedStore, settings: AccessSettings, person: Person, tab: str, now: float
) -> RunSlot:
    """Hold a slot for a new run; raises TooManyRuns naming the full scope."""
    groups = groups_for(person, tab)
    limits = {"person": settings.max_runs_per_person, "tab": settings.max_runs_per_tab}
    slot = RunSlot(uuid.uuid4().hex, list(groups.values()), now)
    full = await store.acquire(
        slot.slot_id,
        {group: limits[scope] for scope, group in groups.items()},
        now + SLOT_SECONDS,
        now,
    )
    if full is not None:
        scope = next(scope for scope, group in groups.items() if group == full)
        raise TooManyRuns(scope, limits[scope])
    return slot


async def keep_alive(store: SharedStore, slot: RunSlot, now: float) -> None:
    """Keep ``slot`` held; cheap to call often (it writes every KEEP_ALIVE_SECONDS)."""
    if now - slot.kept_at >= KEEP_ALIVE_SECONDS:
        slot.kept_at = now
        await store.refresh(slot.slot_id, slot.groups, now + SLOT_SECONDS)


async def release(store: SharedStore, slot: RunSlot) -> None:
    await store.release(slot.slot_id, slot.groups)
