"""Domain errors: expected refusals that views show as a clear message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. ``message`` is plain English (in the reader's language), safe to show to
    the user; ``field`` names the input it is about, when it is about one, so a page can show it there."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        # A message marked with _l is put into words now, in the language of the request refused.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field


class IllegalTransition(DomainError):
    """A workflow step that is not allowed from the current state."""


class StaleEdit(DomainError):
    """Someone else saved first; the caller's copy is out of date."""


class StorageUnavailable(DomainError):
    """File storage could not be reached; nothing was saved."""


class UploadRejected(DomainError):
    """The file is of a type we do not accept, empty or too large."""
