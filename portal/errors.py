"""Domain errors: expected refusals that views show as a clear message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. ``message`` is plain English, safe to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransition(DomainError):
    """A workflow step that is not allowed from the current state."""


class StaleEdit(DomainError):
    """Someone else saved first; the caller's copy is out of date."""


class StorageUnavailable(DomainError):
    """File storage could not be reached; nothing was saved."""


class UploadRejected(DomainError):
    """The file is of a type we do not accept, empty or too large."""
