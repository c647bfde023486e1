"""Why a recording cannot be used. The tree::

RecordingError (ValueError)
├── NotARecordingError        not JSON, or JSON that is not a recording
├── NewerVersionError         written by a newer (or unknown) version of the format
├── TruncatedRecordingError   cut off: its JSON ends early or frames are missing
└── RecordingTooLargeError    over the size limit
"""

from __future__ import annotations


class RecordingError(ValueError):
    """A file or payload that cannot be opened as a run recording."""


class NotARecordingError(RecordingError):
    """Not a run recording at all."""


class NewerVersionError(RecordingError):
    """A recording format version this app does not know."""


class TruncatedRecordingError(RecordingError):
    """A recording that was cut off."""


class RecordingTooLargeError(RecordingError):
    """A recording over the size limit."""
