"""The LangGraph deployment this worker process talks to: its settings, read once, and one
HTTP client shared by every session and run of the process (connections are reused).

No Reflex import; ``app.app`` closes the client when the app shuts down (``lifespan``).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.access import Person, access_settings, person_headers
from app.lg_client import LangGraphClient
from app.settings import Settings, load_settings

_settings: Settings | None = None
_client: LangGraphClient | None = None
_stopping = False


def settings() -> Settings:
    """The deployment's settings from the environment; raises ``SettingsError`` when they
    cannot be used (the page says so; nothing is cached until they can)."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def client() -> LangGraphClient:
    """The process's client for the deployment, created on first use."""
    global _client
    if _client is None:
        config = settings()
        _client = LangGraphClient(config.api_url, api_key=config.api_key, headers=config.headers)
    return _client


def client_for(person: Person) -> LangGraphClient:
    """The shared client, naming ``person`` to the deployment on each request
    (``LANGGRAPH_USER_HEADER``), so that its own auth can check the same as the app."""
    return client().with_headers(person_headers(person, access_settings()))


def stopping() -> bool:
    """Whether this worker is shutting down (its client closed under the runs it followed)."""
    return _stopping


@asynccontextmanager
async def lifespan() -> AsyncIterator[None]:
    """Close the shared client (and its open streams) when the app stops. At start, what is
    loaded so far (Reflex, the app's modules: most of the heap) is left out of garbage
    collection: a full collection then walks only what runs create, and no longer pauses a
    burst of hundreds of runs for a walk through the whole heap."""
    global _client, _stopping
    gc.freeze()
    try:
        yield
    finally:
        _stopping = True
        if _client is not None:
            await _client.aclose()
            _client = None
