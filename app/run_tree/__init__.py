"""A pure model of one LangGraph run's tree, built from `events` stream frames, and the rows the
run inspector renders from it. No Reflex or HTTP imports."""

from app.run_tree.model import (
    INTERRUPTED_NOTE,
    UNFINISHED_NOTE,
    RunNode,
    RunTree,
    content_text,
    parse_event_name,
    thinking_text,
)
from app.run_tree.view import (
    DetailRow,
    TreeRow,
    build_rows,
    duration_label,
    flatten_rows,
    format_duration,
    format_payload,
    is_plumbing,
    node_details,
    node_rows,
)

__all__ = [
    "INTERRUPTED_NOTE",
    "UNFINISHED_NOTE",
    "DetailRow",
    "RunNode",
    "RunTree",
    "TreeRow",
    "build_rows",
    "content_text",
    "duration_label",
    "flatten_rows",
    "format_duration",
    "format_payload",
    "is_plumbing",
    "node_details",
    "node_rows",
    "parse_event_name",
    "thinking_text",
]
