"""The access package's errors.

SettingsError (app.settings)
└── AccessSettingsError      an access setting cannot be used; the app refuses to start
PasswordHashError            a stored password hash is not one this app makes
InvalidPersonName            a name or identity header value the app does not accept
NotSignedIn                  a request carries no identity the settings accept
└── InvalidSession           a session cookie is malformed, forged, expired or ended
NotYourThread                a thread that belongs to someone else
TooManyRuns                  a person or a tab has as many runs going as allowed
"""

from __future__ import annotations

from app.settings import SettingsError


class AccessSettingsError(SettingsError):
    """An access setting in the environment cannot be used."""


class PasswordHashError(ValueError):
    """A password hash is malformed or was made with other parameters."""


class InvalidPersonName(ValueError):
    """A person's name (typed, or from the identity header) is empty, too long or odd."""


class NotSignedIn(Exception):
    """The request carries no identity the settings accept; ``reason`` says why (for logs)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidSession(NotSignedIn):
    """A session cookie that is malformed, has a wrong signature, has expired or was ended."""


class NotYourThread(Exception):
    """The thread's metadata names another owner."""


class TooManyRuns(Exception):
    """As many runs as allowed are going for the person (``scope="person"``) or the tab."""

    def __init__(self, scope: str, limit: int) -> None:
        self.scope, self.limit = scope, limit
        where = "for you (in all your tabs)" if scope == "person" else "in this tab"
        runs = "run is" if limit == 1 else "runs are"
        super().__init__(
            f"{limit} {runs} already going {where}, the most allowed at once: "
            "wait for one to finish or stop it, then send again."
        )
