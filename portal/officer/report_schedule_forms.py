"""The form for one report in a schedule (a round's or an award's): its name, when it is due, its questions
and what else it asks. Numbers and the date are text fields, so what was typed comes back after a refusal;
services/awards/report_schedules.py says what is wrong with it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, StringField

from portal.forms import strip
from portal.infra.i18n import _l
from portal.services.applications.form import parse_whole_number
from portal.services.awards.report_schedules import MAX_QUESTIONS, ReportQuestion, ReportSettings

# Empty boxes under the questions already asked, for new ones.
EMPTY_BOXES = 2


class ReportQuestionForm(Form):
    # The key travels with its question (hidden), so answers stay with it.
    key = HiddenField()
    label = StringField(_l("Question"), filters=[strip])
    hint = StringField(_l("Hint (optional)"), filters=[strip])
    words = StringField(_l("Word limit"), filters=[strip], default="300")


class ReportItemForm(FlaskForm):
    title = StringField(_l("Name of the report"), filters=[strip])
    months_after = StringField(_l("Due this many months after the group accepts"), filters=[strip], default="12")
    due_on = StringField(_l("Due on (optional: leave empty to count the months from acceptance)"), filters=[strip],
                         render_kw={"type": "date"})  # fmt: skip
    questions = FieldList(FormField(ReportQuestionForm), min_entries=0, max_entries=MAX_QUESTIONS + EMPTY_BOXES)
    asks_people_reached = BooleanField(_l("Ask how many people took part"))
    asks_spending = BooleanField(_l("Ask what was spent against each budget line"))
    allows_photos = BooleanField(_l("Let the group add photos"))

    def due_date(self) -> date | None:
        """The date typed, or None when the box is empty. Raises ValueError for a date that cannot be read."""
        return date.fromisoformat(self.due_on.data) if self.due_on.data else None

    def settings(self) -> ReportSettings:
        """The report as typed (a box whose question is empty is a question taken out)."""
        questions = [
            ReportQuestion(
                entry.form.key.data or "",
                entry.form.label.data,
                entry.form.hint.data or "",
                parse_whole_number(entry.form.words.data or "") or 0,
            )
            for entry in self.questions
            if entry.form.label.data
        ]
        return ReportSettings(
            title=self.title.data or "",
            months_after=parse_whole_number(self.months_after.data or ""),
            questions=questions,
            asks_people_reached=bool(self.asks_people_reached.data),
            asks_spending=bool(self.asks_spending.data),
            allows_photos=bool(self.allows_photos.data),
        )


def item_form(settings: ReportSettings | None) -> ReportItemForm:
    """The form for a POST (as sent), or showing ``settings`` (a new report's defaults when None)."""
    shown = settings or ReportSettings(title="", questions=[])
    data: dict[str, Any] = {
        "title": shown.title,
        "months_after": "" if shown.months_after is None else str(shown.months_after),
        "due_on": shown.due_on.isoformat() if shown.due_on else "",
        "questions": [
            {"key": q.name, "label": q.label, "hint": q.hint, "words": str(q.word_limit)} for q in shown.questions
        ]
        + [{"key": "", "label": "", "hint": "", "words": "300"}] * EMPTY_BOXES,
        "asks_people_reached": shown.asks_people_reached,
        "asks_spending": shown.asks_spending,
        "allows_photos": shown.allows_photos,
    }
    return ReportItemForm(data=data)
