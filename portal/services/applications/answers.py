"""How a saved answer reads, on every page and in every export.

One wording for everybody: the group checking its answers, the officer and the
panel must never read the same answer two ways (an unticked declaration once
read "Not confirmed" to the group and "Not answered" to the officer). The
questions themselves, and the sections' titles and slugs, live in
``application_form``; this module only turns a stored value into words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from portal.infra.i18n import _l, gettext
from portal.models.applications import Application
from portal.services.applications import fields, spoken
from portal.services.applications import form as form_rules

# By module, not by name: application_form is still loading when panel_access (through
# evidence) first imports this module.

if TYPE_CHECKING:
    from portal.services.applications.form import FieldSpec

NOT_ANSWERED = _l("Not answered")
ANSWERED_BY_RECORDING = _l("Answered in a recording")
ANSWERED_BY_VIDEO = _l("Answered in a video")
NOT_CONFIRMED = _l("Not confirmed")
CONFIRMED = _l("Confirmed")


# Under blind review a file's name may name the group ("Hatfield Tea Club rules.pdf").
FILE_NAME_WITHHELD = _l("A file (its name is not shown in blind review)")


def shown_answer(spec: FieldSpec | None, value: Any, *, file_names: bool = True) -> str:
    """A stored answer in words: choices by their labels, ticks as confirmed or not."""
    tick = spec is not None and spec.kind == "tick"
    if isinstance(value, list):
        # A choice list may hold blanks from an unticked box; they are not answers.
        value = [v for v in value if v not in (None, "")]
    if value in (None, "", [], False) or (isinstance(value, str) and not value.strip()):
        return str(NOT_CONFIRMED if tick else NOT_ANSWERED)
    if tick:
        return str(CONFIRMED)
    if spec is not None and spec.choices:
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(spec.choices.get(str(v), str(v))) for v in values)
    if spec is not None and spec.kind == "money":
        return fields.shown_pounds(value)
    if spec is not None and spec.kind == "date":
        return fields.shown_date(value)
    if isinstance(value, dict):  # a file: shown by its name
        return str(value.get("filename") or gettext("A file")) if file_names else str(FILE_NAME_WITHHELD)
    return str(value)


@dataclass(frozen=True)
class AnswerRow:
    name: str
    label: str
    value: str
    # A long-text question answered (also) by a recording: played under the written answer, if any.
    spoken: spoken.SpokenAnswer | None = None


@dataclass(frozen=True)
class AnswerSection:
    key: str
    title: str
    rows: list[AnswerRow]


def answer_rows(
    application: Application, key: str, specs: Iterable[FieldSpec], *, file_names: bool = True
) -> list[AnswerRow]:
    return [_row(application, key, spec, file_names=file_names) for spec in specs]


def _row(application: Application, key: str, spec: FieldSpec, *, file_names: bool) -> AnswerRow:
    value = form_rules.answer(application, key, spec.name)
    recording = spoken.spoken_answer(application, key, spec.name) if spoken.takes_recording(spec.kind) else None
    shown = shown_answer(spec, value, file_names=file_names)
    if recording is not None and not form_rules.answered(value):
        shown = str(ANSWERED_BY_VIDEO if recording.has_video else ANSWERED_BY_RECORDING)
    return AnswerRow(spec.name, spec.label, shown, recording)


def answer_sections(
    application: Application,
    keys: Iterable[str],
    *,
    fields: Callable[[Application, str], list[FieldSpec]] | None = None,
    file_names: bool = True,
) -> list[AnswerSection]:
    """The answers of the given question sections, in words.

    By default the round's own questions taken out of the form still show when
    this application answered them (what officers and the panel read); the
    group checking its draft passes ``fields=application_form.fields_for`` to
    see only what the form asks now. A section with no questions is left out.
    A blind-review panel passes ``file_names=False``.
    """
    sections = []
    for key in keys:
        specs = (fields or form_rules.shown_fields)(application, key)
        if form_rules.is_round_section(key) and not specs:
            continue
        title = form_rules.section_for(application.round, key).title
        sections.append(AnswerSection(key, title, answer_rows(application, key, specs, file_names=file_names)))
    return sections
