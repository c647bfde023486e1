"""Who may use the app, and how much: origins, sign-in, identity, ownership, run limits and
security headers.

No Reflex import: the gate wraps the app's ASGI app, the states call the rest, and each module
is tested alone."""

from .errors import (
    AccessSettingsError,
    InvalidPersonName,
    InvalidSession,
    NotSignedIn,
    NotYourThread,
    PasswordHashError,
    TooManyRuns,
)
from .gate import AccessGate
from .identity import ANONYMOUS, Person, identify, person_name
from .limits import RunSlot, acquire_run_slot, keep_alive, release
from .ownership import OWNER_KEY, may_open, owner_metadata, person_headers
from .settings import (
    AccessSettings,
    Mode,
    access_settings,
    launch_environment,
    load_access_settings,
)
from .store import SharedStore, shared_store

__all__ = [
    "ANONYMOUS",
    "OWNER_KEY",
    "AccessGate",
    "AccessSettings",
    "AccessSettingsError",
    "InvalidPersonName",
    "InvalidSession",
    "Mode",
    "NotSignedIn",
    "NotYourThread",
    "PasswordHashError",
    "Person",
    "RunSlot",
    "SharedStore",
    "TooManyRuns",
    "access_settings",
    "acquire_run_slot",
    "identify",
    "keep_alive",
    "launch_environment",
    "load_access_settings",
    "may_open",
    "owner_metadata",
    "person_headers",
    "person_name",
    "release",
    "shared_store",
]
