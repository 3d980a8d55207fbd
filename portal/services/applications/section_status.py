"""Where each section of an application form stands, as the task list and check-answers page show it."""

from __future__ import annotations

import enum


class SectionStatus(enum.StrEnum):
    """A section's progress; the value is the words the group reads."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CANNOT_START = "Cannot start yet"

    @property
    def done(self) -> bool:
        return self is SectionStatus.COMPLETED

    @property
    def tag_colour(self) -> str | None:
        """The colour of the tag that marks unfinished work; None where plain text is shown."""
        return {SectionStatus.NOT_STARTED: "blue", SectionStatus.IN_PROGRESS: "yellow"}.get(self)
