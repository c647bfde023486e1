"""The app's log as the tests read it (the app writes JSON lines; other output is skipped)."""

from __future__ import annotations

import json
from pathlib import Path


def json_lines(path: Path) -> list[dict]:
    """The JSON log lines in ``path``, in order."""
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines
