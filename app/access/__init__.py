"""Who may use the app, and how much: origins, sign-in, identity, limits, security headers.

No Reflex import: the state and the app use these, and each is tested alone."""

from .errors import (
    AccessSettingsError,
    InvalidPersonName,
    InvalidSession,
    NotSignedIn,
    PasswordHashError,
    TooManyRuns,
)
from .gate import AccessGate
from .identity import ANONYMOUS, Person, identify, person_name
from .settings import AccessSettings, Mode, launch_environment, load_access_settings

__all__ = [
    "ANONYMOUS",
    "AccessGate",
    "AccessSettings",
    "AccessSettingsError",
    "InvalidPersonName",
    "InvalidSession",
    "Mode",
    "NotSignedIn",
    "PasswordHashError",
    "Person",
    "TooManyRuns",
    "identify",
    "launch_environment",
    "load_access_settings",
    "person_name",
]
