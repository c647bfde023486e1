"""Reflex configuration. Network hygiene lives in the Makefile's environment too."""

import functools
import inspect
import json
from pathlib import Path

import reflex as rx
from granian.server.common import AbstractServer
from reflex.plugins.sitemap import SitemapPlugin
from reflex.utils import frontend_skeleton

#: The run archive's database by default: a SQLite file in the project (REFLEX_DB_URL overrides).
DEFAULT_DB_URL = f"sqlite:///{Path(__file__).resolve().parent / 'runs.db'}"

config = rx.Config(
    app_name="app",
    db_url=DEFAULT_DB_URL,
    backend_host="127.0.0.1",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="violet", radius="medium"))],
)

# With several workers (REFLEX_REDIS_URL), Reflex 0.10 serves them with Granian, which stops
# the whole server when one worker dies and has no setting for it in Reflex. Respawn the
# worker instead: its sessions reconnect to a live worker and their runs are rejoined.
AbstractServer.__init__ = functools.partialmethod(
    AbstractServer.__init__, respawn_failed_workers=True
)


# reflex.lock/ pins the frontend's versions: Reflex copies it into the build folder and installs
# with --frozen-lockfile. But on every start Reflex 0.10 also copies the build folder's
# package.json and bun.lock back into reflex.lock/, and the build's package.json is whatever
# wrote it last: Reflex renders it as one line of JSON, bun pretty-prints it when `bun add`
# changes something. A start would rewrite the committed file with the same pins in another
# layout. Copy back only what really changed (other bytes for a lockfile, other JSON for
# package.json, as Reflex itself compares them): a new pin still lands in reflex.lock/.
# (Reflex re-imports this file on reload: wrap the original, not an earlier wrapper.)
_copy_lockfile_to_root = inspect.unwrap(frontend_skeleton.sync_web_lockfile_to_root)


def _same_lockfile(built: Path, kept: Path) -> bool:
    if not (built.exists() and kept.exists()):
        return False
    if built.read_bytes() == kept.read_bytes():
        return True
    if built.suffix != ".json":
        return False
    try:
        return json.loads(built.read_text()) == json.loads(kept.read_text())
    except ValueError:
        return False


@functools.wraps(_copy_lockfile_to_root)
def _copy_changed_lockfile_to_root(filename: str) -> None:
    built = frontend_skeleton.get_web_lockfile_path(filename)
    if not _same_lockfile(built, frontend_skeleton.get_root_lockfile_path(filename)):
        _copy_lockfile_to_root(filename)


frontend_skeleton.sync_web_lockfile_to_root = _copy_changed_lockfile_to_root
