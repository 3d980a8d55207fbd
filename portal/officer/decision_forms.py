"""Forms for officers' decisions on an application."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class ReturnApprovalForm(FlaskForm):
    reason = TextAreaField(
        "Why you are returning it (the officer who approved it reads this)",
        validators=[
            DataRequired("Give the reason for returning the approval"),
            Length(max=2000, message="The reason must be 2,000 characters or fewer"),
        ],
    )
