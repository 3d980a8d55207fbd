"""Where each section of an application form stands, as the task list and check-answers page show it."""

from __future__ import annotations

import enum

from markupsafe import Markup, escape

from portal.infra.i18n import _l


class SectionStatus(enum.StrEnum):
    """A section's progress; the value is the words the group reads in English, ``label`` in theirs."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CANNOT_START = "Cannot start yet"

    @property
    def label(self) -> str:
        return _LABELS[self]

    def __html__(self) -> Markup:
        # Shown on a page (Jinja asks for the HTML), a status reads in the reader's language.
        return escape(str(self.label))

    @property
    def done(self) -> bool:
        return self is SectionStatus.COMPLETED

    @property
    def tag_colour(self) -> str | None:
        """The colour of the tag that marks unfinished work; None where plain text is shown."""
        return {SectionStatus.NOT_STARTED: "blue", SectionStatus.IN_PROGRESS: "yellow"}.get(self)


_LABELS = {
    SectionStatus.NOT_STARTED: _l("Not started"),
    SectionStatus.IN_PROGRESS: _l("In progress"),
    SectionStatus.COMPLETED: _l("Completed"),
    SectionStatus.CANNOT_START: _l("Cannot start yet"),
}
