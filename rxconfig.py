"""Reflex configuration. Network hygiene lives in the Makefile's environment too."""

import functools

import reflex as rx
from granian.server.common import AbstractServer
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="app",
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
