"""The machine's processes as Linux's ``/proc`` lists them: who started whom, and their CPU."""

from __future__ import annotations

from pathlib import Path

#: pid -> (parent pid, CPU ticks used)
ProcessTable = dict[int, tuple[int, int]]


def process_table() -> ProcessTable:
    """Every process still running."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            table[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        except (OSError, IndexError, ValueError):
            continue
    return table


def children(table: ProcessTable) -> dict[int, list[int]]:
    """Each parent pid -> the pids it started."""
    found: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        found.setdefault(parent, []).append(pid)
    return found


def descendants(table: ProcessTable, root_pid: int) -> list[int]:
    """``root_pid`` and the processes under it that still run."""
    below = children(table)
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        if pid in table:
            found.append(pid)
        todo += below.get(pid, [])
    return found


def command_line(pid: int) -> bytes:
    """The process's command line, NUL-separated (empty once it has ended)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
