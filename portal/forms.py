"""Fields, filters and messages shared by every form in the portal.

Each journey keeps its own form classes beside its views; what they have in
common lives here so a message or a widget is written once (STYLE §9).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, MultipleFileField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.infra.i18n import _l

EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")


def strip(value: Any) -> Any:
    """Filter: drop the spaces a phone keyboard adds around typed text."""
    return value.strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes (rendered by components/forms.html:field)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def email_field(label: str, *, missing: str, **kwargs: Any) -> EmailField:
    """An email address field: stripped, required with ``missing`` as its message, checked for format."""
    return EmailField(
        label,
        filters=[strip],
        validators=[
            DataRequired(missing),
            Length(max=254, message=EMAIL_FORMAT),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
        **kwargs,
    )


class ButtonForm(FlaskForm):
    """A form that is one button: it carries the CSRF token and nothing else (cancel, publish, remove)."""


class MessageForm(FlaskForm):
    """A message in an award's thread, written by the group or the programme team."""

    body = TextAreaField(_l("Your message"), filters=[strip])
    files = MultipleFileField(
        _l("Files (optional)"), render_kw={"accept": "image/*,application/pdf,.pdf,.heic,.heif,.doc,.docx,.odt"}
    )
