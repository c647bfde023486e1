"""The system Chromium every browser test and the benchmark drive (nothing downloads a browser)."""

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Headless as root, and silent: no background requests to hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
