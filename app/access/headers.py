"""Security headers on every response, and the page's Content-Security-Policy.

What the policy must allow, and why (Reflex 0.10's built page):

- ``script-src 'self'`` plus the hashes of the page's own inline scripts (the theme script and
  React Router's hydration data in each built HTML file, hashed as served), and
  ``'unsafe-eval'``: Reflex runs ``rx.call_script`` code (the live answer's text) with
  ``eval``. No ``'unsafe-inline'``: an injected ``<script>`` or ``onerror=`` does not run.
- ``style-src 'self' 'unsafe-inline'``: Emotion writes the components' CSS into ``<style>``
  elements at run time, and Radix sets ``style`` attributes.
- ``connect-src``: the app's own websocket (``ws:``/``wss:`` of its own origins).
- ``img-src``/``font-src`` ``'self' data:``: icons and fonts inlined by the build.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from collections.abc import Iterable

from .origins import websocket_origins

INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)
STATIC_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # thread ids live in URLs
    (b"x-frame-options", b"SAMEORIGIN"),  # for browsers without frame-ancestors
]


def content_security_policy(own_origins: Iterable[str], script_hashes: Iterable[str] = ()) -> str:
    """The policy for a page whose inline scripts have ``script_hashes`` (``sha256-...``)."""
    scripts = " ".join(f"'{digest}'" for digest in script_hashes)
    sockets = " ".join(websocket_origins(own_origins))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-eval' {scripts}".rstrip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src 'self' {sockets}".rstrip(),
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def inline_script_hashes(html: bytes) -> list[str]:
    """``sha256-...`` of each inline ``<script>`` of an HTML document, in order."""
    return [_sha256(body) for body in INLINE_SCRIPT.findall(html)]


def style_hash(css: str) -> str:
    """``sha256-...`` of an inline ``<style>``'s text."""
    return _sha256(css.encode())


def html_body(body: bytes, content_encoding: str) -> bytes:
    """The HTML of a response body, unpacking the gzip the static files are served with."""
    return gzip.decompress(body) if content_encoding == "gzip" else body


def _sha256(data: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()
